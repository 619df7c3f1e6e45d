/**
 * X25519 and XSalsa20-Poly1305 in JavaScript (@noble/curves, @noble/ciphers, audited): the fallback `BoxCipher` where
 * WebAssembly is unavailable, and what CURVE uses until the WebAssembly one has loaded.
 *
 * X25519 is noble's Montgomery ladder with RFC 7748's parameters, built here rather than taken
 * from `@noble/curves/ed25519.js`: that module builds Ed25519's point tables when it loads, which
 * cost every program about 8 ms of its start (omq's import, Node: median 96 -> 90 ms over 8 runs)
 * for a fallback that most programs never call.
 *
 * @module
 */
import { montgomery } from "@noble/curves/abstract/montgomery.js";
import { pow } from "@noble/curves/abstract/modular.js";
import { hsalsa, salsa20, xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
import { poly1305 } from "@noble/ciphers/_poly1305.js";
import type { BoxCipher } from "./box-cipher.ts";
import { putCounter } from "./nonce.ts";

/** 2^255 - 19, Curve25519's field prime (RFC 7748, section 4.1). */
const P = (1n << 255n) - 19n;

const x25519 = montgomery({
  P,
  type: "x25519",
  powPminus2: (x: bigint) => pow(x, P - 2n, P),
  // RFC 7748, section 5: clear the three low bits and the top bit, set the second-highest bit.
  adjustScalarBytes(bytes: Uint8Array): Uint8Array {
    bytes[0] &= 248;
    bytes[31] &= 127;
    bytes[31] |= 64;
    return bytes;
  },
});

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const words = (bytes: Uint8Array): Uint32Array => new Uint32Array(bytes.slice(0, 32).buffer);
const SIGMA = words(ascii("expand 32-byte k"));
const MESSAGE = ascii("\x07MESSAGE");

function equal16(a: Uint8Array, at: number, b: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < 16; i++) diff |= a[at + i] ^ b[i];
  return diff === 0;
}

/** The pure-JS cipher. */
export const jsBoxCipher: BoxCipher = {
  kind: "js",

  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    return x25519.getSharedSecret(secretKey, publicKey);
  },

  publicKey(secretKey: Uint8Array): Uint8Array {
    return x25519.getPublicKey(secretKey);
  },

  subkey(key: Uint8Array, prefix: Uint8Array): Uint8Array {
    const out = new Uint32Array(8);
    hsalsa(SIGMA, words(key), new Uint32Array(prefix.slice(0, 16).buffer), out);
    return new Uint8Array(out.buffer);
  },

  seal(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array): Uint8Array {
    return xsalsa20poly1305(key, nonce).encrypt(plain);
  },

  open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Uint8Array | null {
    if (box.byteLength < 16) return null;
    try {
      return xsalsa20poly1305(key, nonce).decrypt(box);
    } catch {
      return null;
    }
  },

  sealMessage(subkey: Uint8Array, counter: number, flags: number, body: Uint8Array): Uint8Array {
    // Bytes 0..31 start as zeros, so Salsa20 leaves keystream block 0's first half there: the Poly1305 key.
    const out = new Uint8Array(33 + body.byteLength);
    out[32] = flags;
    out.set(body, 33);
    const nonce = new Uint8Array(8);
    putCounter(nonce, 0, counter);
    salsa20(subkey, nonce, out, out);
    const tag = poly1305(out.subarray(32), out.subarray(0, 32));
    out.set(MESSAGE, 0);
    out.set(nonce, 8);
    out.set(tag, 16);
    return out;
  },

  openMessage(subkey: Uint8Array, command: Uint8Array): boolean {
    const plain = new Uint8Array(command.byteLength);
    plain.set(command.subarray(32), 32);
    salsa20(subkey, command.slice(8, 16), plain, plain);
    if (!equal16(command, 16, poly1305(command.subarray(32), plain.subarray(0, 32)))) return false;
    command.set(plain.subarray(32), 32);
    return true;
  },
};
