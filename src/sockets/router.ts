/**
 * ROUTER (RFC 28): every peer has a routing id (the one it announced, the
 * one given to `connect`, or a generated one); received messages start with
 * it and sent messages are routed by it.
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import { defineOptions } from "../options.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { idKey, RoutingIds } from "../routing/routing-ids.ts";
import { Socket, type SocketOptions } from "../socket.ts";

/** Options of a `Router`. */
export interface RouterOptions extends SocketOptions {
  mandatory?: boolean;
  handover?: boolean;
  probeRouter?: boolean;
}

/**
 * Routes replies to the peer each request came from, by routing id.
 *
 * @example
 * ```ts
 * await using router = new Router();
 * await router.bind("tcp://127.0.0.1:5555");
 * const [id, ...request] = await router.receive();
 * await router.send([id, "reply"]);
 * ```
 */
export class Router extends Socket {
  /** Fail a send to an unknown peer with EHOSTUNREACH (and wait when its queue is full) instead of dropping [ZMQ_ROUTER_MANDATORY]. */
  declare mandatory: boolean;
  /** A new peer announcing an id in use takes it over instead of being ignored [ZMQ_ROUTER_HANDOVER]. */
  declare handover: boolean;
  /** Send an empty message to each new peer [ZMQ_PROBE_ROUTER]. */
  declare probeRouter: boolean;
  #byId = new Map<string, Peer>();
  #in = new FairQueue();
  #ids = new RoutingIds();

  constructor(options?: RouterOptions) {
    super("ROUTER", options);
  }

  protected override attachPeer(peer: Peer): boolean {
    // A connected endpoint's peer exists before its handshake: its id is known only then,
    // unless `connect` named it (libzmq's connect routing id).
    if (peer.assignedId || peer.link || peer.socketType) this.#identify(peer);
    return true;
  }

  protected override peerHandshake(peer: Peer, _reconnected: boolean): void {
    if (peer.routingId === null) this.#identify(peer);
  }

  #identify(peer: Peer): void {
    let id = peer.assignedId ?? peer.announcedId;
    if (id) {
      const existing = this.#byId.get(idKey(id));
      if (existing && existing !== peer) {
        // libzmq ignores a newcomer with an id in use, unless handover lets it take the id.
        if (!this.handover) return;
        existing.routingId = this.#ids.generate();
        this.#byId.delete(idKey(id));
        this.#byId.set(idKey(existing.routingId), existing);
      }
    } else id = this.#ids.generate();
    peer.routingId = id;
    this.#byId.set(idKey(id), peer);
    this.#in.add(peer);
    if (this.probeRouter) peer.outbound.write([new Uint8Array(0)]);
  }

  protected override detachPeer(peer: Peer): void {
    if (peer.routingId && this.#byId.get(idKey(peer.routingId)) === peer) this.#byId.delete(idKey(peer.routingId));
  }

  protected override sendMessage(message: Message): boolean {
    if (message.length < 2) throw new ZmqError("EINVAL", "Router.send needs [routingId, ...frames]");
    const peer = this.#byId.get(idKey(message[0]));
    if (!peer) {
      if (this.mandatory) throw new ZmqError("EHOSTUNREACH", `no peer with routing id ${hex(message[0])}`);
      return true; // libzmq drops messages for unknown peers silently
    }
    if (peer.outbound.full) return !this.mandatory; // dropped, or wait for room when mandatory
    peer.outbound.write(message.slice(1));
    return true;
  }

  protected override receiveMessage(): Message | undefined {
    const message = this.#in.receive();
    if (message === undefined) return undefined;
    // A new array: over inproc the frames array may be shared with other receivers.
    return [this.#in.lastPeer!.routingId!, ...message];
  }
}

function hex(id: Uint8Array): string {
  return [...id].map((b) => b.toString(16).padStart(2, "0")).join("");
}

defineOptions(Router, {
  mandatory: { kind: "bool", default: false },
  handover: { kind: "bool", default: false },
  probeRouter: { kind: "bool", default: false },
});
