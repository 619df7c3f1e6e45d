/**
 * Fan-out to many peers (libzmq's `dist_t`): one message goes to each chosen
 * peer; a peer whose outbound pipe is at its high-water mark misses it, so a
 * slow peer never holds back the others (RFC 29: the publisher never blocks).
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { encodeOnce } from "../zmtp/frame.ts";

/** Sends one message to several peers, dropping it for those that are full. */
export class Distributor {
  readonly #peers = new Set<Peer>();

  add(peer: Peer): void {
    this.#peers.add(peer);
  }

  remove(peer: Peer): void {
    this.#peers.delete(peer);
  }

  /** Every attached peer (for matching that is inverted, and for subscribers' fan-out). */
  get peers(): ReadonlySet<Peer> {
    return this.#peers;
  }

  /** True when some of `targets` could not take a message now (libzmq's `check_hwm` for XPUB_NODROP). */
  anyFull(targets: Iterable<Peer>): boolean {
    for (const peer of targets) if (!peer.detached && peer.outbound.full) return true;
    return false;
  }

  /** Queues `message` for each of `targets` that has room; returns how many took it. */
  send(message: Message, targets: readonly Peer[] | ReadonlySet<Peer>): number {
    // Encoded once here rather than once per connection (inproc peers and CURVE ignore it).
    if (("length" in targets ? targets.length : targets.size) > 1) encodeOnce(message);
    let sent = 0;
    for (const peer of targets) {
      if (peer.detached || peer.outbound.full) continue;
      // An inproc peer receives the array itself: each gets its own (the frames are shared, never mutated).
      peer.outbound.write(peer.link ? message.slice() : message);
      sent++;
    }
    return sent;
  }

  /** Queues `message` for every peer with room. */
  sendToAll(message: Message): number {
    return this.send(message, this.#peers);
  }

  /**
   * Queues `message` for every peer, past the high-water mark if need be: for subscriptions,
   * which must all reach the publisher (libzmq drops those beyond the mark, and with them
   * every message they would have matched).
   */
  sendToAllPastHwm(message: Message): void {
    for (const peer of this.#peers) {
      if (!peer.detached) peer.outbound.write(peer.link ? message.slice() : message);
    }
  }
}
