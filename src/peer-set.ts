/**
 * The peers (pipe pairs) a socket routes over, as its session keeps them: made with the socket's
 * high-water marks, attached to the socket type's rules and wired to the socket's waiting sends
 * and receives, detached when their connection or inproc link ends.
 *
 * @module
 */
import { inprocMarksChanged } from "./inproc-marks.ts";
import { retire } from "./observe/counters.ts";
import { Peer } from "./peer.ts";
import type { SessionOwner } from "./session.ts";
import { compatible } from "./zmtp/socket-type.ts";

/** One socket's live peers. */
export class PeerSet {
  readonly #owner: SessionOwner;
  readonly #peers = new Set<Peer>();
  readonly #onWritable: () => void;

  constructor(owner: SessionOwner) {
    this.#owner = owner;
    this.#onWritable = () => owner.writable();
  }

  /** The peers attached now. */
  get live(): ReadonlySet<Peer> {
    return this.#peers;
  }

  /** A peer for `endpoint` with the socket's marks, not yet attached. */
  create(endpoint: string, assignedId: Uint8Array | null): Peer {
    const o = this.#owner.options;
    const peer = Peer.withPipes(
      o.sendHighWaterMark as number,
      o.receiveHighWaterMark as number,
      endpoint,
      o.conflate === true,
    );
    peer.assignedId = assignedId;
    // libzmq's subscribe_to_all: multicast carries no subscriptions, so a publisher sends it everything.
    peer.subscribesToAll = endpoint.startsWith("epgm:");
    return peer;
  }

  /** Whether the socket type talks to a peer of `socketType` (RFC 37's table, or the type's own rule). */
  accepts(socketType: string): boolean {
    const rules = this.#owner.rules();
    return rules.accepts ? rules.accepts(socketType) : compatible(this.#owner.socketType, socketType);
  }

  /** Hands `peer` to the socket type; false when it refuses more peers. */
  attach(peer: Peer): boolean {
    const rules = this.#owner.rules();
    if (!rules.attach(peer)) return false;
    this.#peers.add(peer);
    const readable = rules.readable;
    const owner = this.#owner;
    // Without a hook of its own, the socket's delivery itself: no extra call per message.
    peer.inbound.onReadable = readable ? () => readable.call(rules, peer) : owner.readable;
    peer.outbound.onWritable = this.#onWritable;
    peer.onGone = () => this.detach(peer, false);
    if (peer.inbound.size > 0) peer.inbound.onReadable();
    owner.writable();
    return true;
  }

  /** Stops using a peer; what it already delivered can still be received. */
  detach(peer: Peer, notifyLink: boolean): void {
    if (!this.#peers.delete(peer)) return;
    peer.detached = true;
    peer.onGone = null;
    peer.outbound.onWritable = null;
    if (peer.link) {
      // inproc: the other socket reads what we sent, then lets go.
      peer.outbound.end();
      if (notifyLink) peer.link.onGone?.();
    } else peer.outbound.clear();
    // The socket type first (STREAM queues a disconnect notice), then the end the fair queue waits for.
    this.#owner.rules().detach(peer);
    peer.inbound.end();
    peer.connectedAt = null;
    retire(this.#owner.counters, peer);
  }

  /** Detaches every peer, telling inproc links. */
  detachAll(): void {
    for (const peer of [...this.#peers]) this.detach(peer, true);
  }

  /** A high-water mark changed: it applies to live pipes at once, as libzmq 4.3 updates them. */
  markChanged(name: "sendHighWaterMark" | "receiveHighWaterMark"): void {
    const o = this.#owner.options;
    const hwm = o[name] as number;
    for (const peer of this.#peers) {
      if (peer.link) {
        // An inproc pipe pair is both sockets': libzmq's rule for it is in inproc.ts.
        inprocMarksChanged(peer, o.sendHighWaterMark as number, o.receiveHighWaterMark as number);
        continue;
      }
      if (name === "sendHighWaterMark") peer.outbound.hwm = hwm;
      else peer.inbound.hwm = hwm;
    }
  }
}
