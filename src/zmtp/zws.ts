/**
 * ZWS 2.0 framing (RFC 45 §"Framing"): over WebSocket each ZMTP frame is one
 * binary message whose first byte holds the flags (0x01 MORE, 0x02 COMMAND)
 * and whose rest is the body. No greeting, no size field: the WebSocket
 * message carries the length.
 *
 * @module
 */
import { COMMAND, MORE } from "./frame.ts";

/** ZWS flag bits (not ZMTP's: COMMAND is 0x02 here, 0x04 in ZMTP). */
export const ZWS_MORE = 0x01;
export const ZWS_COMMAND = 0x02;

/** Frames up to this size share one buffer per batch; a larger one gets a buffer of its own. */
const SHARED_MAX = 16 * 1024;
const BUFFER_SIZE = 64 * 1024;

/** The ZMTP flag bits (MORE, COMMAND) a ZWS flags byte stands for; -1 for reserved bits set. */
export function zmtpFlags(zwsFlags: number): number {
  if (zwsFlags & ~(ZWS_MORE | ZWS_COMMAND)) return -1;
  return (zwsFlags & ZWS_MORE ? MORE : 0) | (zwsFlags & ZWS_COMMAND ? COMMAND : 0);
}

/**
 * Accumulates frames as ZWS messages for one `write`: each frame becomes one message,
 * its flags byte first. Small frames are views of a shared buffer, so a batch of small
 * messages costs one allocation; the body is copied once, right behind its flags byte.
 *
 * @example
 * ```ts
 * import { ZwsEncoder } from "./zws.ts";
 * const encoder = new ZwsEncoder();
 * encoder.message([new TextEncoder().encode("a"), new TextEncoder().encode("b")]);
 * const [first, second] = encoder.take(); // [0x01, 0x61] and [0x00, 0x62]
 * ```
 */
export class ZwsEncoder {
  #messages: Uint8Array[] = [];
  #bytes = 0;
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;

  /** Adds all frames of a message (MORE on every frame but the last). */
  message(frames: readonly Uint8Array[]): void {
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) this.frame(frames[i], i < last ? MORE : 0);
  }

  /** Adds one frame; `flags` are ZMTP bits (MORE, COMMAND). */
  frame(body: Uint8Array, flags: number): void {
    const size = body.byteLength + 1;
    let out: Uint8Array;
    if (size > SHARED_MAX) out = new Uint8Array(size);
    else {
      if (this.#pos + size > this.#buf.byteLength) {
        // A fresh buffer each time: messages handed to the WebSocket must never be overwritten.
        this.#buf = new Uint8Array(BUFFER_SIZE);
        this.#pos = 0;
      }
      out = this.#buf.subarray(this.#pos, this.#pos + size);
      this.#pos += size;
    }
    out[0] = (flags & MORE ? ZWS_MORE : 0) | (flags & COMMAND ? ZWS_COMMAND : 0);
    if (size <= 16) { for (let i = 1; i < size; i++) out[i] = body[i - 1]; }
    else out.set(body, 1);
    this.#messages.push(out);
    this.#bytes += size;
  }

  /** True when nothing is pending. */
  get empty(): boolean {
    return this.#messages.length === 0;
  }

  /** Pending bytes; used to bound one batch. */
  get pendingBytes(): number {
    return this.#bytes;
  }

  /** Returns the messages encoded so far and starts afresh. */
  take(): Uint8Array[] {
    const messages = this.#messages;
    this.#messages = [];
    this.#bytes = 0;
    return messages;
  }
}
