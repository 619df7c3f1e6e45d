/**
 * libzmq's framing on top of PGM, receiving side (pgm_receiver.cpp with
 * v1_decoder.cpp): one decoder per source turns its ordered APDUs back into
 * messages. It joins the stream at the first APDU whose offset shows where a
 * message starts (skipping what came before), and after lost data or a bad
 * frame it drops what it had and joins again the same way. A message is handed
 * on only when all its frames arrived in one joined stretch: never torn.
 *
 * @module
 */
import type { Frame, Message } from "../message.ts";
import { NO_MESSAGE_START } from "./v1-packer.ts";

const SIZE = 0;
const LONG_SIZE = 1;
const FLAGS = 2;
const BODY = 3;

/**
 * Decodes one source's APDUs into messages.
 *
 * @example
 * ```ts
 * const decoder = new V1Decoder(-1, (message) => pipe.write(message));
 * decoder.apdu(apdu); // after a loss: decoder.reset()
 * ```
 */
export class V1Decoder {
  /** Whether the decoder is inside the stream (has seen where a message starts). */
  joined = false;
  /** Why the last APDU was dropped, if it was. */
  lastError: string | null = null;
  readonly #maxFrame: number;
  readonly #deliver: (message: Message) => void;
  #state = SIZE;
  #frames: Frame[] = [];
  #more = false;
  #size = 0;
  #sizeBytes = 0;
  /** The body so far, when it spans APDUs. */
  #pieces: Uint8Array[] = [];
  #got = 0;

  /** `maxFrame`: the largest frame body accepted (libzmq's ZMQ_MAXMSGSIZE), -1 for no limit. */
  constructor(maxFrame: number, deliver: (message: Message) => void) {
    this.#maxFrame = maxFrame;
    this.#deliver = deliver;
  }

  /** Forgets the partial message and waits for the next message start (after lost data). */
  reset(): void {
    this.joined = false;
    this.#state = SIZE;
    this.#frames = [];
    this.#pieces = [];
    this.#got = 0;
  }

  /** Takes the next APDU of the stream; returns false if it (or the message in it) was bad and dropped. */
  apdu(bytes: Uint8Array): boolean {
    this.lastError = null;
    if (bytes.length < 2) return this.#fail("an APDU without its offset");
    let at = 2;
    if (!this.joined) {
      const offset = (bytes[0] << 8) | bytes[1];
      if (offset === NO_MESSAGE_START) return true;
      if (offset > bytes.length - 2) return this.#fail("a message offset past the APDU");
      at += offset;
      this.joined = true;
    }
    return this.#decode(bytes, at);
  }

  #fail(reason: string): boolean {
    this.reset();
    this.lastError = reason;
    return false;
  }

  #decode(bytes: Uint8Array, at: number): boolean {
    const end = bytes.length;
    while (at < end) {
      switch (this.#state) {
        case SIZE: {
          const b = bytes[at++];
          if (b === 0xff) {
            this.#state = LONG_SIZE;
            this.#size = 0;
            this.#sizeBytes = 0;
            break;
          }
          // The size counts the flags byte, so it is at least 1.
          if (b === 0) return this.#fail("a frame size of 0");
          if (!this.#startBody(b - 1)) return false;
          break;
        }
        case LONG_SIZE: {
          const b = bytes[at++];
          // The first two bytes of a size a JavaScript array can hold are 0.
          if (this.#sizeBytes < 2 && b !== 0) return this.#fail("a frame larger than 2^48 bytes");
          this.#size = this.#size * 256 + b;
          if (++this.#sizeBytes === 8) {
            if (this.#size === 0) return this.#fail("a frame size of 0");
            if (!this.#startBody(this.#size - 1)) return false;
          }
          break;
        }
        case FLAGS:
          this.#more = (bytes[at++] & 1) !== 0;
          this.#state = BODY;
          this.#pieces = [];
          this.#got = 0;
          if (this.#size === 0) this.#endFrame(new Uint8Array(0));
          break;
        case BODY: {
          const want = this.#size - this.#got;
          const n = Math.min(want, end - at);
          if (n === want && this.#got === 0) {
            // The whole body in this APDU: hand out a view, no copy.
            this.#endFrame(bytes.subarray(at, at + n));
          } else {
            this.#pieces.push(bytes.subarray(at, at + n));
            this.#got += n;
            if (this.#got === this.#size) this.#endFrame(concat(this.#pieces, this.#size));
          }
          at += n;
          break;
        }
      }
    }
    return true;
  }

  #startBody(size: number): boolean {
    if (this.#maxFrame >= 0 && size > this.#maxFrame) return this.#fail(`a frame of ${size} bytes, over the limit`);
    this.#size = size;
    this.#state = FLAGS;
    return true;
  }

  #endFrame(body: Uint8Array): void {
    this.#frames.push(body);
    this.#state = SIZE;
    this.#pieces = [];
    this.#got = 0;
    if (this.#more) return;
    const message = this.#frames;
    this.#frames = [];
    this.#deliver(message);
  }
}

function concat(pieces: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
