/**
 * What SERVER (RFC 41) and PEER (RFC 51) share, libzmq's `server_t`: each
 * peer gets a 32-bit routing id, never zero, from a counter that starts at a
 * random value; a received message comes with its peer's id, and a message
 * is sent to the peer an id names (EHOSTUNREACH for an unknown one; waiting,
 * up to `sendTimeout`, while that peer's queue is full).
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import type { Frame, FrameLike, Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import type { SocketOptions } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";
import { DraftSocket, onlyFrame, pairWritable, receiveSinglePart, sendRouted, useDraftRules } from "./draft-socket.ts";

/** The routing id a message came from, or is sent to: a non-zero 32-bit number. */
export interface RoutingIdOptions {
  /** The peer's routing id, as the socket gave it (a non-zero 32-bit number). */
  routingId: number;
}

/** The routing rules of each `RoutedSocket`, for `Peer.connectPeer`. */
const rulesOf = new WeakMap<RoutedSocket, RoutingIdRules>();

/** The routing rules of a SERVER or PEER socket. */
export function routingRulesOf(socket: RoutedSocket): RoutingIdRules {
  return rulesOf.get(socket)!;
}

/**
 * A socket that addresses its peers by a numeric routing id (`Server`, `Peer`).
 *
 * @example
 * ```ts
 * await using server = new Server();
 * await server.bind("tcp://127.0.0.1:5555");
 * for await (const [request, { routingId }] of server) await server.send(request, { routingId });
 * ```
 */
export abstract class RoutedSocket extends DraftSocket<RoutingIdOptions, RoutingIdOptions> {
  #writable: WritableStream<[FrameLike, RoutingIdOptions]> | null = null;

  /** Server and Peer call this with their ZMTP type name. */
  protected constructor(type: "SERVER" | "PEER", options?: SocketOptions) {
    super(type, options);
    rulesOf.set(this, useDraftRules(this, (core) => new RoutingIdRules(type, core)));
  }

  /**
   * Queues a single-part message for the peer `routingId` names; rejects with EHOSTUNREACH
   * when there is no such peer, with EINVAL for a multipart message. Waits (up to
   * `sendTimeout`) while that peer's queue is full.
   *
   * @example
   * ```ts
   * const [request, { routingId }] = await server.receive();
   * await server.send("reply", { routingId });
   * ```
   */
  override send(message: FrameLike | readonly FrameLike[], options: RoutingIdOptions): Promise<void> {
    let id: Uint8Array | undefined;
    let frame: FrameLike;
    try {
      frame = onlyFrame(message, this.socketType);
      const routingId = options?.routingId;
      id = typeof routingId === "number" ? routingRulesOf(this).idFrame(routingId) : undefined;
      if (id === undefined) throw unreachable(this.socketType, routingId);
    } catch (err) {
      return Promise.reject(err);
    }
    return sendRouted(this, [id, frame]);
  }

  /** Outgoing `[frame, { routingId }]` pairs as a Web `WritableStream` (each goes through `send`). */
  override get writable(): WritableStream<[FrameLike, RoutingIdOptions]> {
    return this.#writable ??= pairWritable(this);
  }
}

/** The routing rules of SERVER and PEER (see `SocketRules`). */
export class RoutingIdRules implements SocketRules {
  readonly #type: "SERVER" | "PEER";
  readonly #core: SocketCore;
  #in = new FairQueue();
  #byId = new Map<number, Peer>();
  /** Every id ever given, kept after a peer leaves: what it sent is still received with its id. */
  #ids = new WeakMap<Peer, number>();
  #next = (Math.random() * 0x1_0000_0000) >>> 0;
  /** How many peers have been attached, and the id of the last one (libzmq's `_peer_last_routing_id`). */
  attached = 0;
  lastId = 0;

  constructor(type: "SERVER" | "PEER", core: SocketCore) {
    this.#type = type;
    this.#core = core;
  }

  attach(peer: Peer): boolean {
    let id = this.#next;
    // Never zero (libzmq's rule), and never one still in use after the counter wrapped.
    while (id === 0 || this.#byId.has(id)) id = (id + 1) >>> 0;
    this.#next = (id + 1) >>> 0;
    const frame = new Uint8Array(4);
    new DataView(frame.buffer).setUint32(0, id);
    peer.routingId = frame;
    this.#byId.set(id, peer);
    this.#ids.set(peer, id);
    this.#in.add(peer);
    this.attached++;
    this.lastId = id;
    return true;
  }

  detach(peer: Peer): void {
    const id = this.#ids.get(peer);
    if (id !== undefined && this.#byId.get(id) === peer) this.#byId.delete(id);
  }

  /** The routing id of a live peer as the frame `send` carries it, if there is such a peer. */
  idFrame(routingId: number): Uint8Array | undefined {
    return this.#byId.get(routingId)?.routingId ?? undefined;
  }

  /** `[id, frame]`: the frame goes to the peer with that id. */
  send(message: Message): boolean {
    // `DraftSocket.send` made it: always exactly these two frames.
    const [id, body] = message;
    const routingId = ((id[0] << 24) | (id[1] << 16) | (id[2] << 8) | id[3]) >>> 0;
    const peer = this.#byId.get(routingId);
    // The peer may have gone while this send waited for room.
    if (!peer) throw unreachable(this.#type, routingId);
    if (peer.outbound.full) return false;
    peer.outbound.write([body]);
    return true;
  }

  receive(): Message | undefined {
    const message = receiveSinglePart(this.#in, this.#core);
    if (message === undefined) return undefined;
    const reply: [Frame, RoutingIdOptions] = [message[0], { routingId: this.#ids.get(this.#in.lastPeer!)! }];
    return reply as unknown as Message;
  }
}

function unreachable(type: string, routingId: unknown): ZmqError {
  return new ZmqError("EHOSTUNREACH", `${type}.send: no peer with routing id ${String(routingId)}`);
}
