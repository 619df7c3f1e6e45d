/**
 * SUB (RFC 29): receives the messages whose first frame starts with one of
 * its subscribed prefixes. `subscribe()` with no prefix means everything.
 *
 * @module
 */
import { type FrameLike, toFrame } from "../message.ts";
import type { Message } from "../message.ts";
import { defineOptions } from "../options.ts";
import type { PgmOptions } from "../pgm/socket-options.ts";
import { SubscribingRules, SubscribingSocket } from "./subscribing.ts";
import { type ConflateOptions, offerConflate, type SocketOptions, useRules } from "../socket.ts";

/** Options of a `Subscriber`. */
export interface SubscriberOptions extends SocketOptions, ConflateOptions, PgmOptions {
  /** Receive only the messages that match none of the subscriptions [ZMQ_INVERT_MATCHING]. */
  invertMatching?: boolean;
}

/**
 * The receiving side of publish/subscribe.
 *
 * @example
 * ```ts
 * await using sub = new Subscriber();
 * sub.connect("tcp://127.0.0.1:5556");
 * sub.subscribe("10001");
 * const [zip, weather] = await sub.receive();
 * ```
 */
export class Subscriber extends SubscribingSocket {
  /** Keep only the newest message in each queue (multipart messages are not supported with it) [ZMQ_CONFLATE]. */
  declare conflate: boolean;
  /** Receive the messages that do NOT match the subscriptions [ZMQ_INVERT_MATCHING]. */
  declare invertMatching: boolean;
  #rules: SubscriberRules;

  /** Creates a Subscriber; every option can also be set later as a property of the same name. */
  constructor(options?: SubscriberOptions) {
    super("SUB", options);
    this.#rules = useRules(this, () => new SubscriberRules(this));
  }

  /** Subscribes to each prefix (counted: subscribing twice needs two unsubscribes); none means all messages. */
  subscribe(...prefixes: FrameLike[]): void {
    for (const p of prefixes.length === 0 ? [""] : prefixes) this.#rules.applySubscription(toFrame(p), true);
  }

  /** Removes one subscription to each prefix; none means the "" (everything) subscription. */
  unsubscribe(...prefixes: FrameLike[]): void {
    for (const p of prefixes.length === 0 ? [""] : prefixes) this.#rules.applySubscription(toFrame(p), false);
  }
}

/** SUB's routing rules: subscriptions, and a second filter on what arrives. */
class SubscriberRules extends SubscribingRules {
  readonly #socket: Subscriber;

  constructor(socket: Subscriber) {
    super(socket);
    this.#socket = socket;
  }

  receive(): Message | undefined {
    for (;;) {
      const message = this.incoming.receive();
      if (message === undefined) return undefined;
      // Publishers filter already; SUB filters again, as libzmq does (a publisher may be a raw XPUB).
      if (this.prefixes.matches(message[0]) !== this.#socket.invertMatching) return message;
    }
  }
}

defineOptions(Subscriber, { invertMatching: { kind: "bool", default: false } });

offerConflate(Subscriber);
