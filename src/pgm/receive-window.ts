/**
 * A receiver's window on one source (RFC 3208 §6.3, OpenPGM's rxw.c): data
 * in sequence order, gaps detected and repaired by NAK, APDUs reassembled from
 * fragments, and loss declared when repair fails — delivered to the caller in
 * order as whole APDUs or as a loss, never a part of an APDU.
 *
 * Each missing sequence number runs OpenPGM's receiver state machine: BACK-OFF
 * (a random wait up to NAK_BO_IVL, so receivers missing the same packet do not
 * all NAK at once), then a NAK and WAIT-NCF (NAK_RPT_IVL), then after the
 * source's NCF WAIT-DATA (NAK_RDATA_IVL); each timeout returns to BACK-OFF,
 * and too many (NAK_NCF_RETRIES, NAK_DATA_RETRIES) lose the packet. So does
 * the source's trailing edge passing it: it can no longer be repaired.
 *
 * The window starts at the first packet or SPM heard (a late joiner gets
 * what follows, not what came before), and holds at most `capacity`
 * sequence numbers: a gap older than that is lost to make room.
 *
 * @module
 */
import { MAX_APDU, MAX_FRAGMENTS } from "./constants.ts";
import type { DataPacket, FragmentOption } from "./packet.ts";
import { nextSequence, sequenceBefore, sequenceDistance } from "./sequence.ts";

/** The receiver's NAK timing, in milliseconds, with libzmq's values as defaults. */
export interface NakTiming {
  /** The most a NAK waits after a gap is seen (NAK_BO_IVL; libzmq: 50). */
  readonly backoff: number;
  /** How long a NAK waits for its NCF before backing off again (NAK_RPT_IVL; libzmq: 200). */
  readonly repeat: number;
  /** How long a confirmed NAK waits for the repair (NAK_RDATA_IVL; libzmq: 200). */
  readonly repairWait: number;
  /** NAKs without an NCF before the packet is lost (NAK_NCF_RETRIES; libzmq: 50). */
  readonly ncfRetries: number;
  /** NCFs without the repair before the packet is lost (NAK_DATA_RETRIES; libzmq: 50). */
  readonly dataRetries: number;
  /** A number in [0, 1): picks each back-off. */
  readonly random: () => number;
}

/** libzmq's receiver settings (pgm_socket.cpp). */
export const LIBZMQ_NAK_TIMING: NakTiming = {
  backoff: 50,
  repeat: 200,
  repairWait: 200,
  ncfRetries: 50,
  dataRetries: 50,
  random: Math.random,
};

/** What the window hands on, in sequence order. */
export interface WindowOutput {
  /** A complete APDU (a view into the packet when it came in one). */
  apdu(bytes: Uint8Array): void;
  /** `count` sequence numbers that will never arrive (the APDUs they carried are gone). */
  loss(count: number): void;
}

/** What adding a data packet did. */
export type AddResult = "appended" | "filled" | "gap" | "duplicate" | "malformed";

const BACK_OFF = 1;
const WAIT_NCF = 2;
const WAIT_DATA = 3;
const HAVE_DATA = 4;
const LOST = 5;

interface Slot {
  state: number;
  expiry: number;
  ncfRetries: number;
  dataRetries: number;
  payload: Uint8Array | null;
  fragment: FragmentOption | null;
}

/**
 * One source's receive window.
 *
 * @example
 * ```ts
 * const window = new ReceiveWindow(80, LIBZMQ_NAK_TIMING, { apdu: (b) => got.push(b), loss: (n) => lost += n });
 * window.add(dataPacket, now); // delivers in order, or opens a gap
 * const naks = window.poll(now, true); // sequence numbers to NAK now
 * ```
 */
export class ReceiveWindow {
  readonly capacity: number;
  /** Whether the window has been placed (by a first packet or SPM). */
  defined = false;
  /** The next sequence number to deliver. */
  next = 0;
  /** The highest sequence number known (received or missing). */
  lead = 0xffffffff;
  /** Sequence numbers declared lost so far. */
  losses = 0;
  readonly #timing: NakTiming;
  readonly #output: WindowOutput;
  /** Sequence numbers from `next` to `lead` that were not delivered yet. */
  readonly #slots = new Map<number, Slot>();
  #sourceTrail = 0;
  #firstTrail = 0;
  #constrained = true;
  #delivered = false;
  #deadline = Infinity;

  constructor(capacity: number, timing: NakTiming, output: WindowOutput) {
    this.capacity = Math.max(2, Math.floor(capacity));
    this.#timing = timing;
    this.#output = output;
  }

  /** When `poll` has a timer to run; Infinity when nothing is missing. */
  get deadline(): number {
    return this.#deadline;
  }

  /** Whether sequence numbers are missing (waiting for repair or behind a gap). */
  get pending(): boolean {
    return this.#slots.size > 0;
  }

  /** Takes an ODATA or RDATA; complete APDUs after it go to the output at once. */
  add(packet: DataPacket, now: number): AddResult {
    const sqn = packet.sqn;
    // OpenPGM's sanity checks: a trail far behind the sequence number, an impossible fragment.
    if (sequenceDistance(packet.trail, sqn) < 0) return "malformed";
    let fragment = packet.fragment;
    if (fragment) {
      if (fragment.length < packet.payload.length || fragment.length > MAX_APDU) return "malformed";
      if (sequenceBefore(sqn, fragment.first)) return "malformed";
      if (sequenceDistance(fragment.first, sqn) >= MAX_FRAGMENTS) return "malformed";
      if (fragment.length === packet.payload.length && fragment.offset === 0) fragment = null;
    }
    if (!this.defined) this.#define((sqn - 1) >>> 0, packet.trail);
    else this.#updateTrail(packet.trail);
    if (sequenceBefore(sqn, this.next)) return "duplicate";
    let result: AddResult;
    if (!sequenceBefore(this.lead, sqn)) {
      const slot = this.#slots.get(sqn);
      if (slot === undefined || slot.state === HAVE_DATA) return "duplicate";
      // Even a packet given up for lost is taken while it has not been skipped (as OpenPGM does).
      slot.state = HAVE_DATA;
      slot.payload = packet.payload;
      slot.fragment = fragment;
      result = "filled";
    } else {
      const ahead = sequenceDistance(this.lead, sqn);
      if (ahead === 1 && this.#slots.size === 0 && fragment === null) {
        // In order with nothing missing: straight through.
        this.lead = sqn;
        this.next = nextSequence(sqn);
        this.#deliver(packet.payload);
        return "appended";
      }
      result = ahead === 1 ? "appended" : "gap";
      if (ahead > 1) this.#open(sqn, now);
      const slot = this.#append(sqn, HAVE_DATA, Infinity);
      slot.payload = packet.payload;
      slot.fragment = fragment;
    }
    this.#flush();
    return result;
  }

  /** An SPM's window edges: learns of packets never seen (and NAKs them), loses what the source no longer holds. */
  update(lead: number, trail: number, now: number): void {
    if (!this.defined) {
      this.#define(lead, trail);
      return;
    }
    this.#updateTrail(trail);
    if (sequenceBefore(this.lead, lead)) {
      this.#open(nextSequence(lead), now);
    }
    this.#flush();
  }

  /** An NCF for `sqn`: the source will repair it, so wait for the data rather than NAK again. */
  confirm(sqn: number, now: number): void {
    if (!this.defined || sequenceBefore(sqn, this.next)) return;
    if (sequenceBefore(this.lead, sqn)) {
      // A confirmation of something not seen yet (another receiver's NAK): it exists.
      if (sequenceDistance(this.lead, sqn) > this.capacity) return;
      this.#open(sqn, now);
      this.#append(sqn, WAIT_DATA, now + this.#timing.repairWait);
      this.#flush();
      return;
    }
    const slot = this.#slots.get(sqn);
    if (slot === undefined) return;
    if (slot.state === BACK_OFF || slot.state === WAIT_NCF || slot.state === WAIT_DATA) {
      slot.state = WAIT_DATA;
      slot.expiry = now + this.#timing.repairWait;
    }
  }

  /**
   * Runs the timers due at `now`; returns the sequence numbers to NAK. Without the source's
   * address (`canNak` false: no SPM heard yet) a missing packet cannot be asked for: it backs
   * off again, and is lost once that has happened `ncfRetries` times.
   */
  poll(now: number, canNak: boolean): number[] {
    const naks: number[] = [];
    if (now < this.#deadline) return naks;
    const t = this.#timing;
    let deadline = Infinity;
    for (const [sqn, slot] of this.#slots) {
      if (slot.state === HAVE_DATA || slot.state === LOST) continue;
      if (now >= slot.expiry) {
        if (slot.state === BACK_OFF) {
          if (!canNak) {
            // OpenPGM loses it at once; waiting a few back-offs for the SPM asked for is kinder
            // to a receiver that joined between SPMs, and still bounded by the NCF retries.
            if (++slot.ncfRetries >= t.ncfRetries) {
              slot.state = LOST;
              continue;
            }
            slot.expiry = now + this.#backoff();
          } else {
            slot.state = WAIT_NCF;
            slot.expiry = now + t.repeat;
            naks.push(sqn);
          }
        } else if (slot.state === WAIT_NCF ? ++slot.ncfRetries >= t.ncfRetries : ++slot.dataRetries >= t.dataRetries) {
          slot.state = LOST;
          continue;
        } else {
          slot.state = BACK_OFF;
          slot.expiry = now + this.#backoff();
        }
      }
      if (slot.expiry < deadline) deadline = slot.expiry;
    }
    this.#deadline = deadline;
    this.#flush();
    return naks;
  }

  /** Loses everything still missing (the source has gone) and delivers what is complete. */
  abandon(): void {
    for (const slot of this.#slots.values()) {
      if (slot.state !== HAVE_DATA) slot.state = LOST;
    }
    this.#flush();
    // What is left is the start of an APDU whose end never came.
    const left = this.#slots.size;
    if (left > 0) {
      this.#slots.clear();
      this.next = nextSequence(this.lead);
      this.#lose(left);
    }
    this.#deadline = Infinity;
  }

  #define(lead: number, trail: number): void {
    this.defined = true;
    this.lead = lead;
    this.next = nextSequence(lead);
    this.#sourceTrail = trail;
    this.#firstTrail = this.next;
    this.#constrained = true;
  }

  #backoff(): number {
    return 1 + this.#timing.random() * (this.#timing.backoff - 1);
  }

  // OpenPGM's _pgm_rxw_update_trail: what the source can no longer repair is lost.
  #updateTrail(trail: number): void {
    if (!sequenceBefore(this.#sourceTrail, trail)) return;
    // The trail holds back retransmission requests until it passes where this receiver joined.
    if (this.#constrained) {
      if (!sequenceBefore(this.#firstTrail, trail)) return;
      this.#constrained = false;
    }
    this.#sourceTrail = trail;
    if (!sequenceBefore(this.next, trail)) return;
    if (this.#slots.size === 0) {
      // Packets we never heard of went out of the source's window.
      const skipped = sequenceDistance(this.next, trail);
      this.next = trail;
      this.lead = (trail - 1) >>> 0;
      this.#lose(skipped);
      return;
    }
    for (const [sqn, slot] of this.#slots) {
      if (!sequenceBefore(sqn, trail)) break;
      if (slot.state !== HAVE_DATA) slot.state = LOST;
    }
  }

  // Placeholders for lead+1 .. before-1, each waiting a back-off before its NAK.
  #open(before: number, now: number): void {
    const gap = sequenceDistance(this.lead, before) - 1;
    if (gap <= 0) return;
    if (gap >= this.capacity) {
      // Further ahead than the window reaches (or forged): everything up to there is lost.
      for (const slot of this.#slots.values()) if (slot.state !== HAVE_DATA) slot.state = LOST;
      this.#flush();
      const dropped = this.#slots.size + gap;
      this.#slots.clear();
      this.next = before;
      this.lead = (before - 1) >>> 0;
      this.#lose(dropped);
      return;
    }
    // One back-off for the whole gap, as OpenPGM: its NAKs go out together in one list.
    const expiry = now + this.#backoff();
    for (let sqn = nextSequence(this.lead); sqn !== before; sqn = nextSequence(sqn)) {
      this.#append(sqn, BACK_OFF, expiry);
    }
  }

  // A new slot at lead+1, making room first when the window is full.
  #append(sqn: number, state: number, expiry: number): Slot {
    while (sequenceDistance(this.next, sqn) >= this.capacity) this.#forceOldest();
    const slot: Slot = { state, expiry, ncfRetries: 0, dataRetries: 0, payload: null, fragment: null };
    this.#slots.set(sqn, slot);
    this.lead = sqn;
    if (expiry < this.#deadline) this.#deadline = expiry;
    return slot;
  }

  // The window is full: the oldest sequence number gives way (OpenPGM's _pgm_rxw_remove_trail).
  #forceOldest(): void {
    const slot = this.#slots.get(this.next);
    if (slot === undefined) {
      this.next = nextSequence(this.next);
      return;
    }
    if (slot.state !== HAVE_DATA) slot.state = LOST;
    const before = this.next;
    this.#flush();
    if (this.next === before) {
      // An incomplete APDU at the front: it is lost.
      this.#drop(1);
    }
  }

  // Delivers from `next` on: complete APDUs and losses, until something is still missing.
  #flush(): void {
    for (;;) {
      const slot = this.#slots.get(this.next);
      if (slot === undefined) return;
      if (slot.state === LOST) {
        this.#drop(1);
        continue;
      }
      if (slot.state !== HAVE_DATA) return;
      const fragment = slot.fragment;
      if (fragment === null) {
        this.#slots.delete(this.next);
        this.next = nextSequence(this.next);
        this.#deliver(slot.payload!);
        continue;
      }
      if (fragment.first !== this.next || fragment.offset !== 0) {
        // The middle of an APDU whose start is gone: at a late join just where the window
        // began, otherwise a loss.
        this.#drop(1, !this.#delivered && this.losses === 0);
        continue;
      }
      const apdu = this.#assemble(fragment);
      if (apdu === undefined) return;
      if (apdu !== null) this.#deliver(apdu);
    }
  }

  // The APDU starting at `next`: its bytes, null if it cannot complete (dropped as lost),
  // undefined while a fragment is still on its way.
  #assemble(head: FragmentOption): Uint8Array | null | undefined {
    let size = 0;
    let count = 0;
    for (let sqn = this.next;; sqn = nextSequence(sqn)) {
      const slot = this.#slots.get(sqn);
      if (slot === undefined) return undefined;
      count++;
      if (slot.state === LOST) {
        this.#drop(count);
        return null;
      }
      if (slot.state !== HAVE_DATA) return undefined;
      const f = slot.fragment;
      if (f === null || f.first !== head.first || f.length !== head.length || f.offset !== size) {
        // Fragments that disagree (OpenPGM's "protocol sanity check"): the APDU is lost.
        this.#drop(count - 1 || 1);
        return null;
      }
      size += slot.payload!.length;
      if (size > head.length || count > MAX_FRAGMENTS) {
        this.#drop(count);
        return null;
      }
      if (size === head.length) break;
    }
    const out = new Uint8Array(size);
    let at = 0;
    for (let i = 0; i < count; i++) {
      const payload = this.#slots.get(this.next)!.payload!;
      out.set(payload, at);
      at += payload.length;
      this.#slots.delete(this.next);
      this.next = nextSequence(this.next);
    }
    return out;
  }

  // Skips `count` sequence numbers from `next` as lost (silently for a late joiner's partial start).
  #drop(count: number, silent = false): void {
    for (let i = 0; i < count; i++) {
      this.#slots.delete(this.next);
      this.next = nextSequence(this.next);
    }
    if (!silent) this.#lose(count);
  }

  #lose(count: number): void {
    if (count <= 0) return;
    this.losses += count;
    this.#output.loss(count);
  }

  #deliver(apdu: Uint8Array): void {
    this.#delivered = true;
    this.#output.apdu(apdu);
  }
}
