/**
 * Frames in and out of the zeromq.js API: received frames become Node's
 * `Buffer` (a view of the same bytes, no copy), and whatever zeromq.js lets a
 * program send (strings, numbers, null, views, buffers, other values coerced
 * to a string) becomes omq's frames.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { FrameLike } from "../mod.ts";

/** A received frame, as zeromq.js gives it. */
export type Message = Buffer;

/** What zeromq.js accepts as one frame: views (Buffer included), buffers, strings, numbers and null (empty). */
export type MessageLike = ArrayBufferView | ArrayBuffer | SharedArrayBuffer | string | number | null;

const EMPTY = new Uint8Array(0);

/** A frame as a `Buffer` over the same bytes. */
export function toBuffer(frame: Uint8Array): Buffer {
  return frame instanceof Buffer ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

/**
 * A received message with every frame as a `Buffer`; the draft types' metadata objects
 * (`{ routingId }`, `{ group }`) are kept, with a group as a `Buffer` too.
 */
export function toBuffers(message: readonly unknown[]): unknown[] {
  // A new array: on inproc, and from a publisher to several subscribers, omq hands the same array to each.
  const out = new Array<unknown>(message.length);
  for (let i = 0; i < message.length; i++) {
    const part = message[i];
    if (part instanceof Uint8Array) out[i] = toBuffer(part);
    else if (part !== null && typeof part === "object" && (part as { group?: unknown }).group instanceof Uint8Array) {
      out[i] = { ...part, group: toBuffer((part as { group: Uint8Array }).group) };
    } else out[i] = part;
  }
  return out;
}

/**
 * zeromq.js copies a frame of at most this many bytes when it is sent (its `zero_copy_threshold`)
 * and shares larger ones: a program may reuse a small buffer once `send()` resolved.
 */
const COPY_UP_TO = 128;

/** One frame of a message to send, coerced as zeromq.js does (`null` is empty, other values `String(value)`). */
export function toFrameLike(value: unknown): FrameLike {
  if (typeof value === "string") return value;
  // new Uint8Array(view) copies (a Buffer's slice() would not).
  if (value instanceof Uint8Array) return value.byteLength <= COPY_UP_TO ? new Uint8Array(value) : value;
  if (value === null || value === undefined) return EMPTY;
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return bytes.byteLength <= COPY_UP_TO ? new Uint8Array(bytes) : bytes;
  }
  if (value instanceof ArrayBuffer) return value.byteLength <= COPY_UP_TO ? value.slice(0) : value;
  if (typeof SharedArrayBuffer === "function" && value instanceof SharedArrayBuffer) return new Uint8Array(value);
  return String(value);
}

/** A message to send: one frame or an array of frames. */
export function toFrames(message: unknown): FrameLike[] {
  if (!Array.isArray(message)) return [toFrameLike(message)];
  const frames = new Array<FrameLike>(message.length);
  for (let i = 0; i < message.length; i++) frames[i] = toFrameLike(message[i]);
  return frames;
}
