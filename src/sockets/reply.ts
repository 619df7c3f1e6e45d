/**
 * REP (RFC 28): receives requests fair-queued, strips their envelope (every
 * frame up to the empty delimiter), and sends the reply back with that
 * envelope to the peer the request came from. As in libzmq, where REP is a
 * ROUTER underneath, the reply is routed by the peer's routing id.
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { RoutingTable } from "../routing/routing-table.ts";
import { Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";

/**
 * The service side of request/reply.
 *
 * @example
 * ```ts
 * await using rep = new Reply();
 * await rep.bind("tcp://127.0.0.1:5555");
 * for await (const [request] of rep) await rep.send(["echo", request]);
 * ```
 */
export class Reply extends Socket {
  /** Creates a Reply; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions) {
    super("REP", options);
    useRules(this, (core) => new ReplyRules(core));
  }
}

/** Reply's routing rules (see `SocketRules`). */
class ReplyRules implements SocketRules {
  readonly #core: SocketCore;
  #in = new FairQueue();
  #table = new RoutingTable({
    handover: () => false,
    identified: (peer) => this.#in.add(peer),
    retired: (peer) => this.#in.remove(peer),
  });

  /** Set between a received request and its reply: who asked, and the envelope to answer with. */
  #pending: { routingId: Uint8Array; envelope: Message } | null = null;

  constructor(core: SocketCore) {
    this.#core = core;
  }

  attach(peer: Peer): boolean {
    return this.#table.attach(peer);
  }

  handshake(peer: Peer): void {
    this.#table.handshake(peer);
  }

  readable(peer: Peer): void {
    if (this.#table.ignores(peer)) peer.inbound.clear();
    else this.#core.wakeReceivers();
  }

  detach(peer: Peer): void {
    // The fair queue drops the peer once drained; a reply to a peer that is gone is dropped in sendMessage.
    this.#table.detach(peer);
  }

  receive(): Message | undefined {
    if (this.#pending) throw new ZmqError("EFSM", "Reply.receive: the last request has not been answered");
    this.#table.refresh();
    for (;;) {
      const message = this.#in.receive();
      if (message === undefined) return undefined;
      // The envelope ends at the first empty frame that has a frame after it; a request without one
      // is malformed and libzmq's REP discards it.
      let delimiter = -1;
      for (let i = 0; i < message.length - 1; i++) {
        if (message[i].byteLength === 0) {
          delimiter = i;
          break;
        }
      }
      if (delimiter < 0) continue;
      this.#pending = { routingId: this.#in.lastPeer!.routingId!, envelope: message.slice(0, delimiter + 1) };
      return message.slice(delimiter + 1);
    }
  }

  canSend(): boolean {
    return this.#pending !== null;
  }

  send(message: Message): boolean {
    const pending = this.#pending;
    if (!pending) throw new ZmqError("EFSM", "Reply.send: no request to answer");
    this.#pending = null;
    // As libzmq's REP (a ROUTER underneath): routed by routing id, so a requester that reconnected with
    // the same id still gets its reply; a reply to a peer that left, or whose queue is full, is dropped.
    const peer = this.#table.lookup(pending.routingId);
    if (peer && !peer.outbound.full) peer.outbound.write([...pending.envelope, ...message]);
    return true;
  }
}
