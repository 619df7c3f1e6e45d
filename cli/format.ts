/**
 * Messages as lines of text for `omq`: frames joined by a delimiter, binary
 * frames as `0x` hex so routing ids and keys survive a round trip.
 *
 * @module
 */
import type { FrameFormat } from "./args.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

const hex = (frame: Uint8Array): string => {
  let s = "";
  for (const b of frame) s += b.toString(16).padStart(2, "0");
  return s;
};

/** Text that prints as itself: valid UTF-8 without control characters (tab aside). */
function printable(frame: Uint8Array): string | null {
  let text: string;
  try {
    text = decoder.decode(frame);
  } catch {
    return null;
  }
  // deno-lint-ignore no-control-regex -- control characters are what makes a frame binary
  return /[\x00-\x08\x0a-\x1f\x7f]/.test(text) ? null : text;
}

/**
 * One frame as printed: text, hex, or (auto) text unless it is binary.
 *
 * @example
 * ```ts
 * formatFrame(new Uint8Array([0, 1, 2]), "auto"); // "0x000102"
 * ```
 */
export function formatFrame(frame: Uint8Array, format: FrameFormat): string {
  if (format === "hex") return hex(frame);
  if (format === "text") return new TextDecoder().decode(frame);
  const text = printable(frame);
  return text === null || /^0x[0-9a-f]*$/i.test(text) ? `0x${hex(frame)}` : text;
}

/**
 * A whole message as one line (without the newline).
 *
 * @example
 * ```ts
 * formatMessage([enc("weather"), enc("10001 23")], "\t", "auto"); // "weather\t10001 23"
 * ```
 */
export function formatMessage(message: readonly Uint8Array[], delimiter: string, format: FrameFormat): string {
  return message.map((f) => formatFrame(f, format)).join(delimiter);
}

/**
 * One input line as a message: split at the delimiter; a frame written as
 * `0x…` (auto) or every frame (hex) is decoded from hex.
 *
 * @example
 * ```ts
 * parseLine("0x0001\thello", "\t", "auto"); // [Uint8Array [0, 1], bytes of "hello"]
 * ```
 */
export function parseLine(line: string, delimiter: string, format: FrameFormat): Uint8Array[] {
  return line.split(delimiter).map((part) => {
    const isHex = format === "hex" || (format === "auto" && /^0x([0-9a-f]{2})*$/i.test(part));
    if (!isHex) return encoder.encode(part);
    const digits = format === "hex" ? part : part.slice(2);
    if (!/^([0-9a-f]{2})*$/i.test(digits)) throw new Error(`"${part}" is not hex`);
    const out = new Uint8Array(digits.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
    return out;
  });
}
