/**
 * PGM sequence numbers are 32-bit and wrap (RFC 3208 §8 and RFC 1982 serial
 * number arithmetic): "a before b" means b is ahead of a by less than 2^31.
 *
 * @module
 */

/**
 * Whether sequence `a` comes before `b`, across the wrap.
 *
 * @example
 * ```ts
 * sequenceBefore(0xffffffff, 0); // true: 0 follows the wrap
 * ```
 */
export function sequenceBefore(a: number, b: number): boolean {
  return ((b - a) | 0) > 0;
}

/** How many steps `b` is ahead of `a` (negative when behind), across the wrap. */
export function sequenceDistance(a: number, b: number): number {
  return (b - a) | 0;
}

/** The sequence number after `a`. */
export function nextSequence(a: number): number {
  return (a + 1) >>> 0;
}
