/**
 * Routing ids of a ROUTER's peers (and a REP's, which is a ROUTER
 * underneath in libzmq): libzmq's `router_t::identify_peer` and its
 * `outpipes` map. A peer is known by the id given to `connect`, else the
 * Identity it announced, else a generated id. A peer has no id until its
 * handshake (a connected endpoint's peer exists before), and is neither
 * routed to nor read from until then.
 *
 * @module
 */
import type { Peer } from "../peer.ts";
import { idKey, RoutingIds } from "./routing-ids.ts";

/** What a routing socket does when peers become routable or stop being so. */
export interface RoutingTableHost {
  /** Whether a newcomer announcing an id in use takes it over [ZMQ_ROUTER_HANDOVER]. */
  handover(): boolean;
  /** `peer` has its routing id now: start reading from it. */
  identified(peer: Peer): void;
  /** `peer` lost its id to a newcomer (handover): stop reading from it. */
  retired(peer: Peer): void;
}

/** Routing ids ↔ peers for one socket. */
export class RoutingTable {
  #host: RoutingTableHost;
  #byId = new Map<string, Peer>();
  /** Attached peers waiting for their handshake (or, over inproc, for the binder) to learn their id. */
  #pending = new Set<Peer>();
  /** Peers that are attached but never routed to or read from (duplicate id, or handed over). */
  #ignored = new Set<Peer>();
  #ids = new RoutingIds();

  constructor(host: RoutingTableHost) {
    this.#host = host;
  }

  /**
   * A new peer. It is identified at once when its id is known: named in
   * `connect`, or handshaken already (accepted connections, inproc). False
   * when the id given to `connect` is in use (libzmq asserts on that).
   */
  attach(peer: Peer): boolean {
    if (peer.assignedId && this.#byId.has(idKey(peer.assignedId))) return false;
    if (peer.assignedId || peer.socketType !== null) this.#identify(peer);
    else this.#pending.add(peer);
    return true;
  }

  /**
   * The handshake told us the peer's Identity. A peer that already has an id
   * keeps it across reconnects: libzmq assumes a peer always comes back with
   * the same one and skips the id it sends again.
   */
  handshake(peer: Peer): void {
    if (this.#pending.delete(peer)) this.#identify(peer);
  }

  /**
   * Identifies peers whose id became known without a handshake: an inproc
   * connect made before the bind learns the binder's id when it binds.
   */
  refresh(): void {
    if (this.#pending.size === 0) return;
    for (const peer of this.#pending) {
      if (peer.socketType !== null) {
        this.#pending.delete(peer);
        this.#identify(peer);
      }
    }
  }

  /** Whether some identified peer has room (ROUTER_MANDATORY's POLLOUT). */
  anyWithRoom(): boolean {
    for (const peer of this.#byId.values()) if (peer.outbound.hasRoom) return true;
    return false;
  }

  /** The peer known by `id`, if any. */
  lookup(id: Uint8Array): Peer | undefined {
    this.refresh();
    return this.#byId.get(idKey(id));
  }

  /** Whether input from `peer` is to be discarded (a duplicate id refused, or handed over). */
  ignores(peer: Peer): boolean {
    return this.#ignored.has(peer);
  }

  /** The peer is gone. */
  detach(peer: Peer): void {
    this.#pending.delete(peer);
    this.#ignored.delete(peer);
    if (peer.routingId && this.#byId.get(idKey(peer.routingId)) === peer) this.#byId.delete(idKey(peer.routingId));
  }

  #identify(peer: Peer): void {
    let id = peer.assignedId ?? peer.announcedId;
    if (id) {
      const key = idKey(id);
      const existing = this.#byId.get(key);
      if (existing && existing !== peer) {
        // libzmq ignores a newcomer whose id is in use; with handover the newcomer takes the id and
        // the old pipe is terminated (its connection stays open but is no longer used).
        if (!this.#host.handover()) {
          this.#ignored.add(peer);
          return;
        }
        this.#byId.delete(key);
        existing.routingId = this.#ids.generate();
        this.#ignored.add(existing);
        this.#host.retired(existing);
      }
    } else id = this.#ids.generate();
    peer.routingId = id;
    this.#byId.set(idKey(id), peer);
    this.#host.identified(peer);
  }
}
