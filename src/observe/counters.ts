/**
 * What a socket counts: the pipes count the messages and bytes through them
 * (the only per-message work), the session counts connections, and the
 * snapshot `socket.stats` sums what its live peers' pipes counted with what
 * the peers it let go had counted.
 *
 * @module
 */
import type { Peer } from "../peer.ts";
import type { SocketStats } from "./stats.ts";

/**
 * @internal
 * The running totals of one socket that no live pipe holds: the traffic of the peers it let go,
 * the drops of its rules, its connections. Fields only ever grow.
 */
export class SocketCounters {
  /** Of the peers let go (the live ones' are in their pipes). */
  messagesSent = 0;
  bytesSent = 0;
  messagesReceived = 0;
  bytesReceived = 0;
  /** Discarded by the socket's rules (PUB at a full queue, ROUTER unroutable) and by the pipes of peers let go. */
  messagesDropped = 0;
  accepted = 0;
  connected = 0;
  reconnects = 0;
  disconnects = 0;
  handshakeFailures = 0;
}

/** The stats of a socket from its counters and its live peers. */
export function statsOf(counters: SocketCounters, peers: Iterable<Peer>): SocketStats {
  let connections = 0;
  let queuedIn = 0;
  let queuedOut = 0;
  let dropped = counters.messagesDropped;
  let messagesSent = counters.messagesSent;
  let bytesSent = counters.bytesSent;
  let messagesReceived = counters.messagesReceived;
  let bytesReceived = counters.bytesReceived;
  for (const peer of peers) {
    messagesSent += peer.outbound.messages;
    bytesSent += peer.outbound.bytes;
    messagesReceived += peer.inbound.messages;
    bytesReceived += peer.inbound.bytes;
    if (peer.connectedAt !== null) connections++;
    queuedIn += peer.inbound.size;
    queuedOut += peer.outbound.size;
    dropped += droppedBy(peer);
  }
  return Object.freeze({
    messagesSent,
    bytesSent,
    messagesReceived,
    bytesReceived,
    messagesDropped: dropped,
    connections,
    accepted: counters.accepted,
    connected: counters.connected,
    reconnects: counters.reconnects,
    disconnects: counters.disconnects,
    handshakeFailures: counters.handshakeFailures,
    queuedIn,
    queuedOut,
  });
}

/** What `peer`'s pipes discarded on this socket's side (an inproc pipe's drops are its reader's). */
export function droppedBy(peer: Peer): number {
  return peer.inbound.dropped + (peer.link ? 0 : peer.outbound.dropped);
}

/** The socket lets go of `peer`: what its pipes counted stays in the socket's totals. */
export function retire(counters: SocketCounters, peer: Peer): void {
  counters.messagesSent += peer.outbound.messages;
  counters.bytesSent += peer.outbound.bytes;
  counters.messagesReceived += peer.inbound.messages;
  counters.bytesReceived += peer.inbound.bytes;
  counters.messagesDropped += droppedBy(peer);
}

/** The sum of the stats of several sockets (a Context's), gauges included. */
export function sumStats(all: Iterable<SocketStats>): SocketStats {
  const total: Record<string, number> = {};
  for (const stats of all) {
    for (const [key, value] of Object.entries(stats)) total[key] = (total[key] ?? 0) + value;
  }
  return Object.freeze({ ...statsOf(new SocketCounters(), []), ...total });
}
