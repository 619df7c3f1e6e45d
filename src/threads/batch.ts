/**
 * Messages packed for a BroadcastChannel: one post carries many messages, and
 * the small frames of all of them travel back to back in one buffer (a
 * structured clone of a view copies its whole underlying buffer, so frames that
 * are views of a larger receive buffer must not be posted as they are). Large
 * frames travel in a buffer of their own. The receiver's frames are views of
 * what arrived: one copy end to end, the structured clone's (where bytes cross
 * in SharedArrayBuffers, the copy in here and the copy out on the other side).
 *
 * @module
 */
import type { Frame, Message } from "../message.ts";

/** Frames at least this long travel in a buffer of their own instead of being packed. */
export const LARGE_FRAME: number = 64 * 1024;

type Bytes = ArrayBuffer | SharedArrayBuffer;

/** Messages as posted. */
export interface Batch {
  /** The number of messages, then for each: its frame count and each frame's length. */
  readonly lengths: Uint32Array;
  /** The frames shorter than `LARGE_FRAME`, back to back (null when there are none). */
  readonly bytes: Bytes | null;
  /** The longer frames, one buffer each, in order (null when there are none). */
  readonly large: Bytes[] | null;
  /** True when the buffers are SharedArrayBuffers, to be copied out on arrival. */
  readonly shared: boolean;
}

const EMPTY = new Uint8Array(0);

/** A buffer holding exactly `frame`'s bytes: the frame's own buffer when it spans all of it. */
function ownBuffer(frame: Frame, shared: boolean): Bytes {
  if (shared) {
    const buffer = new SharedArrayBuffer(frame.byteLength);
    new Uint8Array(buffer).set(frame);
    return buffer;
  }
  const buffer = frame.buffer;
  if (frame.byteOffset === 0 && frame.byteLength === buffer.byteLength && buffer instanceof ArrayBuffer) return buffer;
  return frame.slice().buffer;
}

/** Packs `messages` (in order) into one batch; `shared` puts the bytes in SharedArrayBuffers. */
export function encodeBatch(messages: readonly Message[], shared: boolean): Batch {
  let count = 1;
  let small = 0;
  for (const message of messages) {
    count += 1 + message.length;
    for (const frame of message) if (frame.byteLength < LARGE_FRAME) small += frame.byteLength;
  }
  const lengths = new Uint32Array(count);
  const bytes = small === 0 ? null : shared ? new SharedArrayBuffer(small) : new ArrayBuffer(small);
  const view = bytes === null ? EMPTY : new Uint8Array(bytes);
  let large: Bytes[] | null = null;
  let at = 0;
  let i = 0;
  lengths[i++] = messages.length;
  for (const message of messages) {
    lengths[i++] = message.length;
    for (const frame of message) {
      const length = frame.byteLength;
      lengths[i++] = length;
      if (length < LARGE_FRAME) {
        view.set(frame, at);
        at += length;
      } else (large ??= []).push(ownBuffer(frame, shared));
    }
  }
  return { lengths, bytes, large, shared };
}

/** Unpacks a batch, handing each message to `deliver` in order. */
export function decodeBatch(batch: Batch, deliver: (message: Message) => void): void {
  const { lengths, shared } = batch;
  const bytes = batch.bytes === null
    ? EMPTY
    : shared
    ? new Uint8Array(batch.bytes).slice()
    : new Uint8Array(batch.bytes);
  const large = batch.large;
  let i = 0;
  let at = 0;
  let next = 0;
  const messages = lengths[i++];
  for (let m = 0; m < messages; m++) {
    const frames = lengths[i++];
    if (i + frames > lengths.length) throw new RangeError("a batch shorter than its lengths say");
    const message: Message = new Array(frames);
    for (let f = 0; f < frames; f++) {
      const length = lengths[i++];
      if (length < LARGE_FRAME) {
        if (at + length > bytes.byteLength) throw new RangeError("a batch shorter than its lengths say");
        message[f] = bytes.subarray(at, at + length);
        at += length;
      } else {
        const buffer = large?.[next++];
        if (buffer === undefined || buffer.byteLength !== length) {
          throw new RangeError("a batch without its large frame");
        }
        message[f] = shared ? new Uint8Array(buffer).slice() : new Uint8Array(buffer);
      }
    }
    deliver(message);
  }
}
