/**
 * The contract each socket type implements: its routing rules (libzmq's
 * `xattach_pipe`, `xpipe_terminated`, `xsend`, `xrecv`, `xread_activated`).
 * A socket type file holds one such object next to its public class; the
 * `Socket` base and the session call it. Nothing here is public API.
 *
 * @module
 */
import type { Message } from "./message.ts";
import type { Peer } from "./peer.ts";

/** A socket type's routing rules. Hooks left out take the default named on each. */
export interface SocketRules {
  /** Starts routing to and from a new peer; false refuses it (PAIR takes one). */
  attach(peer: Peer): boolean;
  /** Stops sending to a peer that is gone (fair queues drop it themselves once drained). */
  detach(peer: Peer): void;
  /** Routes one outgoing message; false when it must wait for room; throws for a forbidden send. Absent: ENOTSUP. */
  send?(message: Message): boolean;
  /**
   * Whether `send` would most likely route a message now (libzmq's `xhas_out`, ZMQ_EVENTS
   * POLLOUT). Absent: whether the type sends at all.
   */
  canSend?(): boolean;
  /** The next incoming message, if one is ready; throws for a forbidden receive. Absent: ENOTSUP. */
  receive?(): Message | undefined;
  /** A peer's inbound pipe has new messages (or ended). Absent: waiting receives are retried. */
  readable?(peer: Peer): void;
  /**
   * A connection's handshake completed for `peer` (its `socketType` and `announcedId` are
   * set), also when a connected endpoint came back: SUB resends its subscriptions here, as
   * libzmq does on a pipe "hiccup".
   */
  handshake?(peer: Peer): void;
  /**
   * A connection of `peer` whose handshake had completed ended. A connected endpoint's peer
   * lives on for the reconnect; another's is detached right after (STREAM and ROUTER notify here).
   */
  disconnected?(peer: Peer): void;
  /** Whether a peer announcing `socketType` may talk to this socket. Absent: the socket-type table's peers. */
  accepts?(socketType: string): boolean;
}

/** What the socket offers its rules. */
export interface SocketCore {
  /** Retries waiting receives after the rules' own state changed (XPUB queued a subscription). */
  wakeReceivers(): void;
  /** Counts messages the rules discarded (`socket.stats.messagesDropped`). */
  dropped(count: number): void;
}
