/**
 * What PUB and XPUB share (libzmq's `xpub`, which `pub` extends): subscriptions
 * arrive from each peer as `[0x01|0x00, ...prefix]` messages (the engine turns
 * ZMTP 3.1 SUBSCRIBE/CANCEL commands into this form) and each message fans out
 * to the peers whose prefixes match its first frame, dropped for a peer whose
 * queue is full.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { Distributor } from "../routing/distributor.ts";
import { type RemovedSubscription, SubscriptionTrie } from "../routing/trie.ts";
import { Socket, type SocketOptions } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";
import { offerPgm, type PgmOptions } from "../pgm/socket-options.ts";

const EVERYTHING = new Uint8Array(0);

/** Options shared by `Publisher` and `XPublisher`. */
export interface PublishingOptions extends SocketOptions, PgmOptions {
  /** Send to the peers whose subscriptions do NOT match [ZMQ_INVERT_MATCHING]. */
  invertMatching?: boolean;
  /** Wait (or EAGAIN with sendTimeout) instead of dropping when a subscriber's queue is full [ZMQ_XPUB_NODROP]. */
  noDrop?: boolean;
  /**
   * In a multipart message from a subscriber, look for (un)subscriptions past the first frame only
   * when the first frame is one [ZMQ_ONLY_FIRST_SUBSCRIBE].
   */
  onlyFirstSubscribe?: boolean;
}

/** The rules of each publishing socket, for its `topicsCount`. */
const rulesOf = new WeakMap<PublishingSocket, PublishingRules>();

/** The fan-out half of publish/subscribe. */
export abstract class PublishingSocket extends Socket {
  /** Send to the peers whose subscriptions do NOT match [ZMQ_INVERT_MATCHING]. */
  declare invertMatching: boolean;
  /** Wait (or EAGAIN with sendTimeout) instead of dropping when a subscriber's queue is full [ZMQ_XPUB_NODROP]. */
  declare noDrop: boolean;
  /**
   * Frames after the first of a subscriber's multipart message are (un)subscriptions only when the
   * first one is; by default (libzmq's) each frame starting with 1 or 0 is one [ZMQ_ONLY_FIRST_SUBSCRIBE].
   */
  declare onlyFirstSubscribe: boolean;
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

  /** Publisher and XPublisher call this with their ZMTP type name. */
  protected constructor(type: "PUB" | "XPUB", options?: PublishingOptions) {
    super(type, options);
  }

  /**
   * How many distinct prefixes the subscribers hold (in manual mode: those applied) [ZMQ_TOPICS_COUNT].
   *
   * @example
   * ```ts
   * console.log(`${pub.topicsCount} topics wanted`);
   * ```
   */
  get topicsCount(): number {
    return rulesOf.get(this)?.subscriptions.size ?? 0;
  }
}

offerPgm(PublishingSocket);

/** @internal PUB's routing rules, which XPUB's extend. */
export class PublishingRules implements SocketRules {
  /** The subscriptions that filter what is sent. */
  readonly subscriptions: SubscriptionTrie = new SubscriptionTrie();
  /** Every attached peer. */
  readonly out: Distributor = new Distributor();
  protected readonly socket: PublishingSocket;
  protected readonly core: SocketCore;

  constructor(socket: PublishingSocket, core: SocketCore) {
    this.socket = socket;
    this.core = core;
    rulesOf.set(socket, this);
  }

  attach(peer: Peer): boolean {
    this.out.add(peer);
    // libzmq's subscribe_to_all for multicast: added silently, as no subscriber asked for it.
    if (peer.subscribesToAll) this.subscriptions.add(EVERYTHING, peer);
    return true;
  }

  detach(peer: Peer): void {
    this.out.remove(peer);
    this.peerSubscriptionsGone(peer, this.subscriptions.removePeer(peer));
  }

  /**
   * Reads what a subscriber sent. A one-frame message starting with 1 or 0 is a
   * subscription or a cancel; anything else is handed to `otherMessage` (PUB
   * drops it, XPUB passes it up, as libzmq does).
   */
  readable(peer: Peer): void {
    let message: Message | undefined;
    while ((message = peer.inbound.read()) !== undefined) {
      const frame = message[0];
      if (message.length === 1) {
        if (!isSubscription(frame)) this.passUp(peer, message, false);
        else if (this.subscriptionReceived(peer, frame.subarray(1), frame[0] === 1)) this.passUp(peer, message, true);
      } else this.#multipart(peer, message);
    }
  }

  /**
   * libzmq's xpub reads a multipart message frame by frame: each frame starting with 1 or 0 is a
   * (un)subscription (past the first, with ONLY_FIRST_SUBSCRIBE, only if the first is one); the
   * other frames, and the (un)subscriptions XPUB reports, go up together as one message.
   */
  #multipart(peer: Peer, message: Message): void {
    const parts: Uint8Array[] = [];
    let process = true;
    let subscriptions = false;
    for (let i = 0; i < message.length; i++) {
      const frame = message[i];
      const sub: boolean = (i === 0 || process) && isSubscription(frame);
      if (i === 0) process = !this.socket.onlyFirstSubscribe || sub;
      if (!sub) parts.push(frame);
      else if (this.subscriptionReceived(peer, frame.subarray(1), frame[0] === 1)) {
        parts.push(frame);
        subscriptions = true;
      }
    }
    if (parts.length > 0) this.passUp(peer, parts, subscriptions);
  }

  /**
   * A subscription or cancel arrived from `peer`; the default applies it. True when the application
   * is to hear of it (XPUB's rule).
   */
  protected subscriptionReceived(peer: Peer, prefix: Uint8Array, subscribe: boolean): boolean {
    if (subscribe) this.subscriptions.add(prefix, peer);
    else this.subscriptions.remove(prefix, peer);
    return false;
  }

  /** `peer` went away with these subscriptions (`last`: nobody else wants that prefix). XPUB reports them. */
  protected peerSubscriptionsGone(_peer: Peer, _removed: RemovedSubscription[]): void {}

  /**
   * A message for the application from a subscriber: what it sent that is no subscription, with the
   * (un)subscriptions to report (`subscriptions`: it carries some). PUB drops it.
   */
  protected passUp(_peer: Peer, _message: Message, _subscriptions: boolean): void {}

  /** Reused for every message's targets, so that publishing allocates no array per message. */
  #targets: Peer[] = [];
  #matching = false;

  /** The peers a message goes to: those with a matching prefix, or with none when matching is inverted. */
  protected targetsOf(message: Message): Peer[] {
    // A send reached again from inside a send (an inproc reader waking a waiting sender) gets its own array.
    const targets = this.#matching ? [] : this.#targets;
    targets.length = 0;
    if (this.socket.invertMatching) this.subscriptions.matchInverted(message[0], this.out.peers, targets);
    else this.subscriptions.match(message[0], targets);
    return targets;
  }

  canSend(): boolean {
    // libzmq's xpub: always, unless XPUB_NODROP, where every subscriber must have room.
    if (!this.socket.noDrop) return true;
    for (const peer of this.out.peers) if (!peer.outbound.hasRoom) return false;
    return true;
  }

  send(message: Message): boolean {
    const targets = this.targetsOf(message);
    // XPUB_NODROP: wait until every matching peer has room, as libzmq's check_hwm does.
    if (this.socket.noDrop && this.out.anyFull(targets)) return false;
    // Otherwise a slow subscriber loses messages at its high-water mark; the publisher never blocks (RFC 29).
    const outer = this.#matching;
    this.#matching = true;
    const sent = this.out.send(message, targets);
    this.#matching = outer;
    if (sent < targets.length) this.core.dropped(targets.length - sent);
    return true;
  }
}

/** A frame that is a subscription (1) or a cancel (0) followed by its prefix. */
export function isSubscription(frame: Uint8Array): boolean {
  return frame.byteLength > 0 && frame[0] <= 1;
}
