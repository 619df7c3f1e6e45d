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

/** The fan-in half of publish/subscribe. */
export abstract class SubscribingSocket extends Socket {
  /** Subscriber and XSubscriber call this with their ZMTP type name. */
  protected constructor(type: "SUB" | "XSUB", options?: SocketOptions) {
    // libzmq's xsub sets ZMQ_LINGER to 0: pending subscriptions are not worth waiting for at close.
    super(type, options?.linger === undefined ? { ...options, linger: 0 } : options);
  }
}

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
    // libzmq 4.3 forwards every subscribe (XPUB verbose relies on it) but a cancel only for the last one.
    const forward = subscribe ? (this.prefixes.add(prefix), true) : this.prefixes.remove(prefix);
    // Past the high-water mark, unlike libzmq: a subscriber that subscribes to 10,000 prefixes at once
    // must not lose those beyond the mark (the queue is cleared and rebuilt on a reconnect anyway).
    if (forward) this.out.sendToAllPastHwm([subscription(prefix, subscribe)]);
  }
}

/** The subscription (`subscribe`) or cancel message for a prefix: `[0x01|0x00, ...prefix]`. */
export function subscription(prefix: Uint8Array, subscribe: boolean): Uint8Array {
  const message = new Uint8Array(prefix.byteLength + 1);
  message[0] = subscribe ? 1 : 0;
  message.set(prefix, 1);
  return message;
}
