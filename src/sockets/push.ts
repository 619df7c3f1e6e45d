/**
 * PUSH (RFC 30): sends only; each message goes to one connected PULL, in
 * round-robin over those with room. With no peer able to take it, `send` waits.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { LoadBalancer } from "../routing/load-balancer.ts";
import { type ConflateOptions, offerConflate, Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketRules } from "../socket-rules.ts";

/**
 * The sending end of a pipeline.
 *
 * @example
 * ```ts
 * await using push = new Push();
 * await push.bind("tcp://127.0.0.1:5557");
 * await push.send("task 1");
 * ```
 */
export class Push extends Socket {
  /** Keep only the newest message in each queue (multipart messages are not supported with it) [ZMQ_CONFLATE]. */
  declare conflate: boolean;

  /** Creates a Push; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & ConflateOptions) {
    super("PUSH", options);
    useRules(this, () => new PushRules());
  }
}

/** Push's routing rules (see `SocketRules`). */
class PushRules implements SocketRules {
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
    return this.#out.send(message);
  }
}

offerConflate(Push);
