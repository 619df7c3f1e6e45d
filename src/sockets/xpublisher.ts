/**
 * XPUB (RFC 29): a PUB that hands subscriptions to the application as
 * messages `[0x01, ...prefix]` / `[0x00, ...prefix]` (only on change unless
 * `verbose`), and passes up whatever else subscribers send: the downstream
 * half of a pub/sub proxy, or a publisher that only produces what is wanted.
 *
 * @module
 */
import { type FrameLike, type Message, toFrame } from "../message.ts";
import { defineOptions } from "../options.ts";
import type { Peer } from "../peer.ts";
import { type RemovedSubscription, SubscriptionTrie } from "../routing/trie.ts";
import { type PublishingOptions, PublishingRules, PublishingSocket } from "./publishing.ts";
import { useRules } from "../socket.ts";
import type { SocketCore } from "../socket-rules.ts";
import { subscription } from "./subscribing.ts";

/** Options of an `XPublisher`. */
export interface XPublisherOptions extends PublishingOptions {
  /** Pass every subscribe up, not only the first for a prefix [ZMQ_XPUB_VERBOSE]. */
  verbose?: boolean;
  /** Pass every subscribe and every cancel up [ZMQ_XPUB_VERBOSER]. */
  verboser?: boolean;
  /** zeromq.js's name for the two above: `"allSubs"` is `verbose`, `"allSubsUnsubs"` is `verboser`. */
  verbosity?: XPublisherVerbosity;
  /** Subscriptions take effect only when the application applies them [ZMQ_XPUB_MANUAL]. */
  manual?: boolean;
  /** Sent to each subscriber as it is attached [ZMQ_XPUB_WELCOME_MSG]. */
  welcomeMessage?: string | Uint8Array | null;
  /** Manual mode in which the next message after a subscription goes to that subscriber only [ZMQ_XPUB_MANUAL_LAST_VALUE]. */
  xpubManualLastValue?: boolean;
}

/** What an `XPublisher` passes up beyond changes: null (changes only), every subscribe, or every subscribe and cancel. */
export type XPublisherVerbosity = null | "allSubs" | "allSubsUnsubs";

/**
 * Something an XPUB has for the application. `peer`: the subscriber a subscription came from (manual
 * mode applies to it), null for a cancel made up when a peer left, undefined for other messages.
 */
interface Pending {
  message: Message;
  peer?: Peer | null;
}

/**
 * A publisher that sees its subscribers' subscriptions.
 *
 * @example
 * ```ts
 * await using xpub = new XPublisher();
 * await xpub.bind("tcp://127.0.0.1:5556");
 * const [sub] = await xpub.receive(); // [0x01, ...topic] when a subscriber subscribes
 * await xpub.send(["topic", "data"]);
 * ```
 *
 * @example Manual mode: the application decides what each subscriber gets.
 * ```ts
 * await using xpub = new XPublisher({ manual: true });
 * await xpub.bind("tcp://127.0.0.1:5556");
 * const [request] = await xpub.receive();      // [0x01, ..."weather"]
 * xpub.subscribe("weather/paris");              // applies to the peer that sent it
 * ```
 */
export class XPublisher extends PublishingSocket {
  /** Pass every subscribe up, not only the first for a prefix [ZMQ_XPUB_VERBOSE]. */
  declare verbose: boolean;
  /** Pass every subscribe and every cancel up [ZMQ_XPUB_VERBOSER]. */
  declare verboser: boolean;
  /** Subscriptions take effect only through `subscribe`/`unsubscribe` [ZMQ_XPUB_MANUAL]. */
  declare manual: boolean;
  /** Sent to each subscriber as it is attached [ZMQ_XPUB_WELCOME_MSG]. Read back as bytes. */
  declare welcomeMessage: Uint8Array | string | null;
  /**
   * Manual mode (as `manual`) in which the first message sent after a subscription was received
   * goes only to the subscriber that sent it, if it matches: the "last value" a newcomer needs,
   * which the others already have [ZMQ_XPUB_MANUAL_LAST_VALUE].
   */
  declare xpubManualLastValue: boolean;
  #rules: XPublisherRules;

  /** Creates a XPublisher; every option can also be set later as a property of the same name. */
  constructor(options?: XPublisherOptions) {
    // verbosity is a view of verbose/verboser, not an option of its own (one source of truth).
    const { verbosity, ...rest } = options ?? {};
    super("XPUB", rest);
    this.#rules = useRules(this, (core) => new XPublisherRules(this, core));
    if (verbosity !== undefined) this.verbosity = verbosity;
  }

  /**
   * zeromq.js's form of `verbose`/`verboser`: null passes up changes only,
   * `"allSubs"` every subscribe, `"allSubsUnsubs"` every subscribe and cancel.
   *
   * @example
   * ```ts
   * const xpub = new XPublisher({ verbosity: "allSubs" });
   * xpub.verbose; // true
   * ```
   */
  get verbosity(): XPublisherVerbosity {
    return this.verboser ? "allSubsUnsubs" : this.verbose ? "allSubs" : null;
  }

  set verbosity(value: XPublisherVerbosity) {
    if (value !== null && value !== "allSubs" && value !== "allSubsUnsubs") {
      throw new TypeError(`option verbosity must be null, "allSubs" or "allSubsUnsubs", got ${String(value)}`);
    }
    this.verbose = value === "allSubs";
    this.verboser = value === "allSubsUnsubs";
  }

  /**
   * Manual mode: subscribes the peer whose subscription message was received
   * last to each prefix (none means everything), like libzmq's ZMQ_SUBSCRIBE
   * on a ZMQ_XPUB_MANUAL socket. Does nothing without such a peer.
   */
  subscribe(...prefixes: FrameLike[]): void {
    this.#rules.manualApply(prefixes, true);
  }

  /** Manual mode: cancels a subscription of the peer whose subscription message was received last. */
  unsubscribe(...prefixes: FrameLike[]): void {
    this.#rules.manualApply(prefixes, false);
  }
}

/** XPUB's routing rules: PUB's, plus passing subscriptions and upstream messages to the application. */
class XPublisherRules extends PublishingRules {
  declare protected readonly socket: XPublisher;
  #pending: Pending[] = [];
  /** What each peer asked for in manual mode, so that its cancels can be passed up when it leaves. */
  #requested = new SubscriptionTrie();
  /** Manual mode: the peer of the last message received, to which `subscribe`/`unsubscribe` apply. */
  #lastPeer: Peer | null = null;

  constructor(socket: XPublisher, core: SocketCore) {
    super(socket, core);
  }

  /** libzmq's `_manual`: ZMQ_XPUB_MANUAL_LAST_VALUE turns it on too. */
  get #manual(): boolean {
    return this.socket.manual || this.socket.xpubManualLastValue;
  }

  manualApply(prefixes: FrameLike[], subscribe: boolean): void {
    const peer = this.#lastPeer;
    if (!this.#manual || !peer || peer.detached) return;
    for (const p of prefixes.length === 0 ? [""] : prefixes) {
      if (subscribe) this.subscriptions.add(toFrame(p), peer);
      else this.subscriptions.remove(toFrame(p), peer);
    }
  }

  override attach(peer: Peer): boolean {
    super.attach(peer);
    const welcome = this.socket.welcomeMessage as Uint8Array | null;
    // libzmq writes it past the high-water mark, and only when it is not empty.
    if (welcome && welcome.byteLength > 0) peer.outbound.write([welcome]);
    return true;
  }

  override detach(peer: Peer): void {
    if (this.#manual) {
      // libzmq reports every subscription the peer asked for, then drops what was applied silently.
      this.#passUpAll(this.#requested.removePeer(peer).map((r) => ({ prefix: r.prefix, last: true })));
      this.subscriptions.removePeer(peer);
      this.out.remove(peer);
    } else super.detach(peer);
    if (this.#lastPeer === peer) this.#lastPeer = null;
  }

  protected override peerSubscriptionsGone(_peer: Peer, removed: RemovedSubscription[]): void {
    this.#passUpAll(removed.filter((r) => r.last || this.socket.verboser));
  }

  #passUpAll(removed: { prefix: Uint8Array }[]): void {
    for (const { prefix } of removed) this.#pending.push({ message: [subscription(prefix, false)], peer: null });
    if (removed.length > 0) this.core.wakeReceivers();
  }

  protected override subscriptionReceived(peer: Peer, prefix: Uint8Array, subscribe: boolean): boolean {
    let notify: boolean;
    if (this.#manual) {
      if (subscribe) this.#requested.add(prefix, peer);
      else this.#requested.remove(prefix, peer);
      notify = true;
    } else if (subscribe) {
      notify = this.subscriptions.add(prefix, peer) || this.socket.verbose || this.socket.verboser;
    } else {
      // As libzmq: a cancel is passed up unless other peers still hold the prefix (or always, verboser).
      notify = this.subscriptions.remove(prefix, peer) !== "remain" || this.socket.verboser;
    }
    return notify;
  }

  /** Last-value mode: right after a subscription, only its subscriber, if it matches (libzmq's `_send_last_pipe`). */
  protected override targetsOf(message: Message): Peer[] {
    const targets = super.targetsOf(message);
    const last = this.#lastPeer;
    if (!this.socket.xpubManualLastValue || last === null) return targets;
    this.#lastPeer = null;
    const matched = targets.includes(last);
    targets.length = 0;
    if (matched) targets.push(last);
    return targets;
  }

  protected override passUp(peer: Peer, message: Message, subscriptions: boolean): void {
    // libzmq's XPUB passes messages coming upstream (from an XSUB) to the application, and the
    // subscriptions it reports; manual mode applies to the peer of the last one received.
    this.#pending.push(subscriptions ? { message, peer } : { message });
    this.core.wakeReceivers();
  }

  receive(): Message | undefined {
    const next = this.#pending.shift();
    if (!next) return undefined;
    if (this.#manual && next.peer !== undefined) {
      this.#lastPeer = next.peer && !next.peer.detached ? next.peer : null;
    }
    return next.message;
  }
}

defineOptions(XPublisher, {
  invertMatching: { kind: "bool", default: false },
  verbose: { kind: "bool", default: false },
  verboser: { kind: "bool", default: false },
  manual: { kind: "bool", default: false },
  welcomeMessage: { kind: "bytes", default: null, maxLength: 65536 },
  noDrop: { kind: "bool", default: false },
  onlyFirstSubscribe: { kind: "bool", default: false },
  xpubManualLastValue: { kind: "bool", default: false },
});
