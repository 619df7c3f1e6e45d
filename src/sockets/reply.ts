/**
 * REP (RFC 28): receives requests fair-queued, strips their envelope (every
 * frame up to the empty delimiter), and sends the reply back with that
 * envelope to the peer the request came from.
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { Socket, type SocketOptions } from "../socket.ts";

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
  #in = new FairQueue();
  /** Set between a received request and its reply. */
  #pending: { peer: Peer; envelope: Message } | null = null;

  constructor(options?: SocketOptions) {
    super("REP", options);
  }

  protected override attachPeer(peer: Peer): boolean {
    this.#in.add(peer);
    return true;
  }

  protected override detachPeer(_peer: Peer): void {
    // The fair queue drops the peer once drained; a reply to a gone peer is dropped in sendMessage.
  }

  protected override receiveMessage(): Message | undefined {
    if (this.#pending) throw new ZmqError("EFSM", "Reply.receive: the last request has not been answered");
    for (;;) {
      const message = this.#in.receive();
      if (message === undefined) return undefined;
      const delimiter = message.findIndex((f) => f.byteLength === 0);
      // A request without an envelope delimiter is malformed; libzmq drops it.
      if (delimiter < 0) continue;
      this.#pending = { peer: this.#in.lastPeer!, envelope: message.slice(0, delimiter + 1) };
      return message.slice(delimiter + 1);
    }
  }

  protected override sendMessage(message: Message): boolean {
    const pending = this.#pending;
    if (!pending) throw new ZmqError("EFSM", "Reply.send: no request to answer");
    this.#pending = null;
    // Like libzmq's REP (a ROUTER underneath): a reply to a peer that left, or whose queue is full, is dropped.
    if (!pending.peer.detached && !pending.peer.outbound.full) {
      pending.peer.outbound.write([...pending.envelope, ...message]);
    }
    return true;
  }
}
