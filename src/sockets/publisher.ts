/**
 * PUB (RFC 29): sends each message to every subscriber with a matching
 * prefix, filtering at the publisher; drops for a subscriber at its
 * high-water mark instead of blocking.
 *
 * @module
 */
import { defineOptions } from "../options.ts";
import { type ConflateOptions, offerConflate, useRules } from "../socket.ts";
import { type PublishingOptions, PublishingRules, PublishingSocket } from "./publishing.ts";

/**
 * The sending side of publish/subscribe.
 *
 * @example
 * ```ts
 * await using pub = new Publisher();
 * await pub.bind("tcp://127.0.0.1:5556");
 * await pub.send(["10001", "21 degrees"]);
 * ```
 */
export class Publisher extends PublishingSocket {
  /** Keep only the newest message in each queue (multipart messages are not supported with it) [ZMQ_CONFLATE]. */
  declare conflate: boolean;
  /** Creates a Publisher; every option can also be set later as a property of the same name. */
  constructor(options?: PublishingOptions & ConflateOptions) {
    super("PUB", options);
    useRules(this, (core) => new PublishingRules(this, core));
  }
}

defineOptions(Publisher, {
  invertMatching: { kind: "bool", default: false },
  noDrop: { kind: "bool", default: false },
  onlyFirstSubscribe: { kind: "bool", default: false },
});

offerConflate(Publisher);
