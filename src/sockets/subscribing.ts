/**
 * What SUB and XSUB share (libzmq's `xsub`, which `sub` extends): messages are
 * fair-queued from all publishers; subscriptions go to every publisher as
 * `[0x01|0x00, ...prefix]` (the engine sends them as ZMTP 3.1 SUBSCRIBE/CANCEL
 * commands to 3.1 peers) and are sent again whenever a publisher reconnects,
 * so a restarted publisher learns them.
 *
 * @module
 */
import type { Peer } from "../peer.ts";
import { Distributor } from "../routing/distributor.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { CountedPrefixes } from "../routing/trie.ts";
import { Socket, type SocketOptions } from "../socket.ts";
import type { SocketRules } from "../socket-rules.ts";
import { offerPgm, type PgmOptions } from "../pgm/socket-options.ts";

/** The rules of each subscribing socket, for its `topicsCount`. */
const rulesOf = new WeakMap<SubscribingSocket, SubscribingRules>();

/** The fan-in half of publish/subscribe. */
export abstract class SubscribingSocket extends Socket {
  /** Kilobits per second it sends at most over epgm://, IP and UDP headers counted [ZMQ_RATE]. */
  declare rate: number;
  /** Milliseconds of sent data kept to repair what receivers lost over epgm:// [ZMQ_RECOVERY_IVL]. */
  declare recoveryInterval: number;
  /** The TTL of the multicast it sends over epgm://; 1 stays on the local network [ZMQ_MULTICAST_HOPS]. */
  declare multicastHops: number;
  /** Whether sockets on this host receive the multicast it sends over epgm:// [ZMQ_MULTICAST_LOOP]. */
  declare multicastLoop: boolean;
  /** The largest datagram epgm:// sends, IP and UDP headers included [ZMQ_MULTICAST_MAXTPDU]. */
  declare multicastMaxTpdu: number;

  /** Subscriber and XSubscriber call this with their ZMTP type name. */
  protected constructor(type: "SUB" | "XSUB", options?: SocketOptions & PgmOptions) {
    // libzmq's xsub sets ZMQ_LINGER to 0: pending subscriptions are not worth waiting for at close.
    super(type, options?.linger === undefined ? { ...options, linger: 0 } : options);
  }

  /**
   * How many subscriptions this socket holds, a prefix subscribed twice counted twice, as libzmq's
   * draft builds count them (their radix tree) [ZMQ_TOPICS_COUNT].
   *
   * @example
   * ```ts
   * sub.subscribe("a", "b", "a");
   * sub.topicsCount; // 3
   * ```
   */
  get topicsCount(): number {
    return rulesOf.get(this)?.prefixes.count ?? 0;
  }
}

offerPgm(SubscribingSocket);

/** @internal What SUB's and XSUB's routing rules share: subscriptions kept, counted, and sent to every publisher. */
export class SubscribingRules implements SocketRules {
  /** What this socket is subscribed to, counted. */
  readonly prefixes: CountedPrefixes = new CountedPrefixes();
  /** Every attached publisher, for subscriptions (and XSUB's other messages). */
  readonly out: Distributor = new Distributor();
  /** Incoming messages, fair-queued. */
  readonly incoming: FairQueue = new FairQueue();
  /** Peers that have completed a handshake (a connected endpoint's peer is attached before its first). */
  #handshaken = new WeakSet<Peer>();
  /** Forward every cancel, not only the last for a prefix (XSUB's ZMQ_XSUB_VERBOSE_UNSUBSCRIBE). */
  readonly #verboseUnsubscribe: () => boolean;

  constructor(socket: SubscribingSocket, verboseUnsubscribe: () => boolean = () => false) {
    rulesOf.set(socket, this);
    this.#verboseUnsubscribe = verboseUnsubscribe;
  }

  attach(peer: Peer): boolean {
    this.out.add(peer);
    this.incoming.add(peer);
    // A connected endpoint's peer is attached before its first handshake: its pipe holds these until then.
    this.#sendAll(peer);
    return true;
  }

  handshake(peer: Peer): void {
    // A connected endpoint's first handshake: its subscriptions are already queued from attach.
    if (!this.#handshaken.has(peer)) {
      this.#handshaken.add(peer);
      return;
    }
    // libzmq "hiccups" the pipe on a reconnect: whatever was queued is dropped and every
    // subscription is sent again, so the new connection gets each exactly once.
    peer.outbound.clear();
    this.#sendAll(peer);
  }

  detach(peer: Peer): void {
    this.out.remove(peer);
  }

  #sendAll(peer: Peer): void {
    // Past the high-water mark if need be, as libzmq does when it attaches a pipe.
    for (const prefix of this.prefixes) peer.outbound.write([subscription(prefix, true)]);
  }

  /** Records a (un)subscription and forwards it to every publisher when it changes what we want. */
  applySubscription(prefix: Uint8Array, subscribe: boolean): void {
    // Past the high-water mark, unlike libzmq: a subscriber that subscribes to 10,000 prefixes at once
    // must not lose those beyond the mark (the queue is cleared and rebuilt on a reconnect anyway).
    if (this.record(prefix, subscribe)) this.out.sendToAllPastHwm([subscription(prefix, subscribe)]);
  }

  /**
   * Records a (un)subscription; true when it is to be forwarded. libzmq 4.3 forwards every subscribe
   * (XPUB verbose relies on it) but a cancel only for the last one, unless XSUB_VERBOSE_UNSUBSCRIBE.
   */
  record(prefix: Uint8Array, subscribe: boolean): boolean {
    if (subscribe) {
      this.prefixes.add(prefix);
      return true;
    }
    return this.prefixes.remove(prefix) || this.#verboseUnsubscribe();
  }
}

/** The subscription (`subscribe`) or cancel message for a prefix: `[0x01|0x00, ...prefix]`. */
export function subscription(prefix: Uint8Array, subscribe: boolean): Uint8Array {
  const message = new Uint8Array(prefix.byteLength + 1);
  message[0] = subscribe ? 1 : 0;
  message.set(prefix, 1);
  return message;
}
