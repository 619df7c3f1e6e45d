/**
 * Round-robin over peers with messages (libzmq's `fq_t`): one message from
 * each peer in turn, so one busy peer cannot starve the others. As in libzmq,
 * the peers whose pipes may hold messages are kept at the front, and a pipe
 * found empty moves behind them until it is written to again (`onActive`): a
 * receive costs the same with ten thousand idle peers as with one.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";

/** A peer and its place in the queue's array (libzmq's `array_item_t`), so activating it needs no lookup. */
interface Slot {
  readonly peer: Peer;
  at: number;
}

/** Receives from peers in turn. */
export class FairQueue {
  /** Slots [0, #active) may have messages; the others were found empty and wait for `onActive`. */
  #slots: Slot[] = [];
  #byPeer = new Map<Peer, Slot>();
  #active = 0;
  /** The next active slot to read from. */
  #current = 0;

  /** The peer the last received message came from (for reply routing). */
  lastPeer: Peer | null = null;

  add(peer: Peer): void {
    const slot: Slot = { peer, at: this.#slots.length };
    this.#slots.push(slot);
    this.#byPeer.set(peer, slot);
    peer.inbound.onActive = () => this.#activate(slot);
    // It may hold messages already.
    this.#activate(slot);
  }

  /** Forgets a peer now, dropping what it still had queued (linger 0, close). */
  remove(peer: Peer): void {
    const slot = this.#byPeer.get(peer);
    if (slot === undefined) return;
    peer.inbound.onActive = null;
    if (slot.at < this.#active) {
      this.#active--;
      this.#swap(slot.at, this.#active);
      if (this.#current === this.#active) this.#current = 0;
    }
    this.#swap(slot.at, this.#slots.length - 1);
    this.#slots.pop();
    this.#byPeer.delete(peer);
  }

  /** The next message and the peer it came from, or undefined when all are empty. */
  receive(): Message | undefined {
    while (this.#active > 0) {
      const peer = this.#slots[this.#current].peer;
      const message = peer.inbound.read();
      if (message !== undefined) {
        this.#current = (this.#current + 1) % this.#active;
        this.lastPeer = peer;
        return message;
      }
      // A peer that went away is dropped once its last message has been read (libzmq delivers them).
      if (peer.inbound.ended) {
        this.remove(peer);
        continue;
      }
      this.#active--;
      this.#swap(this.#current, this.#active);
      if (this.#current === this.#active) this.#current = 0;
    }
    return undefined;
  }

  #activate(slot: Slot): void {
    if (slot.at < this.#active) return;
    this.#swap(slot.at, this.#active);
    this.#active++;
  }

  #swap(i: number, j: number): void {
    if (i === j) return;
    const slots = this.#slots;
    const a = slots[i];
    const b = slots[j];
    slots[i] = b;
    slots[j] = a;
    b.at = i;
    a.at = j;
  }
}
