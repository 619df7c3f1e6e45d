/**
 * Messages as lines of text for `omq`: frames joined by a delimiter, binary
 * frames as `0x` hex so routing ids and keys survive a round trip. In auto
 * format every message survives print and parse: a text frame that would not
 * read back as itself (it holds the delimiter, or looks like hex) prints as hex
 * too, and a delimiter that a hex frame could hold is refused (see `args.ts`).
 *
 * @module
 */
import type { FrameFormat } from "./args.ts";

const encoder = new TextEncoder();
// ignoreBOM: a frame starting with EF BB BF keeps those bytes (the default decoder drops them).
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

const hex = (frame: Uint8Array): string => {
  let s = "";
  for (const b of frame) s += b.toString(16).padStart(2, "0");
  return s;
};

/**
 * Text that prints as itself: valid UTF-8 without control characters (tab aside), not
 * starting with a byte-order mark (which readers of a line may drop).
 */
function printable(frame: Uint8Array): string | null {
  let text: string;
  try {
    text = decoder.decode(frame);
  } catch {
    return null;
  }
  // deno-lint-ignore no-control-regex -- control characters are what makes a frame binary
  return /[\x00-\x08\x0a-\x1f\x7f]|^\uFEFF/.test(text) ? null : text;
}

/**
 * Whether splitting `text + delimiter + …` at the delimiter finds it first where it was
 * joined: no copy of it inside the text, nor one that begins in the text's tail.
 */
const splitsBack = (text: string, delimiter: string): boolean => (text + delimiter).indexOf(delimiter) === text.length;

/**
 * One frame as printed: text, hex, or (auto) text unless it is binary. Given the
 * delimiter the frame is printed next to, auto prints a text frame holding it as hex,
 * so the line splits back where it was joined.
 *
 * @example
 * ```ts
 * formatFrame(new Uint8Array([0, 1, 2]), "auto"); // "0x000102"
 * formatFrame(new TextEncoder().encode("a\tb"), "auto", "\t"); // "0x610962"
 * ```
 */
export function formatFrame(frame: Uint8Array, format: FrameFormat, delimiter?: string): string {
  if (format === "hex") return hex(frame);
  if (format === "text") return new TextDecoder().decode(frame);
  const text = printable(frame);
  return text === null || /^0x[0-9a-f]*$/i.test(text) || (delimiter !== undefined && !splitsBack(text, delimiter))
    ? `0x${hex(frame)}`
    : text;
}

/**
 * Why a delimiter cannot separate frames printed as hex, or null when it can. A hex frame
 * (`0x…` in auto, bare digits in hex format) could hold one that starts with a hex digit or
 * `x`; text format makes no promise of reading back, so it takes any.
 *
 * @example
 * ```ts
 * delimiterProblem("\t", "auto"); // null
 * delimiterProblem("0", "auto"); // "... starts with a hex digit ..."
 * ```
 */
export function delimiterProblem(delimiter: string, format: FrameFormat): string | null {
  if (delimiter === "") return "--delimiter cannot be empty";
  if (format !== "text" && /^[0-9a-fx]/i.test(delimiter)) {
    return `--delimiter "${delimiter}" starts with a hex digit or x, which a hex frame could hold (use --format text)`;
  }
  return null;
}

/**
 * A whole message as one line (without the newline). In auto and hex format,
 * `parseLine` gives the message back.
 *
 * @example
 * ```ts
 * formatMessage([enc("weather"), enc("10001 23")], "\t", "auto"); // "weather\t10001 23"
 * ```
 */
export function formatMessage(message: readonly Uint8Array[], delimiter: string, format: FrameFormat): string {
  return message.map((f) => formatFrame(f, format, delimiter)).join(delimiter);
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
