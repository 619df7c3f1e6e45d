/**
 * XSUB (RFC 29): a SUB whose subscriptions are messages the application sends
 * (`[0x01, ...prefix]` / `[0x00, ...prefix]`), receiving everything that
 * arrives, unfiltered: the upstream half of a pub/sub proxy. Other messages
 * it sends go to every publisher (an XPUB passes them to its application).
 *
 * @module
 */
import type { Message } from "../message.ts";
import { defineOptions } from "../options.ts";
import { type SocketOptions, useRules } from "../socket.ts";
import { isSubscription } from "./publishing.ts";
import type { PgmOptions } from "../pgm/socket-options.ts";
import { SubscribingRules, SubscribingSocket } from "./subscribing.ts";

/** Options of an `XSubscriber`. */
export interface XSubscriberOptions extends SocketOptions, PgmOptions {
  /** Forward every cancel upstream, not only the last one for a prefix [ZMQ_XSUB_VERBOSE_UNSUBSCRIBE]. */
  xsubVerboseUnsubscribe?: boolean;
  /**
   * In a multipart message, treat frames past the first as (un)subscriptions only when the first
   * frame is one [ZMQ_ONLY_FIRST_SUBSCRIBE].
   */
  onlyFirstSubscribe?: boolean;
}

/**
 * A subscriber driven by subscription messages.
 *
 * @example
 * ```ts
 * await using xsub = new XSubscriber();
 * xsub.connect("tcp://127.0.0.1:5556");
 * await xsub.send(new Uint8Array([1])); // subscribe to everything
 * ```
 */
export class XSubscriber extends SubscribingSocket {
  /** Forward every cancel upstream, not only the last one for a prefix [ZMQ_XSUB_VERBOSE_UNSUBSCRIBE]. */
  declare xsubVerboseUnsubscribe: boolean;
  /**
   * Frames after the first of a multipart message are (un)subscriptions only when the first one is;
   * by default (libzmq's) each frame starting with 1 or 0 is one [ZMQ_ONLY_FIRST_SUBSCRIBE].
   */
  declare onlyFirstSubscribe: boolean;

  /** Creates a XSubscriber; every option can also be set later as a property of the same name. */
  constructor(options?: XSubscriberOptions) {
    super("XSUB", options);
    useRules(this, () => new XSubscriberRules(this));
  }
}

/** XSUB's routing rules: subscriptions are sent as messages, anything else goes to every publisher. */
class XSubscriberRules extends SubscribingRules {
  readonly #socket: XSubscriber;

  constructor(socket: XSubscriber) {
    super(socket, () => socket.xsubVerboseUnsubscribe);
    this.#socket = socket;
  }

  send(message: Message): boolean {
    const frame = message[0];
    if (message.length === 1 && isSubscription(frame)) {
      // Recorded (counted) so that a reconnected publisher gets it again, as libzmq's xsub does.
      this.applySubscription(frame.subarray(1), frame[0] === 1);
    } else if (message.length === 1) this.out.sendToAll(message);
    else this.#multipart(message);
    return true;
  }

  /**
   * libzmq's xsub sends a multipart message frame by frame: a frame starting with 1 or 0 (past the
   * first, with ONLY_FIRST_SUBSCRIBE, only if the first is one) is recorded as a (un)subscription,
   * a cancel that changes nothing is left out; the frames go on to every publisher together.
   */
  #multipart(message: Message): void {
    const out: Uint8Array[] = [];
    let process = true;
    for (let i = 0; i < message.length; i++) {
      const frame = message[i];
      const sub: boolean = (i === 0 || process) && isSubscription(frame);
      if (i === 0) process = !this.#socket.onlyFirstSubscribe || sub;
      if (!sub || this.record(frame.subarray(1), frame[0] === 1)) out.push(frame);
    }
    if (out.length > 0) this.out.sendToAll(out);
  }

  receive(): Message | undefined {
    return this.incoming.receive();
  }
}

defineOptions(XSubscriber, {
  xsubVerboseUnsubscribe: { kind: "bool", default: false },
  onlyFirstSubscribe: { kind: "bool", default: false },
});
