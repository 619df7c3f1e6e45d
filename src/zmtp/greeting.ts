/**
 * The 64-byte ZMTP greeting (RFC 23 §"Greeting", RFC 37): signature,
 * version, security mechanism and the as-server flag.
 *
 * @module
 */

export const GREETING_SIZE = 64;
/** The first ten bytes, enough to tell a ZMTP 3.x peer from anything else. */
export const SIGNATURE_SIZE = 10;

/** What a peer's greeting says. */
export interface Greeting {
  readonly major: number;
  readonly minor: number;
  readonly mechanism: string;
  readonly asServer: boolean;
}

/** Encodes our greeting: ZMTP 3.1 with the given mechanism name. */
export function encodeGreeting(mechanism: string, asServer: boolean): Uint8Array {
  const out = new Uint8Array(GREETING_SIZE);
  out[0] = 0xff;
  // Padding ending in 0x01 is what libzmq sends; RFC 23 allows any value in bytes 1-8.
  out[8] = 0x01;
  out[9] = 0x7f;
  out[10] = 3;
  out[11] = 1;
  for (let i = 0; i < mechanism.length; i++) out[12 + i] = mechanism.charCodeAt(i);
  out[32] = asServer ? 1 : 0;
  return out;
}

/** Thrown for a greeting we cannot talk to; the engine drops that connection. */
export class GreetingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "GreetingError";
  }
}

/**
 * Checks the signature alone (first 10 bytes), so a non-ZMTP peer is refused
 * before we wait for 54 more bytes that may never come.
 */
export function checkSignature(bytes: Uint8Array): void {
  // Bit 0 of byte 9 is set by every ZMTP 2.0+ peer; ZMTP 1.0 peers send a length there.
  if (bytes[0] !== 0xff || (bytes[9] & 0x01) !== 0x01) {
    throw new GreetingError("the peer did not send a ZMTP signature");
  }
}

/** Parses a full 64-byte greeting; versions below 3.0 are refused. */
export function decodeGreeting(bytes: Uint8Array): Greeting {
  checkSignature(bytes);
  const major = bytes[10];
  const minor = bytes[11];
  if (major < 3) throw new GreetingError(`ZMTP ${major}.x peers are not supported (3.0 or later needed)`);
  let end = 12;
  while (end < 32 && bytes[end] !== 0) end++;
  let mechanism = "";
  for (let i = 12; i < end; i++) {
    const c = bytes[i];
    // RFC 23: mechanism names are uppercase letters, digits, "-", "_", ".", "+".
    if (!/[A-Z0-9\-_.+]/.test(String.fromCharCode(c))) {
      throw new GreetingError("the peer's mechanism name is not valid ASCII");
    }
    mechanism += String.fromCharCode(c);
  }
  return { major, minor, mechanism, asServer: bytes[32] === 1 };
}
