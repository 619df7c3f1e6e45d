/**
 * ZMTP commands (RFC 23 §"Commands", RFC 37): the body of a COMMAND frame is
 * a short name and its data; READY and friends carry metadata properties.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A parsed command frame body. */
export interface Command {
  readonly name: string;
  readonly data: Uint8Array;
}

/** Thrown for a malformed command; the engine drops that connection. */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

/** Encodes a command body: name length, name, data. */
export function encodeCommand(name: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(1 + name.length + data.byteLength);
  out[0] = name.length;
  for (let i = 0; i < name.length; i++) out[1 + i] = name.charCodeAt(i);
  out.set(data, 1 + name.length);
  return out;
}

/** Decodes a command body. */
export function decodeCommand(body: Uint8Array): Command {
  if (body.byteLength < 1) throw new CommandError("empty command frame");
  const n = body[0];
  if (n === 0 || body.byteLength < 1 + n) throw new CommandError("command name is truncated");
  let name = "";
  for (let i = 1; i <= n; i++) name += String.fromCharCode(body[i]);
  return { name, data: body.subarray(1 + n) };
}

/** Metadata properties: names are case-insensitive (kept lowercase), values are bytes. */
export type Metadata = Map<string, Uint8Array>;

/** Encodes metadata properties as READY/INITIATE carry them. */
export function encodeMetadata(props: Iterable<readonly [string, Uint8Array | string]>): Uint8Array {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const [name, raw] of props) {
    const value = typeof raw === "string" ? encoder.encode(raw) : raw;
    const part = new Uint8Array(1 + name.length + 4 + value.byteLength);
    part[0] = name.length;
    for (let i = 0; i < name.length; i++) part[1 + i] = name.charCodeAt(i);
    new DataView(part.buffer).setUint32(1 + name.length, value.byteLength);
    part.set(value, 5 + name.length);
    parts.push(part);
    total += part.byteLength;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Decodes metadata properties; throws `CommandError` if malformed. */
export function decodeMetadata(data: Uint8Array): Metadata {
  const props: Metadata = new Map();
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let at = 0;
  while (at < data.byteLength) {
    const n = data[at];
    if (n === 0 || at + 1 + n + 4 > data.byteLength) throw new CommandError("metadata property is truncated");
    let name = "";
    for (let i = 1; i <= n; i++) name += String.fromCharCode(data[at + i]);
    at += 1 + n;
    const size = view.getUint32(at);
    at += 4;
    if (at + size > data.byteLength) throw new CommandError(`metadata value of "${name}" is truncated`);
    props.set(name.toLowerCase(), data.subarray(at, at + size));
    at += size;
  }
  return props;
}

/** The ERROR command's reason (RFC 23). */
export function encodeError(reason: string): Uint8Array {
  const bytes = encoder.encode(reason).subarray(0, 255);
  const data = new Uint8Array(1 + bytes.byteLength);
  data[0] = bytes.byteLength;
  data.set(bytes, 1);
  return encodeCommand("ERROR", data);
}

/** Reads the reason of an ERROR command. */
export function decodeError(data: Uint8Array): string {
  if (data.byteLength < 1) return "";
  return decoder.decode(data.subarray(1, 1 + data[0]));
}

/** Text of a metadata value. */
export function metadataText(value: Uint8Array | undefined): string | undefined {
  return value === undefined ? undefined : decoder.decode(value);
}
