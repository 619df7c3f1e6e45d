/**
 * `socket.peers`: a read-only snapshot of each peer a socket routes over,
 * what it announced and how much passed each way.
 *
 * @module
 */
import type { Peer } from "../peer.ts";

const decoder = new TextDecoder();

/**
 * One peer of a socket at the moment `socket.peers` was read. Counters are totals over the
 * peer's life: a connected endpoint's peer outlives its connections (messages queued for it wait
 * for the reconnect), so they run on across reconnects while `connectedAt` is that of the live one.
 */
export interface PeerInfo {
  /** The endpoint as given to `bind` (as resolved, e.g. the port of `:*`) or `connect`. */
  readonly endpoint: string;
  /** Where the connection comes from: tcp "ip:port", an ipc path, a ws URL, an inproc name; null if unknown. */
  readonly remoteAddress: string | null;
  /** The peer's socket type ("DEALER", ...), once its handshake is done. */
  readonly socketType: string | null;
  /**
   * The id this socket knows the peer by: the one a ROUTER-like socket routes with, else the
   * one given with `connect(endpoint, { routingId })`, else the one the peer announced. A copy.
   */
  readonly routingId: Uint8Array | null;
  /** The security mechanism of the connection: "NULL", "PLAIN" or "CURVE" (inproc: "NULL"). */
  readonly mechanism: string;
  /** The user id the ZAP handler gave the peer when it authenticated it (libzmq's User-Id), else null. */
  readonly userId: string | null;
  /** When the live connection's handshake completed (ms since the epoch); null while not connected. */
  readonly connectedAt: number | null;
  /** Messages received from the peer (each whole message once). */
  readonly messagesIn: number;
  /** Bytes of the frames of those messages. */
  readonly bytesIn: number;
  /** Messages the socket queued to the peer. */
  readonly messagesOut: number;
  /** Bytes of the frames of those messages. */
  readonly bytesOut: number;
  /** Messages received from the peer that the application has not read yet (the inbound pipe). */
  readonly queuedIn: number;
  /** Messages queued to the peer not yet handed to its connection (inproc: not yet read) (the outbound pipe). */
  readonly queuedOut: number;
}

/** The snapshot of one peer. */
export function peerInfo(peer: Peer): PeerInfo {
  const id = peer.routingId ?? peer.assignedId ?? peer.announcedId;
  return Object.freeze({
    endpoint: peer.endpoint,
    remoteAddress: peer.remoteAddress,
    socketType: peer.socketType,
    routingId: id === null ? null : id.slice(),
    mechanism: peer.mechanism,
    userId: peer.userId === null ? null : decoder.decode(peer.userId),
    connectedAt: peer.connectedAt,
    messagesIn: peer.inbound.messages,
    bytesIn: peer.inbound.bytes,
    messagesOut: peer.outbound.messages,
    bytesOut: peer.outbound.bytes,
    queuedIn: peer.inbound.size,
    queuedOut: peer.outbound.size,
  });
}
