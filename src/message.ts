/**
 * Message types and the conversion of what users send into frames.
 *
 * @module
 */

/**
 * One frame of a message. A received frame may be a view into a larger buffer; it is never
 * reused. Bytes of that buffer outside the view are unspecified (as libzmq's receive buffer).
 */
export type Frame = Uint8Array;
/** What a frame can be given as; strings are UTF-8 encoded. */
export type FrameLike = Uint8Array | ArrayBufferView | ArrayBuffer | string;
/** A received message: always an array of frames. */
export type Message = Frame[];
/** What can be sent: one frame or a multipart message. */
export type MessageLike = FrameLike | FrameLike[];

const encoder = new TextEncoder();

/** Converts one frame-like value to bytes without copying where possible. */
export function toFrame(value: FrameLike): Frame {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return encoder.encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`a frame must be a Uint8Array, ArrayBufferView, ArrayBuffer or string, not ${typeof value}`);
}

/** Converts a message-like value to a frame array (a new array; the frames themselves are not copied). */
export function toMessage(value: MessageLike): Message {
  if (Array.isArray(value)) {
    const frames = new Array<Frame>(value.length);
    for (let i = 0; i < value.length; i++) frames[i] = toFrame(value[i]);
    return frames;
  }
  return [toFrame(value as FrameLike)];
}
