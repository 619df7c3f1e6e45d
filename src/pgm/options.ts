/**
 * PGM option extensions (RFC 3208 §9): OPT_LENGTH first, giving the length of
 * them all, then options of (type, length, reserved) headers and bodies, the
 * last one flagged with OPTION_END. Reading checks every length against the
 * packet, which OpenPGM itself does not, so a forged option cannot read past it.
 *
 * @module
 */
import {
  MAX_NAK_SEQUENCES,
  MAX_OPTIONS,
  OPT_FRAGMENT_BODY,
  OPT_HEADER_SIZE,
  OPT_LENGTH_SIZE,
  OPTION_END,
  OPTION_MASK,
  OptionType,
} from "./constants.ts";

/** OPT_FRAGMENT: this TPDU carries `length`-byte APDU bytes from `offset`, the APDU starting at sequence `first`. */
export interface FragmentOption {
  readonly first: number;
  readonly offset: number;
  readonly length: number;
}

/** The options omq reads; the others are skipped. */
export interface ParsedOptions {
  /** Where the packet continues after the options. */
  readonly end: number;
  readonly fragment: FragmentOption | null;
  /** OPT_NAK_LIST: the sequence numbers after the one in the NAK/NCF header. */
  readonly nakList: number[] | null;
  /** OPT_FIN: the source is ending the session. */
  readonly fin: boolean;
}

const readU32 = (b: Uint8Array, at: number): number =>
  ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

/**
 * Reads the options at `at`; returns them, or a reason to drop the packet.
 *
 * @example
 * ```ts
 * const parsed = readOptions(packet, 24);
 * if (typeof parsed === "string") console.log("dropped:", parsed);
 * ```
 */
export function readOptions(bytes: Uint8Array, at: number): ParsedOptions | string {
  if (at + OPT_LENGTH_SIZE > bytes.length) return "options truncated";
  if ((bytes[at] & OPTION_MASK) !== OptionType.LENGTH || bytes[at + 1] !== OPT_LENGTH_SIZE) {
    return "options do not start with OPT_LENGTH";
  }
  const total = (bytes[at + 2] << 8) | bytes[at + 3];
  const end = at + total;
  if (total < OPT_LENGTH_SIZE + OPT_HEADER_SIZE || end > bytes.length) return "bad option total length";
  let fragment: FragmentOption | null = null;
  let nakList: number[] | null = null;
  let fin = false;
  let p = at + OPT_LENGTH_SIZE;
  for (let count = 0;; count++) {
    if (count === MAX_OPTIONS) return "more than 16 options";
    if (p + OPT_HEADER_SIZE > end) return "option header past the options";
    const type = bytes[p] & OPTION_MASK;
    const length = bytes[p + 1];
    if (length < OPT_HEADER_SIZE || p + length > end) return "bad option length";
    switch (type) {
      case OptionType.FRAGMENT:
        if (length !== OPT_HEADER_SIZE + OPT_FRAGMENT_BODY) return "bad OPT_FRAGMENT length";
        fragment = { first: readU32(bytes, p + 4), offset: readU32(bytes, p + 8), length: readU32(bytes, p + 12) };
        break;
      case OptionType.NAK_LIST: {
        const n = (length - OPT_HEADER_SIZE - 1) / 4;
        if (!Number.isInteger(n) || n < 1 || n > MAX_NAK_SEQUENCES - 1) return "bad OPT_NAK_LIST length";
        nakList = new Array<number>(n);
        for (let i = 0; i < n; i++) nakList[i] = readU32(bytes, p + 4 + 4 * i);
        break;
      }
      case OptionType.FIN:
        fin = true;
        break;
    }
    const last = (bytes[p] & OPTION_END) !== 0;
    p += length;
    if (last) break;
  }
  if (p !== end) return "options shorter than OPT_LENGTH says";
  return { end, fragment, nakList, fin };
}

/** Bytes of OPT_LENGTH plus one option with a `body`-byte body. */
export function oneOptionSize(body: number): number {
  return OPT_LENGTH_SIZE + OPT_HEADER_SIZE + body;
}

/** Writes OPT_LENGTH and the header of one last option of `type` with a `body`-byte body; returns where the body goes. */
export function writeOneOption(out: Uint8Array, at: number, type: number, body: number): number {
  const total = oneOptionSize(body);
  out[at] = OptionType.LENGTH;
  out[at + 1] = OPT_LENGTH_SIZE;
  out[at + 2] = total >>> 8;
  out[at + 3] = total & 0xff;
  out[at + 4] = type | OPTION_END;
  out[at + 5] = OPT_HEADER_SIZE + body;
  out[at + 6] = 0;
  return at + OPT_LENGTH_SIZE + OPT_HEADER_SIZE;
}
