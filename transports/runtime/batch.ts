/**
 * Joining queued small chunks into one write, for adapters whose runtime has
 * no vectored write: one syscall for many small messages.
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
