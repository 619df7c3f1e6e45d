/**
 * DEALER (RFC 28): an asynchronous REQ. Load-balances what it sends,
 * fair-queues what it receives, never touches envelopes.
 *
 * @module
 */
import type { Message } from "../message.ts";
import { defineOptions } from "../options.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { LoadBalancer } from "../routing/load-balancer.ts";
import {
  type ConflateOptions,
  offerConflate,
  offerPeerMessages,
  type PeerMessageOptions,
  Socket,
  type SocketOptions,
  useRules,
} from "../socket.ts";
import type { SocketRules } from "../socket-rules.ts";

/** Options of a `Dealer`. */
export interface DealerOptions
  extends SocketOptions, ConflateOptions, Pick<PeerMessageOptions, "helloMessage" | "hiccupMessage"> {
  /** Send an empty message to each ROUTER peer on connect [ZMQ_PROBE_ROUTER]. */
  probeRouter?: boolean;
}

/**
 * Talks to any number of REP or ROUTER peers without lockstep.
 *
 * @example
 * ```ts
 * await using dealer = new Dealer({ routingId: "worker-1" });
 * dealer.connect("tcp://127.0.0.1:5555");
 * await dealer.send(["", "hello"]); // the empty frame makes it look like a REQ to a REP
 * ```
 */
export class Dealer extends Socket {
  /** Keep only the newest message in each queue (multipart messages are not supported with it) [ZMQ_CONFLATE]. */
  declare conflate: boolean;
  /** Send an empty message to each new peer, so a ROUTER learns of us at once [ZMQ_PROBE_ROUTER]. */
  declare probeRouter: boolean;
  /** Sent to each new peer first, on every connection [ZMQ_HELLO_MSG]. Read back as bytes. */
  declare helloMessage: Uint8Array | string | null;
  /** Received as if from a connected peer whose connection dropped [ZMQ_HICCUP_MSG]. Read back as bytes. */
  declare hiccupMessage: Uint8Array | string | null;

  /** Creates a Dealer; every option can also be set later as a property of the same name. */
  constructor(options?: DealerOptions) {
    super("DEALER", options);
    useRules(this, () => new DealerRules(this));
  }
}

/** Dealer's routing rules (see `SocketRules`). */
class DealerRules implements SocketRules {
  readonly #socket: Dealer;
  #out = new LoadBalancer();
  #in = new FairQueue();

  constructor(socket: Dealer) {
    this.#socket = socket;
  }

  attach(peer: Peer): boolean {
    this.#out.add(peer);
    this.#in.add(peer);
    if (this.#socket.probeRouter) peer.outbound.write([new Uint8Array(0)]);
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

  receive(): Message | undefined {
    return this.#in.receive();
  }
}

defineOptions(Dealer, { probeRouter: { kind: "bool", default: false } });

offerConflate(Dealer);
offerPeerMessages(Dealer, ["helloMessage", "hiccupMessage"]);
