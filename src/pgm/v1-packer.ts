/**
 * libzmq's framing on top of PGM, sending side (pgm_sender.cpp with
 * v1_encoder.cpp): messages are written as a byte stream of ZMTP/1.0 frames
 * (a 1-byte size, or 0xff and an 8-byte size, counting the flags byte; a
 * flags byte whose bit 0 is MORE; the body) cut into APDUs of at most one
 * TSDU. Each APDU starts with a 2-byte offset of the first message that
 * begins in it (0xffff: none does), so a receiver that joins late, or lost
 * data, starts cleanly at the next message. A large message simply continues
 * into the next APDUs.
 *
 * @module
 */
import type { Message } from "../message.ts";

/** The APDU offset that says no message starts in this APDU. */
export const NO_MESSAGE_START = 0xffff;

/** Where messages come from: a pipe. */
export interface MessageSource {
  read(): Message | undefined;
}

/**
 * Packs messages into APDUs.
 *
 * @example
 * ```ts
 * const packer = new V1Packer();
 * const out = new Uint8Array(1448);
 * const n = packer.fill(out, 0, pipe); // bytes of one APDU, 0 when nothing is queued
 * ```
 */
export class V1Packer {
  #message: Message | null = null;
  #frame = 0;
  /** Bytes of the current frame's header written so far (-1: the header is done). */
  #headerDone = 0;
  #body = 0;
  readonly #header = new Uint8Array(10);
  #headerSize = 0;

  /** Whether a message is partly written (the next APDU continues it). */
  get busy(): boolean {
    return this.#message !== null;
  }

  /**
   * Writes one APDU into `out` from `start` (at most `out.length - start` bytes): the offset,
   * the rest of a message begun in an earlier APDU, then as many messages from `source` as fit,
   * the last one possibly cut. Returns the APDU's length, 0 when there was nothing to write.
   */
  fill(out: Uint8Array, start: number, source: MessageSource): number {
    let at = start + 2;
    const end = out.length;
    let first = NO_MESSAGE_START;
    for (;;) {
      if (this.#message !== null) {
        at = this.#write(out, at, end);
        if (this.#message !== null) break;
      }
      if (at >= end) break;
      // pgm_sender: the offset marks where a whole message (not a later frame) begins.
      if (first === NO_MESSAGE_START) first = at - start - 2;
      const next = source.read();
      if (next === undefined) break;
      if (next.length > 0) this.#begin(next);
    }
    if (at === start + 2) return 0;
    out[start] = first >>> 8;
    out[start + 1] = first & 0xff;
    return at - start;
  }

  #begin(message: Message): void {
    this.#message = message;
    this.#frame = 0;
    this.#startFrame();
  }

  #startFrame(): void {
    const message = this.#message!;
    const body = message[this.#frame];
    const size = body.length + 1;
    const more = this.#frame < message.length - 1 ? 1 : 0;
    const h = this.#header;
    if (size < 0xff) {
      h[0] = size;
      h[1] = more;
      this.#headerSize = 2;
    } else {
      h[0] = 0xff;
      const hi = Math.floor(size / 0x1_0000_0000);
      const lo = size >>> 0;
      h[1] = hi >>> 24;
      h[2] = (hi >>> 16) & 0xff;
      h[3] = (hi >>> 8) & 0xff;
      h[4] = hi & 0xff;
      h[5] = lo >>> 24;
      h[6] = (lo >>> 16) & 0xff;
      h[7] = (lo >>> 8) & 0xff;
      h[8] = lo & 0xff;
      h[9] = more;
      this.#headerSize = 10;
    }
    this.#headerDone = 0;
    this.#body = 0;
  }

  // Writes what fits of the current message; clears it once done.
  #write(out: Uint8Array, at: number, end: number): number {
    const message = this.#message!;
    for (;;) {
      if (this.#headerDone < this.#headerSize) {
        const n = Math.min(this.#headerSize - this.#headerDone, end - at);
        for (let i = 0; i < n; i++) out[at + i] = this.#header[this.#headerDone + i];
        this.#headerDone += n;
        at += n;
        if (this.#headerDone < this.#headerSize) return at;
      }
      const body = message[this.#frame];
      const n = Math.min(body.length - this.#body, end - at);
      if (n > 0) {
        out.set(n === body.length ? body : body.subarray(this.#body, this.#body + n), at);
        this.#body += n;
        at += n;
      }
      if (this.#body < body.length) return at;
      if (++this.#frame === message.length) {
        this.#message = null;
        return at;
      }
      this.#startFrame();
      if (at >= end) return at;
    }
  }
}
