/**
 * PUSH (RFC 30): sends only; each message goes to one connected PULL, in
 * round-robin over those with room. With no peer able to take it, `send` waits.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { LoadBalancer } from "../routing/load-balancer.ts";
import { type ConflateOptions, offerConflate, Socket, type SocketOptions } from "../socket.ts";

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
  #out = new LoadBalancer();

  /** Creates a Push; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & ConflateOptions) {
    super("PUSH", options);
  }

  /** @ignore socket-type hook, see `Socket` */
  protected override attachPeer(peer: Peer): boolean {
    this.#out.add(peer);
    return true;
  }

  /** @ignore socket-type hook, see `Socket` */
  protected override detachPeer(peer: Peer): void {
    this.#out.remove(peer);
  }

  /** @ignore socket-type hook, see `Socket` */
  protected override sendMessage(message: Message): boolean {
    return this.#out.send(message);
  }
}

offerConflate(Push);
