/**
 * SCATTER (RFC 49): the sending end of a pipeline of single-part messages;
 * each goes to one connected GATHER, in round-robin over those with room.
 * A multipart send is EINVAL, as libzmq.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { LoadBalancer } from "../routing/load-balancer.ts";
import { type ConflateOptions, offerConflate, Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketRules } from "../socket-rules.ts";
import { checkSinglePart } from "./draft-socket.ts";

/**
 * The sending end of a single-part pipeline (PUSH's draft counterpart).
 *
 * @example
 * ```ts
 * await using scatter = new Scatter();
 * await scatter.bind("tcp://127.0.0.1:5557");
 * await scatter.send("task 1");
 * ```
 */
export class Scatter extends Socket {
  /** Keep only the newest message in each queue [ZMQ_CONFLATE]. */
  declare conflate: boolean;

  /** Creates a Scatter; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & ConflateOptions) {
    super("SCATTER", options);
    useRules(this, () => new ScatterRules());
  }
}

/** Scatter's routing rules (see `SocketRules`). */
class ScatterRules implements SocketRules {
  #out = new LoadBalancer();

  attach(peer: Peer): boolean {
    this.#out.add(peer);
    return true;
  }

  detach(peer: Peer): void {
    this.#out.remove(peer);
  }

  canSend(): boolean {
    return this.#out.hasRoom;
  }

  send(message: Message): boolean {
    checkSinglePart(message, "SCATTER");
    return this.#out.send(message);
  }
}

offerConflate(Scatter);
