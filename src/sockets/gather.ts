/**
 * GATHER (RFC 49): the receiving end of a pipeline of single-part messages,
 * fair-queued over all connected SCATTER peers; a multipart message from a
 * peer is dropped, as libzmq does.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { type ConflateOptions, offerConflate, Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";
import { receiveSinglePart } from "./draft-socket.ts";

/**
 * The receiving end of a single-part pipeline (PULL's draft counterpart).
 *
 * @example
 * ```ts
 * await using gather = new Gather();
 * gather.connect("tcp://127.0.0.1:5557");
 * for await (const [task] of gather) console.log(new TextDecoder().decode(task));
 * ```
 */
export class Gather extends Socket {
  /** Keep only the newest message in each queue [ZMQ_CONFLATE]. */
  declare conflate: boolean;

  /** Creates a Gather; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & ConflateOptions) {
    super("GATHER", options);
    useRules(this, (core) => new GatherRules(core));
  }
}

/** Gather's routing rules (see `SocketRules`). */
class GatherRules implements SocketRules {
  readonly #core: SocketCore;
  #in = new FairQueue();

  constructor(core: SocketCore) {
    this.#core = core;
  }

  attach(peer: Peer): boolean {
    this.#in.add(peer);
    return true;
  }

  detach(_peer: Peer): void {
    // The fair queue drops the peer itself once its last message is read.
  }

  receive(): Message | undefined {
    return receiveSinglePart(this.#in, this.#core);
  }
}

offerConflate(Gather);
