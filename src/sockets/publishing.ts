/**
 * What PUB and XPUB share (libzmq's `xpub`, which `pub` extends): subscriptions
 * arrive from each peer as `[0x01|0x00, ...prefix]` messages and messages fan
 * out to the peers whose prefixes match, dropped for a peer whose queue is full.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { SubscriptionTrie } from "../routing/trie.ts";
import { Socket, type SocketOptions } from "../socket.ts";

/** Options shared by `Publisher` and `XPublisher`. */
export interface PublishingOptions extends SocketOptions {
  invertMatching?: boolean;
}

/** The fan-out half of publish/subscribe. */
export abstract class PublishingSocket extends Socket {
  /** Send to the peers whose subscriptions do NOT match [ZMQ_INVERT_MATCHING]. */
  declare invertMatching: boolean;
  protected readonly subscriptions: SubscriptionTrie = new SubscriptionTrie();
  protected readonly peers: Set<Peer> = new Set();

  protected constructor(type: "PUB" | "XPUB", options?: PublishingOptions) {
    super(type, options);
  }

  protected override attachPeer(peer: Peer): boolean {
    this.peers.add(peer);
    return true;
  }

  protected override detachPeer(peer: Peer): void {
    this.peers.delete(peer);
    for (const prefix of this.subscriptions.removePeer(peer)) this.subscriptionChanged(peer, prefix, false, true);
  }

  /** Reads what subscribers sent: subscriptions are applied; anything else is dropped (libzmq does the same). */
  protected override peerReadable(peer: Peer): void {
    let message: Message | undefined;
    while ((message = peer.inbound.read()) !== undefined) {
      const frame = message[0];
      if (message.length !== 1 || !frame || frame.byteLength === 0 || frame[0] > 1) {
        this.otherMessage(peer, message);
        continue;
      }
      const subscribe = frame[0] === 1;
      const prefix = frame.subarray(1);
      this.subscriptionReceived(peer, prefix, subscribe);
    }
  }

  /** A subscription arrived; the default applies it. XPUB also reports it to the application. */
  protected subscriptionReceived(peer: Peer, prefix: Uint8Array, subscribe: boolean): void {
    const changed = subscribe ? this.subscriptions.add(prefix, peer) : this.subscriptions.remove(prefix, peer);
    this.subscriptionChanged(peer, prefix, subscribe, changed);
  }

  /** Hook for XPUB: a subscription was applied; `changed` when the prefix gained its first or lost its last peer. */
  protected subscriptionChanged(_peer: Peer, _prefix: Uint8Array, _subscribe: boolean, _changed: boolean): void {}

  /** Hook for XPUB: a message from a subscriber that is not a subscription. */
  protected otherMessage(_peer: Peer, _message: Message): void {}

  /** Whether a send must wait rather than drop (XPUB's noDrop). */
  protected get blocksWhenFull(): boolean {
    return false;
  }

  protected override sendMessage(message: Message): boolean {
    const targets: Peer[] = [];
    if (this.invertMatching) {
      const matched = new Set<Peer>();
      this.subscriptions.forEachMatch(message[0], (p) => matched.add(p));
      for (const p of this.peers) if (!matched.has(p)) targets.push(p);
    } else this.subscriptions.forEachMatch(message[0], (p) => targets.push(p));
    if (this.blocksWhenFull && targets.some((p) => p.outbound.full)) return false;
    for (const peer of targets) {
      // A slow subscriber loses messages at its high-water mark; the publisher never blocks (RFC 29).
      if (peer.detached || peer.outbound.full) continue;
      // inproc subscribers receive the array itself: give each its own.
      peer.outbound.write(peer.link ? message.slice() : message);
    }
    return true;
  }
}
