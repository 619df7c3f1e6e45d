/**
 * CURVE long-term keys (RFC 26): Curve25519 key pairs as Z85 text, the form
 * libzmq's `zmq_curve_keypair` and zeromq.js's `curveKeyPair()` produce.
 *
 * @module
 */
import { boxCipher } from "./crypto/box-cipher.ts";
import { decode, encode } from "./zmtp/z85.ts";

/** A CURVE key pair, each key 32 bytes as 40 Z85 characters. */
export interface CurveKeyPair {
  /** The key to give peers (a server's is every client's `curveServerKey`). */
  readonly publicKey: string;
  /** The key to keep: `curveSecretKey` of the socket that owns the pair. */
  readonly secretKey: string;
}

/**
 * Makes a new long-term CURVE key pair from the platform's CSPRNG.
 *
 * @example
 * ```ts
 * import { curveKeyPair, Reply } from "omq";
 * const server = curveKeyPair();
 * const rep = new Reply({ curveServer: true, curveSecretKey: server.secretKey });
 * // clients need server.publicKey as their curveServerKey
 * ```
 */
export function curveKeyPair(): CurveKeyPair {
  const secret = crypto.getRandomValues(new Uint8Array(32));
  return { publicKey: encode(boxCipher().publicKey(secret)), secretKey: encode(secret) };
}

/**
 * The public key that belongs to a secret key (libzmq's `zmq_curve_public`).
 *
 * @example
 * ```ts
 * import { curveKeyPair, curvePublicKey } from "omq";
 * const { publicKey, secretKey } = curveKeyPair();
 * curvePublicKey(secretKey) === publicKey; // true
 * ```
 */
export function curvePublicKey(secretKey: string | Uint8Array): string {
  return encode(boxCipher().publicKey(keyBytes(secretKey, "secretKey")));
}

/** A key given as 40 Z85 characters or 32 bytes, as 32 bytes; `RangeError` naming `what` otherwise. */
export function keyBytes(value: string | Uint8Array, what: string): Uint8Array {
  if (value instanceof Uint8Array) {
    if (value.byteLength !== 32) throw new RangeError(`${what} must be 32 bytes, got ${value.byteLength}`);
    return value.slice();
  }
  if (typeof value !== "string" || value.length !== 40) {
    throw new RangeError(`${what} must be 40 Z85 characters or 32 bytes`);
  }
  try {
    return decode(value);
  } catch (err) {
    throw new RangeError(`${what} is not valid Z85: ${(err as Error).message}`);
  }
}

/**
 * A key given as 40 Z85 characters or 32 bytes, as Z85 text (how the socket options keep it).
 * A socket given a CURVE key will need the cipher: it is made ready now, before any handshake.
 */
export function keyText(value: string | Uint8Array, what: string): string {
  boxCipher();
  return encode(keyBytes(value, what));
}
