/**
 * What SUB and XSUB share (libzmq's `xsub`, which `sub` extends): messages are
 * fair-queued from all publishers; subscriptions go to every publisher as
 * `[0x01|0x00, ...prefix]` and are sent again whenever a publisher
 * (re)connects, so a restarted publisher learns them.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { CountedPrefixes } from "../routing/trie.ts";
import { Socket, type SocketOptions } from "../socket.ts";

/** The fan-in half of publish/subscribe. */
export abstract class SubscribingSocket extends Socket {
  protected readonly prefixes: CountedPrefixes = new CountedPrefixes();
  protected readonly peers: Set<Peer> = new Set();
  protected readonly incoming: FairQueue = new FairQueue();

  protected constructor(type: "SUB" | "XSUB", options?: SocketOptions) {
    super(type, options);
  }

  protected override attachPeer(peer: Peer): boolean {
    this.peers.add(peer);
    this.incoming.add(peer);
    this.#sendAll(peer);
    return true;
  }

  protected override peerHandshake(peer: Peer, reconnected: boolean): void {
    // What was queued for the old connection went with it (libzmq resends on a pipe "hiccup").
    if (reconnected) this.#sendAll(peer);
  }

  protected override detachPeer(peer: Peer): void {
    this.peers.delete(peer);
  }

  #sendAll(peer: Peer): void {
    for (const prefix of this.prefixes) peer.outbound.write([subscription(prefix, true)]);
  }

  /** Records a (un)subscription and forwards it to every publisher when it changes what we want. */
  protected applySubscription(prefix: Uint8Array, subscribe: boolean): void {
    // libzmq 4.3 forwards every subscribe (XPUB verbose relies on it) but an unsubscribe only for the last one.
    const forward = subscribe ? (this.prefixes.add(prefix), true) : this.prefixes.remove(prefix);
    if (forward) this.sendToAll([subscription(prefix, subscribe)]);
  }

  /** Writes a message to every publisher, dropped for one whose queue is full. */
  protected sendToAll(message: Message): void {
    for (const peer of this.peers) if (!peer.outbound.full) peer.outbound.write(message);
  }
}

/** The subscription message for a prefix. */
export function subscription(prefix: Uint8Array, subscribe: boolean): Uint8Array {
  const message = new Uint8Array(prefix.byteLength + 1);
  message[0] = subscribe ? 1 : 0;
  message.set(prefix, 1);
  return message;
}
