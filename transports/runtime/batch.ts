/**
 * The write queue of the adapters whose runtime has no vectored write (Deno, Bun):
 * chunks wait in order, small ones are joined into one write (one syscall for many
 * small messages), and the queued bytes decide when the engine must wait for `drain`.
 *
 * @module
 */

/** Small queued chunks are joined into one buffer up to this size. */
export const COALESCE_BYTES: number = 256 * 1024;

/**
 * Chunks from this size up are written as they are, never copied into a batch: a large
 * body is then written straight from the sender's buffer, at the cost of its header
 * going out in a write of its own. Copying 100 kB bodies into batches made 100 kB
 * messages 1.5–2× slower on Bun and Deno (bench/README.md).
 */
export const JOIN_BELOW: number = 16 * 1024;

/**
 * Takes the next write from the front of `queue`: a run of small chunks joined into a
 * buffer from `allocate` (which is overwritten entirely, so it may be uninitialised or
 * reused), or one chunk as it is.
 *
 * @example
 * ```ts
 * const queue = [new Uint8Array([1]), new Uint8Array([2, 3])];
 * takeBatch(queue); // Uint8Array [1, 2, 3]; queue is now empty
 * ```
 */
export function takeBatch(
  queue: Uint8Array[],
  allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
): Uint8Array {
  let n = 0;
  let size = 0;
  while (n < queue.length && queue[n].byteLength < JOIN_BELOW && size + queue[n].byteLength <= COALESCE_BYTES) {
    size += queue[n++].byteLength;
  }
  if (n <= 1) return queue.shift()!;
  const out = allocate(size);
  let at = 0;
  for (const c of queue.splice(0, n)) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Unflushed bytes (queued or in a write not yet complete) above which the writer is told to wait. */
export const WRITE_HIGH_WATER: number = 256 * 1024;

/**
 * The bytes a connection has been asked to write and the kernel has not taken yet.
 * The adapter writes `take()` results in order, reports what the kernel took with
 * `sent`, and puts a short write's remainder back with `putBack`; `mustWait` after a
 * write tells the engine to stop, and `drained` says when to tell it to go on.
 *
 * @example
 * ```ts
 * const queue = new WriteQueue();
 * queue.push([new Uint8Array(10), new Uint8Array(20)]);
 * const batch = queue.take(); // 30 bytes, one write
 * queue.sent(batch.byteLength);
 * queue.drained(); // false: nobody was told to wait
 * ```
 */
export class WriteQueue {
  readonly #highWater: number;
  #chunks: Uint8Array[] = [];
  /** Queued bytes plus those of a write handed to the runtime and not yet reported `sent`. */
  #bytes = 0;
  #wantsDrain = false;

  constructor(highWater: number = WRITE_HIGH_WATER) {
    this.#highWater = highWater;
  }

  /** True when no chunk waits (a write may still be in flight). */
  get empty(): boolean {
    return this.#chunks.length === 0;
  }

  /** Bytes queued or in flight. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Queues `chunks` in order (empty ones are dropped); the caller must not modify them afterwards. */
  push(chunks: readonly Uint8Array[]): void {
    for (const c of chunks) {
      if (c.byteLength === 0) continue;
      this.#chunks.push(c);
      this.#bytes += c.byteLength;
    }
  }

  /**
   * True when the unflushed bytes are above the high-water mark, so `write` returns false:
   * `drained` then reports, once, when the queue has emptied.
   */
  mustWait(): boolean {
    if (this.#bytes <= this.#highWater) return false;
    this.#wantsDrain = true;
    return true;
  }

  /** The next write, from the front: small chunks joined into `allocate`'s buffer, or one chunk as it is. */
  take(allocate?: (size: number) => Uint8Array): Uint8Array {
    return takeBatch(this.#chunks, allocate);
  }

  /** Puts the unwritten tail of a short write back in front, to go first. */
  putBack(rest: Uint8Array): void {
    this.#chunks.unshift(rest);
  }

  /** The kernel took `n` bytes of what `take` gave. */
  sent(n: number): void {
    this.#bytes -= n;
  }

  /** True, once, when the queue is empty after `mustWait` said wait: the owner's `drain` is due. */
  drained(): boolean {
    if (!this.#wantsDrain || this.#chunks.length > 0) return false;
    this.#wantsDrain = false;
    return true;
  }

  /** Drops everything (the connection is gone). */
  clear(): void {
    this.#chunks = [];
    this.#bytes = 0;
    this.#wantsDrain = false;
  }
}
