/**
 * Joining queued small chunks into one write, for adapters whose runtime has
 * no vectored write: one syscall for many small messages.
 *
 * @module
 */

/** Small queued chunks are joined into one buffer up to this size. */
export const COALESCE_BYTES: number = 256 * 1024;

/** Takes the next write from the front of `queue`: small chunks joined, a large one as it is. */
export function takeBatch(queue: Uint8Array[]): Uint8Array {
  if (queue.length === 1 || queue[0].byteLength >= COALESCE_BYTES) return queue.shift()!;
  let n = 0;
  let size = 0;
  while (n < queue.length && size + queue[n].byteLength <= COALESCE_BYTES) size += queue[n++].byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of queue.splice(0, n)) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
