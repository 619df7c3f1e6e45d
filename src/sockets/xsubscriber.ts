/**
 * XSUB (RFC 29): a SUB whose subscriptions are messages the application sends
 * (`[0x01, ...prefix]` / `[0x00, ...prefix]`), receiving everything that
 * arrives, unfiltered: the upstream half of a pub/sub proxy. Other messages
 * it sends go to every publisher (an XPUB passes them to its application).
 *
 * @module
 */
import type { Message } from "../message.ts";
import { type SocketOptions, useRules } from "../socket.ts";
import { SubscribingRules, SubscribingSocket } from "./subscribing.ts";

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
  /** Creates a XSubscriber; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions) {
    super("XSUB", options);
    useRules(this, () => new XSubscriberRules());
  }
}

/** XSUB's routing rules: subscriptions are sent as messages, anything else goes to every publisher. */
class XSubscriberRules extends SubscribingRules {
  send(message: Message): boolean {
    const frame = message[0];
    if (message.length === 1 && frame.byteLength > 0 && frame[0] <= 1) {
      // Recorded (counted) so that a reconnected publisher gets it again, as libzmq's xsub does.
      this.applySubscription(frame.subarray(1), frame[0] === 1);
    } else this.out.sendToAll(message);
    return true;
  }

  receive(): Message | undefined {
    return this.incoming.receive();
  }
}
