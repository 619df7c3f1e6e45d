/**
 * Round-robin over peers with messages (libzmq's `fq_t`): one message from
 * each peer in turn, so one busy peer cannot starve the others.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";

/** Receives from peers in turn. */
export class FairQueue {
  #peers: Peer[] = [];
  #next = 0;

  add(peer: Peer): void {
    this.#peers.push(peer);
  }

  /** Forgets a peer now, dropping what it still had queued (linger 0, close). */
  remove(peer: Peer): void {
    const i = this.#peers.indexOf(peer);
    if (i < 0) return;
    this.#peers.splice(i, 1);
    if (this.#next > i) this.#next--;
    if (this.#next >= this.#peers.length) this.#next = 0;
  }

  /** The next message and the peer it came from, or undefined when all are empty. */
  receive(): Message | undefined {
    const peers = this.#peers;
    for (let i = 0; i < peers.length;) {
      const at = (this.#next + i) % peers.length;
      const peer = peers[at];
      const message = peer.inbound.read();
      if (message !== undefined) {
        this.#next = (at + 1) % peers.length;
        this.lastPeer = peer;
        return message;
      }
      // A peer that went away is dropped once its last message has been read (libzmq delivers them).
      if (peer.inbound.ended) this.remove(peer);
      else i++;
    }
    return undefined;
  }

  /** The peer the last received message came from (for reply routing). */
  lastPeer: Peer | null = null;
}
