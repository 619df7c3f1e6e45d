/**
 * REQ (RFC 28): strict lockstep. Each request gets an empty delimiter frame,
 * goes to one peer (round-robin), and only that peer's reply is accepted.
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import { defineOptions } from "../options.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { LoadBalancer } from "../routing/load-balancer.ts";
import { Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";

/** Options of a `Request`. */
export interface RequestOptions extends SocketOptions {
  /** Prefix each request with a request id and drop replies that do not carry it [ZMQ_REQ_CORRELATE]. */
  correlate?: boolean;
  /** Allow a new request before the previous reply came; the old one is abandoned [ZMQ_REQ_RELAXED]. */
  relaxed?: boolean;
  /** Send an empty message to each ROUTER peer on connect [ZMQ_PROBE_ROUTER]. */
  probeRouter?: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * The client side of request/reply.
 *
 * @example
 * ```ts
 * await using req = new Request();
 * req.connect("tcp://127.0.0.1:5555");
 * await req.send("hello");
 * const [reply] = await req.receive();
 * ```
 */
export class Request extends Socket {
  /** Tag each request with an id and accept only the reply carrying it [ZMQ_REQ_CORRELATE]. */
  declare correlate: boolean;
  /** Allow a new request before the reply to the last one (which is then ignored) [ZMQ_REQ_RELAXED]. */
  declare relaxed: boolean;
  /** Send an empty message to each new peer [ZMQ_PROBE_ROUTER]. */
  declare probeRouter: boolean;

  /** Creates a Request; every option can also be set later as a property of the same name. */
  constructor(options?: RequestOptions) {
    super("REQ", options);
    useRules(this, (core) => new RequestRules(this, core));
  }
}

/** Request's routing rules (see `SocketRules`). */
class RequestRules implements SocketRules {
  readonly #socket: Request;
  readonly #core: SocketCore;
  #out = new LoadBalancer();
  #in = new FairQueue();
  /** True between a request and its reply. */
  #receivingReply = false;
  /** The peer the pending request went to; null (while receiving a reply) accepts any peer, see detachPeer. */
  #replyPeer: Peer | null = null;
  #requestId = (Math.random() * 0x1_0000_0000) >>> 0;

  constructor(socket: Request, core: SocketCore) {
    this.#socket = socket;
    this.#core = core;
  }

  attach(peer: Peer): boolean {
    // As libzmq's dealer_t::xattach_pipe: a bare empty message, queued until the peer is connected.
    if (this.#socket.probeRouter) peer.outbound.write([EMPTY]);
    this.#out.add(peer);
    this.#in.add(peer);
    return true;
  }

  detach(peer: Peer): void {
    this.#out.remove(peer);
    // libzmq's req_t::xpipe_terminated forgets the reply pipe, after which a reply from any peer is taken.
    if (peer === this.#replyPeer) this.#replyPeer = null;
  }

  canSend(): boolean {
    return (!this.#receivingReply || this.#socket.relaxed) && this.#out.hasRoom;
  }

  send(message: Message): boolean {
    if (this.#receivingReply && !this.#socket.relaxed) {
      throw new ZmqError("EFSM", "Request.send: a reply to the previous request must be received first");
    }
    let frames: Message;
    let id = this.#requestId;
    if (this.#socket.correlate) {
      id = (id + 1) >>> 0;
      const frame = new Uint8Array(4);
      new DataView(frame.buffer).setUint32(0, id);
      frames = [frame, EMPTY, ...message];
    } else frames = [EMPTY, ...message];
    if (!this.#out.send(frames)) return false;
    this.#requestId = id;
    this.#receivingReply = true;
    this.#replyPeer = this.#out.lastPeer;
    // libzmq eats every message already received when a request goes out, so that in relaxed mode a late
    // reply to an earlier request (from this same peer) cannot pass for the new one.
    while (this.#in.receive() !== undefined) this.#core.dropped(1);
    return true;
  }

  receive(): Message | undefined {
    if (!this.#receivingReply) throw new ZmqError("EFSM", "Request.receive: no request was sent");
    for (;;) {
      const message = this.#in.receive();
      if (message === undefined) return undefined;
      const body = this.#replyBody(message);
      if (body === null) {
        this.#core.dropped(1);
        continue;
      }
      this.#receivingReply = false;
      this.#replyPeer = null;
      return body;
    }
  }

  /**
   * The body of `message` if it is the reply to the pending request; null for a reply from
   * another peer (to a request given up in relaxed mode) or a malformed one, dropped as in libzmq.
   */
  #replyBody(message: Message): Message | null {
    if (this.#replyPeer && this.#in.lastPeer !== this.#replyPeer) return null;
    let at = 0;
    if (this.#socket.correlate) {
      const id = message[0];
      if (id.byteLength !== 4 || new DataView(id.buffer, id.byteOffset, 4).getUint32(0) !== this.#requestId) {
        return null;
      }
      at = 1;
    }
    // The delimiter must be empty and followed by at least one frame (libzmq checks its MORE flag).
    if (message.length < at + 2 || message[at].byteLength !== 0) return null;
    return message.slice(at + 1);
  }
}

defineOptions(Request, {
  correlate: { kind: "bool", default: false },
  relaxed: { kind: "bool", default: false },
  probeRouter: { kind: "bool", default: false },
});
