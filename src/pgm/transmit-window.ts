/**
 * The source's transmit window (OpenPGM's txw): the last `capacity` packets
 * sent, by sequence number, kept for repair, and the queue of repairs that
 * NAKs asked for. A sequence number already waiting for repair is not queued
 * twice (NAK elimination), so many receivers missing one packet cost one RDATA.
 *
 * @module
 */
import { nextSequence, sequenceBefore } from "./sequence.ts";

/**
 * NAKs for a packet repaired this recently are ignored: receivers whose back-off ended while the
 * RDATA was on its way get it anyway. A receiver that lost the RDATA asks again only after
 * NAK_RDATA_IVL (200 ms in libzmq), well after this.
 */
export const REPAIR_HOLDOFF_MS = 50;

/**
 * Sent packets kept for repair.
 *
 * @example
 * ```ts
 * const window = new TransmitWindow(80);
 * const sqn = window.next; // 0
 * window.add(packet);
 * window.requestRepair(sqn, now); // true: queued
 * window.peekRepair(); // 0
 * ```
 */
export class TransmitWindow {
  readonly capacity: number;
  /** The oldest sequence number still held. */
  trail = 0;
  /** The newest sequence number sent (trail - 1 while empty). */
  lead = 0xffffffff;
  readonly #slots: (Uint8Array | undefined)[];
  readonly #repairedAt: Float64Array;
  readonly #confirmedAt: Float64Array;
  readonly #pending = new Set<number>();
  #queue: number[] = [];

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.#slots = new Array(this.capacity);
    this.#repairedAt = new Float64Array(this.capacity).fill(-Infinity);
    this.#confirmedAt = new Float64Array(this.capacity).fill(-Infinity);
  }

  /** The sequence number the next packet gets. */
  get next(): number {
    return nextSequence(this.lead);
  }

  /** Whether `sqn` is still held. */
  has(sqn: number): boolean {
    return this.#count() > 0 && !sequenceBefore(sqn, this.trail) && !sequenceBefore(this.lead, sqn);
  }

  /** The packet sent as `sqn`, if still held. */
  get(sqn: number): Uint8Array | undefined {
    return this.has(sqn) ? this.#slots[sqn % this.capacity] : undefined;
  }

  /** Keeps `packet` as sequence `next`, dropping the oldest when full. */
  add(packet: Uint8Array): void {
    if (this.#count() === this.capacity) {
      this.#slots[this.trail % this.capacity] = undefined;
      this.trail = nextSequence(this.trail);
    }
    this.lead = nextSequence(this.lead);
    this.#slots[this.lead % this.capacity] = packet;
    this.#repairedAt[this.lead % this.capacity] = -Infinity;
    this.#confirmedAt[this.lead % this.capacity] = -Infinity;
  }

  /**
   * Queues a repair of `sqn` (unless it is not held, or was just repaired); returns whether to
   * confirm it with an NCF: when newly queued, or still queued and not confirmed for a while (a
   * receiver asking again must hear it is coming, or it gives the packet up), never more often.
   */
  requestRepair(sqn: number, now: number): boolean {
    if (!this.has(sqn)) return false;
    const i = sqn % this.capacity;
    if (!this.#pending.has(sqn)) {
      if (now - this.#repairedAt[i] < REPAIR_HOLDOFF_MS) return false;
      this.#pending.add(sqn);
      this.#queue.push(sqn);
    } else if (now - this.#confirmedAt[i] < REPAIR_HOLDOFF_MS) return false;
    this.#confirmedAt[i] = now;
    return true;
  }

  /** Whether repairs are queued. */
  get repairsPending(): boolean {
    return this.#queue.length > 0;
  }

  /** The next queued repair still held, without removing it. */
  peekRepair(): number | undefined {
    while (this.#queue.length > 0) {
      const sqn = this.#queue[0];
      if (this.has(sqn)) return sqn;
      this.#queue.shift();
      this.#pending.delete(sqn);
    }
    return undefined;
  }

  /** Removes the repair `peekRepair` returned: it was sent at `now`. */
  repairSent(now: number): void {
    const sqn = this.#queue.shift();
    if (sqn === undefined) return;
    this.#pending.delete(sqn);
    this.#repairedAt[sqn % this.capacity] = now;
  }

  #count(): number {
    return (this.lead - this.trail + 1) >>> 0;
  }
}
