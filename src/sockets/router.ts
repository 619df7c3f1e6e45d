/**
 * ROUTER (RFC 28): every peer has a routing id (the one given to `connect`,
 * the one it announced, or a generated one); received messages start with
 * it and sent messages are routed by it.
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import { defineOptions } from "../options.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { RoutingTable } from "../routing/routing-table.ts";
import { offerPeerMessages, type PeerMessageOptions, Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";

/** Options of a `Router`. */
export interface RouterOptions extends SocketOptions, Pick<PeerMessageOptions, "helloMessage" | "disconnectMessage"> {
  /** Fail a send to an unknown routing id with EHOSTUNREACH instead of dropping it [ZMQ_ROUTER_MANDATORY]. */
  mandatory?: boolean;
  /** A new peer announcing a routing id already in use takes it over [ZMQ_ROUTER_HANDOVER]. */
  handover?: boolean;
  /** Send an empty message to each ROUTER peer on connect [ZMQ_PROBE_ROUTER]. */
  probeRouter?: boolean;
  /**
   * Receive `[routingId, ""]` when a peer's connection is made (1), ends (2), or both (3);
   * tcp, ipc and ws connections only, as libzmq [ZMQ_ROUTER_NOTIFY].
   */
  routerNotify?: number;
}

/** `routerNotify` bits, as libzmq's ZMQ_NOTIFY_CONNECT and ZMQ_NOTIFY_DISCONNECT. */
export const NOTIFY_CONNECT = 1;
export const NOTIFY_DISCONNECT = 2;

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
  /** Receive `[routingId, ""]` when a connection is made (1), ends (2), or both (3) [ZMQ_ROUTER_NOTIFY]. */
  declare routerNotify: number;
  /** Sent to each new peer first, on every connection [ZMQ_HELLO_MSG]. Read back as bytes. */
  declare helloMessage: Uint8Array | string | null;
  /** Received as if from a peer whose accepted connection ended [ZMQ_DISCONNECT_MSG]. Read back as bytes. */
  declare disconnectMessage: Uint8Array | string | null;

  /** Creates a Router; every option can also be set later as a property of the same name. */
  constructor(options?: RouterOptions) {
    super("ROUTER", options);
    useRules(this, (core) => new RouterRules(this, core));
  }
}

/** Router's routing rules (see `SocketRules`). */
class RouterRules implements SocketRules {
  readonly #socket: Router;
  readonly #core: SocketCore;
  #in = new FairQueue();
  #table = new RoutingTable({
    handover: () => this.#socket.handover,
    identified: (peer) => this.#in.add(peer),
    retired: (peer) => this.#in.remove(peer),
  });

  constructor(socket: Router, core: SocketCore) {
    this.#socket = socket;
    this.#core = core;
  }

  attach(peer: Peer): boolean {
    if (!this.#table.attach(peer)) return false;
    // libzmq probes in xattach_pipe, before the peer is identified: a connected peer gets it on connecting.
    if (this.#socket.probeRouter) peer.outbound.write([new Uint8Array(0)]);
    return true;
  }

  handshake(peer: Peer): void {
    this.#table.handshake(peer);
    // libzmq's engine pushes an empty message from the peer once its handshake is done.
    if (this.#socket.routerNotify & NOTIFY_CONNECT) peer.inbound.write([EMPTY]);
  }

  disconnected(peer: Peer): void {
    if (this.#socket.routerNotify & NOTIFY_DISCONNECT) peer.inbound.write([EMPTY]);
  }

  readable(peer: Peer): void {
    // A peer refused for a duplicate id (or handed over) is not read; what it sends is discarded.
    if (this.#table.ignores(peer)) peer.inbound.clear();
    else this.#core.wakeReceivers();
  }

  detach(peer: Peer): void {
    this.#table.detach(peer);
  }

  canSend(): boolean {
    // libzmq's router: always, unless mandatory, where some peer must have room.
    return !this.#socket.mandatory || this.#table.anyWithRoom();
  }

  send(message: Message): boolean {
    // libzmq silently drops a message that is only a routing id, mandatory or not.
    if (message.length < 2) {
      this.#core.dropped(1);
      return true;
    }
    const peer = this.#table.lookup(message[0]);
    if (!peer) {
      if (this.#socket.mandatory) {
        throw new ZmqError("EHOSTUNREACH", `Router.send: no peer with routing id ${hex(message[0])}`);
      }
      this.#core.dropped(1);
      return true; // libzmq drops messages for unknown peers silently
    }
    if (peer.outbound.full) {
      if (this.#socket.mandatory) return false; // libzmq's EAGAIN: wait for room
      this.#core.dropped(1);
      return true;
    }
    peer.outbound.write(message.slice(1));
    return true;
  }

  receive(): Message | undefined {
    this.#table.refresh();
    const message = this.#in.receive();
    if (message === undefined) return undefined;
    // A new array: over inproc the frames array may be shared with other receivers.
    return [this.#in.lastPeer!.routingId!, ...message];
  }
}

const EMPTY = new Uint8Array(0);

function hex(id: Uint8Array): string {
  return [...id].map((b) => b.toString(16).padStart(2, "0")).join("");
}

defineOptions(Router, {
  mandatory: { kind: "bool", default: false },
  handover: { kind: "bool", default: false },
  probeRouter: { kind: "bool", default: false },
  routerNotify: { kind: "int", default: 0, min: 0, max: NOTIFY_CONNECT | NOTIFY_DISCONNECT },
});
offerPeerMessages(Router, ["helloMessage", "disconnectMessage"]);
