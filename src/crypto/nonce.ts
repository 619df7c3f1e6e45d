/**
 * CurveZMQ short nonces (RFC 26): 64-bit big-endian counters, as libzmq's put_uint64.
 *
 * @module
 */

/** Writes `counter` (below 2^53) as 8 big-endian bytes at `at`. */
export function putCounter(out: Uint8Array, at: number, counter: number): void {
  const hi = Math.floor(counter / 0x1_0000_0000);
  const lo = counter >>> 0;
  out[at] = hi >>> 24;
  out[at + 1] = hi >>> 16;
  out[at + 2] = hi >>> 8;
  out[at + 3] = hi;
  out[at + 4] = lo >>> 24;
  out[at + 5] = lo >>> 16;
  out[at + 6] = lo >>> 8;
  out[at + 7] = lo;
}
