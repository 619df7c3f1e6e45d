/**
 * A bounded one-way queue of whole messages between a socket and one peer
 * (libzmq's `pipe_t`). Two of them, one each way, connect a socket to a peer.
 * Messages move by reference: no copies.
 *
 * @module
 */
import type { Message } from "./message.ts";
import type { Peer } from "./peer.ts";

/**
 * The pipe the last `read` took a message from, on any socket: a socket clears it before asking
 * its rules for a message and looks after, to learn which peer a message came from without
 * tagging each message. One store per read, no allocation.
 */
export const lastRead: { pipe: Pipe | null } = { pipe: null };

/** A one-way message queue with a high-water mark. */
export class Pipe {
  /** Called after a write; the reader decides whether it cares. */
  onReadable: (() => void) | null = null;
  /** Called when a full pipe has drained to its low-water mark. */
  onWritable: (() => void) | null = null;
  /**
   * Called when an empty pipe gets a message, or ends: the fair queue reading it takes it back
   * among the pipes it reads (libzmq's `activated`), so it never scans idle ones.
   */
  onActive: (() => void) | null = null;
  #items: Message[] = [];
  #head = 0;
  #hwm = 0;
  #lwm = 0;
  #writerWaits = false;
  #ended = false;
  /** Keep only the newest message: a write replaces what is queued (ZMQ_CONFLATE). */
  readonly conflate: boolean;
  /** The peer whose inbound pipe this is (set by `Peer`): the one a message read here came from. */
  reader: Peer | null = null;
  /** Messages written, ever (plain counters: a metrics read sums them, the hot path only adds). */
  messages = 0;
  /** Bytes of the frames of the messages written, ever. */
  bytes = 0;
  /** Messages discarded unread: replaced under conflate, or cleared with the pipe. */
  dropped = 0;

  constructor(hwm: number, conflate = false) {
    this.conflate = conflate;
    this.hwm = hwm;
  }

  /** Most messages held; 0 means no limit. Changing it applies at once (libzmq 4.3 updates live pipes). */
  get hwm(): number {
    return this.#hwm;
  }

  set hwm(hwm: number) {
    this.#hwm = hwm;
    // libzmq's low-water mark: writers resume when half the queue has drained.
    this.#lwm = hwm > 0 ? Math.max(0, hwm - Math.max(1, Math.floor(hwm / 2))) : 0;
    // A raised mark may leave room for a writer that waits.
    if (this.#writerWaits && (hwm === 0 || this.size <= this.#lwm)) {
      this.#writerWaits = false;
      this.onWritable?.();
    }
  }

  /** Messages queued. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** True when a write would exceed the high-water mark (the writer is then told when there is room). */
  get full(): boolean {
    if (this.conflate) return false;
    if (this.#hwm > 0 && this.#items.length - this.#head >= this.#hwm) {
      this.#writerWaits = true;
      return true;
    }
    return false;
  }

  /** Whether a write would stay below the high-water mark; unlike `full`, asks without waiting for room. */
  get hasRoom(): boolean {
    return this.conflate || this.#hwm === 0 || this.#items.length - this.#head < this.#hwm;
  }

  /** True once the writer has said no more messages will come. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Queues a message (callers check `full` first; overshoot is allowed for a decoded chunk). */
  write(message: Message): void {
    this.messages++;
    let bytes = 0;
    // A frame is a Uint8Array, whose length is its size: cheaper to read than byteLength (measured, inproc).
    for (let i = 0; i < message.length; i++) bytes += message[i].length;
    this.bytes += bytes;
    const wasEmpty = this.#items.length === this.#head;
    if (this.conflate && !wasEmpty) {
      this.dropped += this.#items.length - this.#head;
      this.#items = [message];
      this.#head = 0;
    } else this.#items.push(message);
    if (wasEmpty) this.onActive?.();
    this.onReadable?.();
  }

  /** Takes the oldest message, if any. */
  read(): Message | undefined {
    if (this.#head === this.#items.length) return undefined;
    lastRead.pipe = this;
    const message = this.#items[this.#head];
    this.#items[this.#head++] = undefined as unknown as Message;
    const left = this.#items.length - this.#head;
    if (left === 0) {
      this.#items.length = 0;
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (this.#writerWaits && left <= this.#lwm) {
      this.#writerWaits = false;
      this.onWritable?.();
    }
    return message;
  }

  /** Drops every queued message (linger 0, a terminated peer). */
  clear(): void {
    this.dropped += this.#items.length - this.#head;
    this.#items = [];
    this.#head = 0;
    if (this.#writerWaits) {
      this.#writerWaits = false;
      this.onWritable?.();
    }
  }

  /** Marks the end: the reader drains what is left and then lets go of the pipe. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.onActive?.();
    this.onReadable?.();
  }
}
