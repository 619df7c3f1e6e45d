/**
 * Round-robin over peers with room (libzmq's `lb_t`): each message goes to
 * the next peer whose outbound pipe is below its high-water mark.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";

/** Sends each message to one peer, in turn, skipping full ones. */
export class LoadBalancer {
  #peers: Peer[] = [];
  #next = 0;
  /** The peer the last message went to (REQ waits for its reply from that peer). */
  lastPeer: Peer | null = null;

  add(peer: Peer): void {
    this.#peers.push(peer);
  }

  remove(peer: Peer): void {
    const i = this.#peers.indexOf(peer);
    if (i < 0) return;
    this.#peers.splice(i, 1);
    if (this.#next > i) this.#next--;
    if (this.#next >= this.#peers.length) this.#next = 0;
  }

  /** Whether some peer has room (libzmq's `lb_t::has_out`). */
  get hasRoom(): boolean {
    for (const peer of this.#peers) if (peer.outbound.hasRoom) return true;
    return false;
  }

  /** Queues `message` on the next peer with room; false when every peer is full (or there are none). */
  send(message: Message): boolean {
    const peers = this.#peers;
    const n = peers.length;
    for (let i = 0, at = this.#next; i < n; i++, at = at + 1 === n ? 0 : at + 1) {
      const pipe = peers[at].outbound;
      if (!pipe.full) {
        pipe.write(message);
        this.lastPeer = peers[at];
        this.#next = at + 1 === n ? 0 : at + 1;
        return true;
      }
    }
    return false;
  }
}
