/**
 * The primitives CURVE runs on, NaCl's crypto_box: X25519 and XSalsa20-Poly1305, with two
 * implementations that give the same bytes: WebAssembly (src/crypto/secretbox.c and x25519.c,
 * several times the pure-JS speed) and @noble/curves + @noble/ciphers as the fallback where
 * WebAssembly is unavailable.
 *
 * The WebAssembly module is instantiated synchronously the first time CURVE needs a primitive
 * (a key pair, a socket's key option, a handshake), so every runtime behaves the same from the
 * first handshake on (Chromium 156's main thread included). Where a synchronous compile is
 * refused, JS serves until the asynchronous compile is done; both give the same bytes, so
 * connections switch.
 * Users who never use CURVE never compile it.
 *
 * @module
 */
import { jsBoxCipher } from "./js-box.ts";
import { instantiateWasmBoxCipher, loadWasmBoxCipher } from "./wasm-box.ts";

/**
 * X25519 and XSalsa20-Poly1305 boxes. A `subkey` is XSalsa20's HSalsa20 step done once for a 16-byte
 * nonce prefix; CurveZMQ's MESSAGE nonces share theirs ("CurveZMQMESSAGEC"/"...S") for the
 * life of a connection, so each frame costs only Salsa20 with its 8-byte counter.
 */
export interface BoxCipher {
  /** "wasm" or "js", for tests and benchmarks. */
  readonly kind: "wasm" | "js";
  /** X25519(secretKey, publicKey) (RFC 7748); throws for a public key of small order (an all-zero result). */
  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array;
  /** The X25519 public key of a secret key. */
  publicKey(secretKey: Uint8Array): Uint8Array;
  /** HSalsa20(key, prefix): the Salsa20 key for every nonce that starts with these 16 bytes. */
  subkey(key: Uint8Array, prefix: Uint8Array): Uint8Array;
  /** crypto_secretbox: the 16-byte tag, then the ciphertext of `plain`. */
  seal(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array): Uint8Array;
  /** crypto_secretbox_open; null when the box does not authenticate. */
  open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Uint8Array | null;
  /**
   * A CurveZMQ MESSAGE command body (RFC 26): "\x07MESSAGE", the 8-byte big-endian nonce
   * `counter`, then the box of the flags byte followed by `body`, under `subkey`.
   */
  sealMessage(subkey: Uint8Array, counter: number, flags: number, body: Uint8Array): Uint8Array;
  /**
   * Opens a MESSAGE command body in place (its nonce is bytes 8..16): true when the box
   * authenticates, and then bytes 32.. hold the plaintext (flags byte, then the frame).
   * False leaves bytes 32.. unspecified.
   */
  openMessage(subkey: Uint8Array, command: Uint8Array): boolean;
}

let loaded: BoxCipher | null = null;
let pinned: BoxCipher | null = null;
let loading: Promise<BoxCipher> | null = null;

/** The cipher to use now: WebAssembly, or JS where it is unavailable (or, in a browser, still compiling). */
export function boxCipher(): BoxCipher {
  return pinned ?? loaded ?? firstUse();
}

function firstUse(): BoxCipher {
  const wasm = instantiateWasmBoxCipher();
  if (wasm) {
    loaded = wasm;
    loading = Promise.resolve(wasm);
    return wasm;
  }
  loaded = jsBoxCipher;
  loading = loadWasmBoxCipher().then((wasm) => (loaded = wasm ?? jsBoxCipher), () => jsBoxCipher);
  return loaded;
}

/** Resolves to the cipher once the WebAssembly one is in use, or known to be unavailable. */
export function boxCipherReady(): Promise<BoxCipher> {
  boxCipher();
  return loading!;
}

/** Makes `boxCipher()` return this one, or the loaded one again for null (tests run the mechanism on each). */
export function pinBoxCipher(cipher: BoxCipher | null): void {
  pinned = cipher;
}
