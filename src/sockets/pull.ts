/**
 * PULL (RFC 30): receives only, fair-queued over all connected PUSH peers.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { type ConflateOptions, offerConflate, Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketRules } from "../socket-rules.ts";

/**
 * The receiving end of a pipeline.
 *
 * @example
 * ```ts
 * await using pull = new Pull();
 * pull.connect("tcp://127.0.0.1:5557");
 * for await (const [task] of pull) console.log(new TextDecoder().decode(task));
 * ```
 */
export class Pull extends Socket {
  /** Keep only the newest message in each queue (multipart messages are not supported with it) [ZMQ_CONFLATE]. */
  declare conflate: boolean;

  /** Creates a Pull; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & ConflateOptions) {
    super("PULL", options);
    useRules(this, () => new PullRules());
  }
}

/** Pull's routing rules (see `SocketRules`). */
class PullRules implements SocketRules {
  #in = new FairQueue();

  attach(peer: Peer): boolean {
    this.#in.add(peer);
    return true;
  }

  detach(_peer: Peer): void {
    // The fair queue drops the peer itself once its last message is read.
  }

  receive(): Message | undefined {
    return this.#in.receive();
  }
}

offerConflate(Pull);
