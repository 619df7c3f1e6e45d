/**
 * A one-way byte stream between two threads in a SharedArrayBuffer: a ring
 * with one writer and one reader, each waking the other with
 * `Atomics.notify` / `Atomics.waitAsync`. Nothing is lost and nothing waits
 * on the event loop of a third thread.
 *
 * It exists for Deno, whose BroadcastChannel is a process-wide bus of 256
 * messages: a thread busy for a while (a CPU-bound handler) silently loses
 * whatever was posted beyond that meanwhile, by anyone, to anyone. A link
 * there carries its messages in two rings instead (threads/carrier.ts).
 *
 * Byte counts run on 32-bit integers that wrap; the capacity stays far below
 * 2^31, so `(written - read) | 0` is always what is queued. Each end says when
 * it is done: the reader still takes what a finished writer wrote, and a writer
 * whose reader is gone drops what it has not written.
 *
 * @module
 */

const WRITTEN = 0;
const READ = 1;
const WRITER_DONE = 2;
const READER_DONE = 3;
const HEADER = 16;

/** The shared memory of one ring, as posted to the other thread. */
export type RingMemory = SharedArrayBuffer;

/** A new ring's memory, `capacity` bytes of data. */
export function ringMemory(capacity: number): RingMemory {
  return new SharedArrayBuffer(HEADER + capacity);
}

interface Waiting {
  async: boolean;
  value: Promise<unknown> | string;
}
const waitAsync = (Atomics as unknown as {
  waitAsync?: (array: Int32Array, index: number, value: number) => Waiting;
}).waitAsync;

/** Whether this runtime can wait on shared memory without blocking (every supported one can). */
export const hasRings: boolean = typeof SharedArrayBuffer === "function" && typeof waitAsync === "function";

/** Whether `memory` is what `ringMemory` makes (it comes from another thread). */
export function isRingMemory(memory: unknown): memory is RingMemory {
  return hasRings && memory instanceof SharedArrayBuffer && memory.byteLength > HEADER;
}

class Ring {
  protected readonly state: Int32Array;
  protected readonly data: Uint8Array;
  protected readonly capacity: number;
  readonly #defer: (fn: () => void) => void;

  constructor(memory: RingMemory, defer: (fn: () => void) => void) {
    this.state = new Int32Array(memory, 0, HEADER / 4);
    this.data = new Uint8Array(memory, HEADER);
    this.capacity = this.data.byteLength;
    this.#defer = defer;
  }

  /**
   * Calls `wake` once `state[index]` is no longer `value`: when the other thread notifies, or
   * after this turn of the event loop if it changed already (a busy peer never starves the
   * rest of this thread, and what it writes meanwhile is taken in one go).
   */
  protected when(index: number, value: number, wake: () => void): void {
    const result = waitAsync!(this.state, index, value);
    if (result.async) (result.value as Promise<unknown>).then(wake);
    else this.#defer(wake);
  }

  protected flag(index: number): boolean {
    return Atomics.load(this.state, index) !== 0;
  }

  /** Sets a done flag and wakes every waiter on the ring, of either end. */
  protected finish(index: number): void {
    Atomics.store(this.state, index, 1);
    Atomics.notify(this.state, WRITTEN);
    Atomics.notify(this.state, READ);
  }
}

/** The writing end: `write` queues chunks; they go into the ring as room frees up. */
export class RingWriter extends Ring {
  #queue: Uint8Array[] = [];
  #head = 0;
  /** Bytes of `#queue[#head]` already written. */
  #offset = 0;
  #waiting = false;
  /** `end` was called: done once the queue is written. */
  #ending = false;
  #pump = () => {
    this.#waiting = false;
    this.#flush();
  };

  /** Queues `chunks` in order; the caller must not change them until they are written. */
  write(chunks: readonly Uint8Array[]): void {
    for (const chunk of chunks) if (chunk.byteLength > 0) this.#queue.push(chunk);
    if (!this.#waiting) this.#flush();
  }

  /** No more writes: what is queued still goes, then the reader stops. */
  end(): void {
    this.#ending = true;
    if (!this.#waiting) this.#flush();
  }

  /** No more writes, at once: the reader takes what is in the ring, then stops; what is queued here is dropped. */
  close(): void {
    this.#drop();
    this.finish(WRITER_DONE);
  }

  #drop(): void {
    this.#queue = [];
    this.#head = 0;
    this.#offset = 0;
  }

  #flush(): void {
    const { state, data, capacity } = this;
    if (this.flag(WRITER_DONE) || this.flag(READER_DONE)) return this.#drop();
    let written = Atomics.load(state, WRITTEN);
    const read = Atomics.load(state, READ);
    let room = capacity - ((written - read) | 0);
    const start = written;
    while (this.#head < this.#queue.length && room > 0) {
      const chunk = this.#queue[this.#head];
      const at = (written >>> 0) % capacity;
      const n = Math.min(room, chunk.byteLength - this.#offset, capacity - at);
      data.set(chunk.subarray(this.#offset, this.#offset + n), at);
      written = (written + n) | 0;
      room -= n;
      this.#offset += n;
      if (this.#offset === chunk.byteLength) {
        this.#queue[this.#head++] = undefined as unknown as Uint8Array;
        this.#offset = 0;
      }
    }
    if (written !== start) {
      Atomics.store(state, WRITTEN, written);
      Atomics.notify(state, WRITTEN);
    }
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
      if (this.#ending) this.finish(WRITER_DONE);
      return;
    }
    // Full: wait until the reader has taken some.
    this.#waiting = true;
    this.when(READ, read, this.#pump);
  }
}

/** The reading end: hands over what arrives, in chunks that are views of the shared memory until it returns. */
export class RingReader extends Ring {
  #read: (bytes: Uint8Array) => void;
  #pump = () => this.#drain();

  /** Starts reading: `read` gets each chunk (valid only during the call; copy what must stay). */
  constructor(memory: RingMemory, defer: (fn: () => void) => void, read: (bytes: Uint8Array) => void) {
    super(memory, defer);
    this.#read = read;
    this.#drain();
  }

  /** Stops reading (what the writer still writes is dropped there). */
  close(): void {
    this.finish(READER_DONE);
  }

  /** Takes what was written by now, then waits for more. */
  #drain(): void {
    const { state, data, capacity } = this;
    if (this.flag(READER_DONE)) return;
    const written = Atomics.load(state, WRITTEN);
    const start = Atomics.load(state, READ);
    let read = start;
    while (read !== written) {
      const at = (read >>> 0) % capacity;
      const n = Math.min((written - read) | 0, capacity - at);
      this.#read(data.subarray(at, at + n));
      if (this.flag(READER_DONE)) return;
      read = (read + n) | 0;
    }
    if (read !== start) {
      Atomics.store(state, READ, read);
      Atomics.notify(state, READ);
    }
    // A finished writer's last bytes are all in: nothing more will come.
    if (this.flag(WRITER_DONE) && Atomics.load(state, WRITTEN) === read) return;
    this.when(WRITTEN, written, this.#pump);
  }
}
