/**
 * The interface between the ZWS 2.0 transport (RFC 45) and each runtime's
 * WebSocket client and server. Runtime code lives in the adapters
 * (`node.ts`, `deno.ts`, `bun.ts`, `browser.ts`); everything here is web-standard.
 *
 * @module
 */
/** Where a `ws://` or `wss://` endpoint listens or connects. */
export interface WsAddress {
  readonly kind: "ws";
  /** `wss://`: WebSocket over TLS (a bind needs `WsServerOptions.tls`). */
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** The resource path, "/" when the endpoint names none. */
  readonly path: string;
}

/** A listening WebSocket server for one endpoint. */
export interface WsListener {
  /** The bound address; for port 0 this carries the port the kernel chose. */
  readonly address: WsAddress;
  /** Stops accepting; connections already accepted stay. */
  close(): Promise<void>;
}

/**
 * What a WebSocket (client or server side) offers the `WsConnection` that wraps it
 * (`connection.ts`). The adapter calls the connection's `message`/`closed` for what arrives.
 */
export interface MessageSocket {
  /** Sends one binary message. */
  send(message: Uint8Array): void;
  /** Bytes queued by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Closes after queued messages (close frame 1000). */
  close(): void;
  /** Closes at once where the runtime can (else as `close`). */
  terminate(): void;
  /** Holds the messages of one `write` for a single system call, where the runtime allows it. */
  cork?(): void;
  uncork?(): void;
  /** Stops reading from the network, where the runtime allows it. */
  pause?(): void;
  resume?(): void;
  /** Calls `fn` when the runtime says its send buffer drained; absent: the connection polls `bufferedAmount`. */
  onDrain?: ((fn: () => void) => void) | undefined;
}

/** What a message connection tells the engine driving it. Each is called on the runtime's event loop. */
export interface MessageHandlers {
  /** One binary message arrived. It is owned by the receiver from now on. */
  message(data: Uint8Array): void;
  /** A `write` that returned false has been handed to the network. */
  drain(): void;
  /** The connection is gone (peer closed, error, `end()` or `destroy()`). Called exactly once. */
  close(error?: Error): void;
}

/**
 * One open WebSocket whose ZWS 2.0 subprotocol is negotiated, as an engine drives it: whole
 * binary messages in and out, where a `ByteConnection` carries a byte stream. The engine
 * frames ZMTP on it (one frame per message, RFC 45); the connection knows nothing of ZMTP.
 *
 * @example
 * ```ts ignore
 * conn.start({ message: (m) => console.log(m), drain() {}, close: (e) => console.log("gone", e) });
 * if (!conn.write([new Uint8Array([0, 104, 105])])) console.log("wait for drain");
 * ```
 */
export interface MessageConnection {
  /** Tells it from a `ByteConnection`. */
  readonly kind: "message";
  /** The mechanism the negotiated subprotocol names ("NULL", "PLAIN", "CURVE"); "" for bare "ZWS2.0". */
  readonly mechanism: string;
  /** "host:port" of the peer; used in events and ZAP. */
  readonly remoteAddress: string;
  /** Starts delivering events; messages that arrived before are delivered after this returns. */
  start(handlers: MessageHandlers): void;
  /**
   * Sends each chunk as one binary message, in order (one system call where the runtime can cork).
   * Returns false when the send buffer is above its limit: stop writing until `drain`.
   * The caller must not modify the chunks afterwards.
   */
  write(messages: readonly Uint8Array[]): boolean;
  /**
   * Stops delivering messages (receive-side backpressure). Where the runtime's WebSocket cannot
   * stop reading, messages wait in memory up to `MAX_BACKLOG_BYTES`, and a peer that sends more
   * is dropped.
   */
  pause(): void;
  /** Delivers again after `pause`, what waited first. */
  resume(): void;
  /** Closes after queued messages (close frame 1000). */
  end(): void;
  /** Closes at once. */
  destroy(): void;
}

/** The certificate and key a `wss://` listener presents (the socket's `wssCertPem`, `wssKeyPem`). */
export interface WsServerTls {
  /** PEM text: the certificate (chain) the server presents. */
  readonly certPem: string;
  /** PEM text: its private key. */
  readonly keyPem: string;
}

/** How a `wss://` client checks the server (the socket's `wssTrustPem`, `wssHostname`, `wssTrustSystem`). */
export interface WsClientTls {
  /** PEM text of a certificate (or CA) trusted besides (or, without `trustSystem`, instead of) the system's. */
  readonly trustPem: string | null;
  /** The name the server's certificate must carry; null: the endpoint's host. */
  readonly hostname: string | null;
  /** Whether the runtime's own root certificates are trusted too. */
  readonly trustSystem: boolean;
}

/** What a listener reads from its socket, per connection where it can (option changes apply). */
export interface WsServerOptions {
  /** The mechanism whose subprotocol a client must offer ("NULL", "PLAIN", "CURVE"). */
  mechanism(): string;
  /**
   * Milliseconds a connection has from its accept to a completed WebSocket upgrade (TLS included),
   * else it is closed; 0: no limit. libzmq counts the upgrade as part of the handshake.
   */
  handshakeInterval(): number;
  /**
   * Longest WebSocket message taken, -1 none: a ZWS message is one ZMTP frame and its flags byte,
   * so maxMessageSize + 1. Where the server reads frames itself, a longer one is refused from its header.
   */
  maxMessage(): number;
  /** For `wss://`: what the server presents. */
  readonly tls?: WsServerTls;
  /**
   * The listener, each connection it accepts and its upgrade deadline let the process exit
   * (a socket whose `holdsProcess` is false): an idle socket holds nothing.
   */
  readonly unref?: boolean;
}

/** How a client connects, beyond its address and subprotocols. */
export interface WsDialOptions {
  /** For `wss://`: which certificates the client trusts. */
  readonly tls?: WsClientTls;
  /** The connection lets the process exit, from its first byte on (a socket whose `holdsProcess` is false). */
  readonly unref?: boolean;
}

/** A runtime's WebSocket client and server, as the ws transport needs them. */
export interface WsRuntime {
  /**
   * Serves WebSocket upgrades at `address.path`, accepting a client whose
   * `Sec-WebSocket-Protocol` list offers the subprotocol of `options.mechanism()`.
   */
  listen(
    address: WsAddress,
    options: WsServerOptions,
    onConnection: (conn: MessageConnection) => void,
  ): Promise<WsListener>;
  /**
   * Opens a WebSocket offering `protocols`; resolves once open with the message connection.
   * `dial.tls` applies to `wss://` only.
   */
  connect(address: WsAddress, protocols: readonly string[], dial?: WsDialOptions): Promise<MessageConnection>;
  /** Throws (EPROTONOSUPPORT) for `wss://` trust settings this runtime's client cannot apply; absent: all apply. */
  checkClientTls?(address: WsAddress, tls: WsClientTls): void;
}
