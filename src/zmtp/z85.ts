/**
 * Z85 (RFC 32): the printable encoding ZeroMQ uses for CURVE keys. Four bytes
 * become five characters from an 85-letter alphabet, big-endian.
 *
 * @example
 * ```ts
 * import { z85 } from "omq";
 * z85.encode(new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])); // "HelloWorld"
 * z85.decode("HelloWorld"); // Uint8Array(8) [0x86, 0x4f, ...]
 * ```
 *
 * @module
 */

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET.charCodeAt(i)] = i;

/** Encodes bytes as Z85; the length must be a multiple of 4 (RFC 32), else `RangeError`. */
export function encode(data: Uint8Array): string {
  if (data.byteLength % 4 !== 0) throw new RangeError(`z85.encode: length ${data.byteLength} is not a multiple of 4`);
  let out = "";
  for (let i = 0; i < data.byteLength; i += 4) {
    let value = ((data[i] << 24) | (data[i + 1] << 16) | (data[i + 2] << 8) | data[i + 3]) >>> 0;
    const chunk = new Array<string>(5);
    for (let j = 4; j >= 0; j--) {
      chunk[j] = ALPHABET[value % 85];
      value = Math.floor(value / 85);
    }
    out += chunk.join("");
  }
  return out;
}

/** Decodes Z85 text; the length must be a multiple of 5 and every character in the alphabet, else `RangeError`. */
export function decode(text: string): Uint8Array {
  if (text.length % 5 !== 0) throw new RangeError(`z85.decode: length ${text.length} is not a multiple of 5`);
  const out = new Uint8Array((text.length / 5) * 4);
  for (let i = 0, o = 0; i < text.length; i += 5, o += 4) {
    let value = 0;
    for (let j = 0; j < 5; j++) {
      const c = text.charCodeAt(i + j);
      const digit = c < 128 ? DIGITS[c] : -1;
      if (digit < 0) throw new RangeError(`z85.decode: invalid character ${JSON.stringify(text[i + j])} at ${i + j}`);
      value = value * 85 + digit;
    }
    if (value > 0xffffffff) throw new RangeError(`z85.decode: group at ${i} exceeds 32 bits`);
    out[o] = value >>> 24;
    out[o + 1] = (value >>> 16) & 0xff;
    out[o + 2] = (value >>> 8) & 0xff;
    out[o + 3] = value & 0xff;
  }
  return out;
}
