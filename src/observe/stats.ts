/**
 * The shape of `socket.stats` and `contextStats()`: public, and apart from the counting
 * (`counters.ts`) so that the package's types reach no internals.
 *
 * @module
 */

/**
 * A snapshot of one socket's counters (totals since it was created) and gauges (values now),
 * as `socket.stats` returns it: plain numbers a metrics library can export as they are.
 */
export interface SocketStats {
  /**
   * Messages queued to peers: each message `send()` routed, once per peer it went to (a PUB's copy
   * for each subscriber), with the socket's own (subscriptions, hello messages).
   */
  readonly messagesSent: number;
  /** Bytes of the frames of those messages. */
  readonly bytesSent: number;
  /** Messages that arrived from peers, read by the application or still queued (`queuedIn`). */
  readonly messagesReceived: number;
  /** Bytes of the frames of those messages. */
  readonly bytesReceived: number;
  /**
   * Messages the socket discarded: a copy PUB/XPUB/RADIO could not queue to a subscriber at its
   * high-water mark, a ROUTER message for an unknown or full peer (without `mandatory`), a message
   * replaced under `conflate`, messages still queued to or from a peer when it was let go, a
   * REQ's replies that do not answer its pending request, a DISH's messages for groups it has
   * not joined, a multipart message that reached a draft type (CLIENT, SERVER, GATHER, PEER,
   * CHANNEL).
   */
  readonly messagesDropped: number;
  /** Peers with a live connection (handshake done) or inproc link now. */
  readonly connections: number;
  /** Connections accepted on bound endpoints, ever. */
  readonly accepted: number;
  /** Connections made to connected endpoints (tcp/ipc/ws connect done), ever. */
  readonly connected: number;
  /** Of `connected`: connections made again to an endpoint that had been connected before. */
  readonly reconnects: number;
  /** Connections whose handshake had completed and that then ended. */
  readonly disconnects: number;
  /** Connections that ended before their handshake completed (refused by ZAP, bad peer, lost). */
  readonly handshakeFailures: number;
  /** Messages received from peers and not yet read by the application, summed over peers. */
  readonly queuedIn: number;
  /** Messages queued to peers and not yet handed to their connections (inproc: not yet read), summed over peers. */
  readonly queuedOut: number;
}
