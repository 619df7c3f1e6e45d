/**
 * Something to remember per accepted TCP connection of a TLS listener, found again from the
 * socket the connection is handed over on. node:tls hands a connection over after its handshake,
 * on a new socket object; the one public thing the two sockets share is the peer's address and
 * port, unique among the open connections of one listener.
 *
 * @module
 */

/** The part of a node:net (or node:tls) socket used here. */
export interface PeerSocket {
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  once(event: "close", listener: () => void): unknown;
}

/**
 * Values by accepted connection, each forgotten when taken or when its connection closes.
 *
 * @example
 * ```ts ignore
 * const acceptedAt = new Accepted<number>();
 * server.on("connection", (raw) => acceptedAt.set(raw, performance.now()));
 * server.on("secureConnection", (tlsSocket) => acceptedAt.take(tlsSocket)); // the time of its accept
 * ```
 */
export class Accepted<T> {
  readonly #values = new Map<string, { value: T }>();

  /** Remembers `value` for the connection `raw` until it is taken or the connection closes. */
  set(raw: PeerSocket, value: T): void {
    const key = keyOf(raw);
    if (key === null) return;
    const entry = { value };
    this.#values.set(key, entry);
    raw.once("close", () => {
      // Only this connection's: a later one from the same address and port may be there now.
      if (this.#values.get(key) === entry) this.#values.delete(key);
    });
  }

  /** The value of the connection `socket` is on (its own socket or the TLS one), forgotten. */
  take(socket: PeerSocket): T | undefined {
    const key = keyOf(socket);
    if (key === null) return undefined;
    const entry = this.#values.get(key);
    this.#values.delete(key);
    return entry?.value;
  }

  /** Every value not taken yet, forgotten (the listener closes). */
  drain(): T[] {
    const values = [...this.#values.values()].map((entry) => entry.value);
    this.#values.clear();
    return values;
  }
}

function keyOf(socket: PeerSocket): string | null {
  return socket.remoteAddress === undefined || socket.remotePort === undefined
    ? null
    : `${socket.remoteAddress}|${socket.remotePort}`;
}
