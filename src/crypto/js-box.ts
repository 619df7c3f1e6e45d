/**
 * X25519 and XSalsa20-Poly1305 in JavaScript (@noble/curves, @noble/ciphers, audited): the fallback `BoxCipher` where
 * WebAssembly is unavailable, and what CURVE uses until the WebAssembly one has loaded.
 *
 * @module
 */
import { x25519 } from "@noble/curves/ed25519.js";
import { hsalsa, salsa20, xsalsa20poly1305 } from "@noble/ciphers/salsa.js";
import { poly1305 } from "@noble/ciphers/_poly1305.js";
import type { BoxCipher } from "./box-cipher.ts";
import { putCounter } from "./nonce.ts";

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
