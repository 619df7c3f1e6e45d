/**
 * The source's rate limit (libzmq's ZMQ_RATE, OpenPGM's ODATA_MAX_RTE): a
 * token bucket in bytes per second that counts each packet with its IP and
 * UDP headers, as OpenPGM's rate_control does. The bucket holds a couple of
 * milliseconds' worth (never less than one packet), so timer jitter in the
 * event loop does not cost throughput and bursts stay short.
 *
 * @module
 */

/** Milliseconds of sending the bucket holds. */
const BURST_MS = 2;
/** Rounding slack, in bytes: a refill computed in floating point must not leave a wait of 1e-13 ms. */
const SLACK = 1e-6;

/**
 * A token bucket driven by the caller's clock (milliseconds).
 *
 * @example
 * ```ts
 * const limit = new RateLimiter(12_500, 1528, 0); // 100 kbit/s
 * limit.take(1528, 0); // true
 * limit.take(1528, 0); // false: wait limit.delay(1528, 0) ms
 * ```
 */
export class RateLimiter {
  readonly #perMs: number;
  readonly #capacity: number;
  #tokens: number;
  #last: number;

  /** `bytesPerSecond` 0 means no limit; `largest` is the biggest packet that will be asked for. */
  constructor(bytesPerSecond: number, largest: number, now: number) {
    this.#perMs = bytesPerSecond / 1000;
    this.#capacity = Math.max(this.#perMs * BURST_MS, largest);
    this.#tokens = this.#capacity;
    this.#last = now;
  }

  /**
   * Takes `bytes` if the bucket has them; false (taking nothing) if not. More than the bucket
   * holds (a fragmented APDU) is taken from a full bucket, leaving a debt the next sends wait off.
   */
  take(bytes: number, now: number): boolean {
    if (this.#perMs === 0) return true;
    this.#refill(now);
    if (this.#tokens + SLACK < Math.min(bytes, this.#capacity)) return false;
    this.#tokens -= bytes;
    return true;
  }

  /** Milliseconds until `bytes` can be taken (0 if now). */
  delay(bytes: number, now: number): number {
    if (this.#perMs === 0) return 0;
    this.#refill(now);
    const need = Math.min(bytes, this.#capacity);
    return this.#tokens + SLACK >= need ? 0 : (need - this.#tokens) / this.#perMs;
  }

  #refill(now: number): void {
    if (now > this.#last) {
      this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
      this.#last = now;
    }
  }
}
