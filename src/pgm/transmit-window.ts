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
 * Sent packets kept for repair.
 *
 * @example
 * ```ts
 * const window = new TransmitWindow(80);
 * const sqn = window.next; // 0
 * window.add(packet);
 * window.requestRepair(sqn); // true: queued
 * window.takeRepair(); // [0, packet]
 * ```
 */
export class TransmitWindow {
  readonly capacity: number;
  /** The oldest sequence number still held. */
  trail = 0;
  /** The newest sequence number sent (trail - 1 while empty). */
  lead = 0xffffffff;
  readonly #slots: (Uint8Array | undefined)[];
  readonly #pending = new Set<number>();
  #queue: number[] = [];

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.#slots = new Array(this.capacity);
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
  }

  /** Queues a repair of `sqn`; false if it is not held or already queued. */
  requestRepair(sqn: number): boolean {
    if (!this.has(sqn) || this.#pending.has(sqn)) return false;
    this.#pending.add(sqn);
    this.#queue.push(sqn);
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

  /** Removes the repair `peekRepair` returned: it was sent. */
  repairSent(): void {
    const sqn = this.#queue.shift();
    if (sqn !== undefined) this.#pending.delete(sqn);
  }

  #count(): number {
    return (this.lead - this.trail + 1) >>> 0;
  }
}
