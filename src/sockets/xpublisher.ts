/**
 * XPUB (RFC 29): a PUB that hands subscriptions to the application as
 * messages `[0x01, ...prefix]` / `[0x00, ...prefix]` (only on change unless
 * `verbose`), for building proxies and last-value caches.
 *
 * @module
 */
import type { Message } from "../message.ts";
import { defineOptions } from "../options.ts";
import type { Peer } from "../peer.ts";
import { type PublishingOptions, PublishingSocket } from "./publishing.ts";

/** Options of an `XPublisher`. */
export interface XPublisherOptions extends PublishingOptions {
  verbose?: boolean;
  verboser?: boolean;
  manual?: boolean;
  welcomeMessage?: string | Uint8Array | null;
  noDrop?: boolean;
}

/**
 * A publisher that sees its subscribers' subscriptions.
 *
 * @example
 * ```ts
 * await using xpub = new XPublisher();
 * await xpub.bind("tcp://127.0.0.1:5556");
 * const [sub] = await xpub.receive(); // [0x01, ...topic] when a subscriber subscribes
 * ```
 */
export class XPublisher extends PublishingSocket {
  /** Pass every subscribe up, not only the first for a prefix [ZMQ_XPUB_VERBOSE]. */
  declare verbose: boolean;
  /** Pass every subscribe and unsubscribe up [ZMQ_XPUB_VERBOSER]. */
  declare verboser: boolean;
  /** Subscriptions are applied by the application sending them back [ZMQ_XPUB_MANUAL]. */
  declare manual: boolean;
  /** Sent to each new subscriber as it connects [ZMQ_XPUB_WELCOME_MSG]. */
  declare welcomeMessage: Uint8Array | string | null;
  /** Wait (or EAGAIN with sendTimeout) instead of dropping when a subscriber's queue is full [ZMQ_XPUB_NODROP]. */
  declare noDrop: boolean;
  #received: Message[] = [];
  /** The peer whose subscription was passed up last: manual mode applies the application's decision to it. */
  #lastPeer: Peer | null = null;

  constructor(options?: XPublisherOptions) {
    super("XPUB", options);
  }

  protected override attachPeer(peer: Peer): boolean {
    super.attachPeer(peer);
    const welcome = this.options.welcomeMessage as Uint8Array | null;
    if (welcome) peer.outbound.write([welcome]);
    return true;
  }

  protected override subscriptionReceived(peer: Peer, prefix: Uint8Array, subscribe: boolean): void {
    if (!this.manual) return super.subscriptionReceived(peer, prefix, subscribe);
    this.#lastPeer = peer;
    this.#passUp(prefix, subscribe);
  }

  protected override subscriptionChanged(_peer: Peer, prefix: Uint8Array, subscribe: boolean, changed: boolean): void {
    // libzmq passes a subscribe up when the prefix is new (or always, verbose), an unsubscribe when the
    // last subscriber left (or always, verboser).
    if (changed || (subscribe ? this.verbose || this.verboser : this.verboser)) this.#passUp(prefix, subscribe);
  }

  #passUp(prefix: Uint8Array, subscribe: boolean): void {
    const message = new Uint8Array(prefix.byteLength + 1);
    message[0] = subscribe ? 1 : 0;
    message.set(prefix, 1);
    this.#received.push([message]);
    this.wakeReceivers();
  }

  protected override get blocksWhenFull(): boolean {
    return this.noDrop;
  }

  protected override sendMessage(message: Message): boolean {
    const frame = message[0];
    if (this.manual && message.length === 1 && frame && frame.byteLength > 0 && frame[0] <= 1 && this.#lastPeer) {
      // Manual mode: the application confirms (or makes up) a subscription for the last peer that sent one.
      if (frame[0] === 1) this.subscriptions.add(frame.subarray(1), this.#lastPeer);
      else this.subscriptions.remove(frame.subarray(1), this.#lastPeer);
      return true;
    }
    return super.sendMessage(message);
  }

  protected override receiveMessage(): Message | undefined {
    return this.#received.shift();
  }
}

defineOptions(XPublisher, {
  invertMatching: { kind: "bool", default: false },
  verbose: { kind: "bool", default: false },
  verboser: { kind: "bool", default: false },
  manual: { kind: "bool", default: false },
  welcomeMessage: { kind: "bytes", default: null, maxLength: 65536 },
  noDrop: { kind: "bool", default: false },
});
