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
import type { SocketRules } from "../socket-rules.ts";

/** Options shared by `Publisher` and `XPublisher`. */
export interface PublishingOptions extends SocketOptions {
  /** Send to the peers whose subscriptions do NOT match [ZMQ_INVERT_MATCHING]. */
  invertMatching?: boolean;
  /** Wait (or EAGAIN with sendTimeout) instead of dropping when a subscriber's queue is full [ZMQ_XPUB_NODROP]. */
  noDrop?: boolean;
}

/** The fan-out half of publish/subscribe. */
export abstract class PublishingSocket extends Socket {
  /** Send to the peers whose subscriptions do NOT match [ZMQ_INVERT_MATCHING]. */
  declare invertMatching: boolean;
  /** Wait (or EAGAIN with sendTimeout) instead of dropping when a subscriber's queue is full [ZMQ_XPUB_NODROP]. */
  declare noDrop: boolean;

  /** Publisher and XPublisher call this with their ZMTP type name. */
  protected constructor(type: "PUB" | "XPUB", options?: PublishingOptions) {
    super(type, options);
  }
}

/** @internal PUB's routing rules, which XPUB's extend. */
export class PublishingRules implements SocketRules {
  /** The subscriptions that filter what is sent. */
  readonly subscriptions: SubscriptionTrie = new SubscriptionTrie();
  /** Every attached peer. */
  readonly out: Distributor = new Distributor();
  protected readonly socket: PublishingSocket;

  constructor(socket: PublishingSocket) {
    this.socket = socket;
  }

  attach(peer: Peer): boolean {
    this.out.add(peer);
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
      if (message.length === 1 && frame.byteLength > 0 && frame[0] <= 1) {
        this.subscriptionReceived(peer, frame.subarray(1), frame[0] === 1);
      } else this.otherMessage(peer, message);
    }
  }

  /** A subscription or cancel arrived from `peer`; the default applies it (XPUB may also pass it up). */
  protected subscriptionReceived(peer: Peer, prefix: Uint8Array, subscribe: boolean): void {
    if (subscribe) this.subscriptions.add(prefix, peer);
    else this.subscriptions.remove(prefix, peer);
  }

  /** `peer` went away with these subscriptions (`last`: nobody else wants that prefix). XPUB reports them. */
  protected peerSubscriptionsGone(_peer: Peer, _removed: RemovedSubscription[]): void {}

  /** A message from a subscriber that is not a subscription: PUB drops it. */
  protected otherMessage(_peer: Peer, _message: Message): void {}

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
    this.out.send(message, targets);
    this.#matching = outer;
    return true;
  }
}
