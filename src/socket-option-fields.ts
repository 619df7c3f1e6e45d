/**
 * The options every socket has, as typed properties of `Socket` (libzmq's names in brackets).
 * Their checks and defaults are in `socket-options.ts`; the constructor takes the same names
 * (`SocketOptions`).
 *
 * @module
 */

/**
 * The options every socket has, as properties: `push.linger = 0`, `pull.receiveHighWaterMark`.
 * Each is also an option of every socket constructor (`SocketOptions`).
 *
 * @example
 * ```ts
 * import { Push } from "@omq/omq";
 * const push = new Push({ sendHighWaterMark: 100 });
 * push.linger = 0;
 * push.close();
 * ```
 */
export interface SocketOptionFields {
  /** Most messages queued towards one peer; `send` waits beyond it [ZMQ_SNDHWM]. 0: no limit. */
  sendHighWaterMark: number;
  /** Most messages queued from one peer before reading from it pauses [ZMQ_RCVHWM]. 0: no limit. */
  receiveHighWaterMark: number;
  /** Milliseconds `send` may wait for room; -1 forever, 0 fails at once with EAGAIN [ZMQ_SNDTIMEO]. */
  sendTimeout: number;
  /** Milliseconds `receive` may wait; -1 forever, 0 fails at once with EAGAIN [ZMQ_RCVTIMEO]. */
  receiveTimeout: number;
  /** Milliseconds `close` waits for queued messages to be written; -1 forever, 0 drops them [ZMQ_LINGER]. */
  linger: number;
  /** Milliseconds before reconnecting; -1 never reconnects [ZMQ_RECONNECT_IVL]. */
  reconnectInterval: number;
  /**
   * When a connected endpoint stops reconnecting, as libzmq's bits [ZMQ_RECONNECT_STOP]: 1, a tcp
   * connection is refused (the endpoint is then dropped, with what was queued for it); 2, a
   * connection fails its handshake (likewise); 4, an ipc connection is refused after this socket's
   * `disconnect()` was called. 0 (the default): always reconnect.
   */
  reconnectStop: number;
  /** Upper bound of the doubling reconnect interval; 0 keeps it constant [ZMQ_RECONNECT_IVL_MAX]. */
  reconnectMaxInterval: number;
  /** Milliseconds a connection attempt may take; 0 leaves it to the OS [ZMQ_CONNECT_TIMEOUT]. */
  connectTimeout: number;
  /**
   * Milliseconds the ZMTP handshake may take; 0 no limit [ZMQ_HANDSHAKE_IVL]. A ws or wss listener
   * also gives an accepted connection this long for its TLS handshake and WebSocket upgrade, as libzmq.
   */
  handshakeInterval: number;
  /** Milliseconds between ZMTP PINGs on each connection; 0 sends none [ZMQ_HEARTBEAT_IVL]. */
  heartbeatInterval: number;
  /** Milliseconds of silence after which a connection is dropped (and a connected one retried); -1: the interval [ZMQ_HEARTBEAT_TIMEOUT]. */
  heartbeatTimeout: number;
  /** Milliseconds a peer should wait for our traffic before dropping us, sent in our PINGs (resolution 100 ms) [ZMQ_HEARTBEAT_TTL]. */
  heartbeatTimeToLive: number;
  /** TCP keepalive: -1 leaves the OS default, 0 off, 1 on [ZMQ_TCP_KEEPALIVE]. */
  tcpKeepalive: number;
  /** Seconds idle before the first keepalive probe; -1 the OS default (Node and Bun; Deno cannot set it) [ZMQ_TCP_KEEPALIVE_IDLE]. */
  tcpKeepaliveIdle: number;
  /** Keepalive probes before dropping [ZMQ_TCP_KEEPALIVE_CNT]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  tcpKeepaliveCount: number;
  /** Seconds between keepalive probes [ZMQ_TCP_KEEPALIVE_INTVL]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  tcpKeepaliveInterval: number;
  /** Queue messages only on completed connections [ZMQ_IMMEDIATE]. */
  immediate: boolean;
  /** Largest frame accepted from a peer in bytes, -1 no limit; a bigger one drops that connection [ZMQ_MAXMSGSIZE]. */
  maxMessageSize: number;
  /**
   * The identity announced to peers (REQ, DEALER, ROUTER), up to 255 bytes [ZMQ_ROUTING_ID].
   * Set as a string or bytes; always read back as bytes.
   */
  routingId: Uint8Array | string | null;
  /**
   * IPv6 on tcp endpoints [ZMQ_IPV6]. Off, as libzmq's default: `tcp://*` binds every IPv4
   * address and host names resolve to IPv4 addresses; an IPv6 address written out (`tcp://[::1]:p`)
   * is used as given either way (libzmq would refuse it). On: `*` is dual-stack and host names
   * resolve to either family. Read when an endpoint is bound or connected (each reconnect resolves again).
   */
  ipv6: boolean;
  /**
   * Whether the socket's endpoints keep the process (or worker) alive (default true, as a node:net
   * server does): its listeners, connections and reconnect, handshake and heartbeat timers, on every
   * transport (tcp, ipc, ws and wss with their upgrade deadlines, udp, epgm with its SPM and NAK
   * timers, inproc). False: they are unreferenced, so an idle socket lets the process end, as
   * zeromq.js's do (`omq/zeromq` sets it). One exception, on Deno only: inproc endpoints of the
   * default Context still hold the thread, through the Web Lock that tells other threads it is alive
   * (a held Web Lock keeps Deno's event loop running, and cannot be unreferenced). Read when an
   * endpoint is bound or connected; the Context's `holdsProcess` is the default.
   */
  holdsProcess: boolean;
  /**
   * Connections the kernel queues for a listener before they are accepted [ZMQ_BACKLOG]; Node's
   * listeners take it, Deno's and Bun's own have no such setting (the OS default applies there).
   */
  backlog: number;
  /**
   * The peers a tcp listener accepts: addresses (`"10.0.0.7"`) or networks (`"10.0.0.0/8"`,
   * `"fd00::/8"`), one or a list; a connection from anywhere else is closed at once, with an
   * `accept:error` event. null (the default) accepts everyone [ZMQ_TCP_ACCEPT_FILTER]. Read
   * back as a list.
   */
  tcpAcceptFilter: string | readonly string[] | null;
  /**
   * A SOCKS5 proxy ("host:port") that tcp connections go through; the proxy resolves the
   * endpoint's host [ZMQ_SOCKS_PROXY]. null: connect directly.
   */
  socksProxy: string | null;
  /** The user name for the SOCKS5 proxy (RFC 1929); set, it is the only method offered [ZMQ_SOCKS_USERNAME]. */
  socksUsername: Uint8Array | string | null;
  /** The password for the SOCKS5 proxy [ZMQ_SOCKS_PASSWORD]. */
  socksPassword: Uint8Array | string | null;
  /**
   * IP type of service of tcp connections [ZMQ_TOS]. Like the options that refer here, it is
   * accepted and read back but cannot take effect: Node, Deno and Bun give a program no way to set
   * it on a tcp socket. Setting any of them to another value than its default warns once per process.
   */
  typeOfService: number;
  /** Socket priority (SO_PRIORITY) [ZMQ_PRIORITY]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  priority: number;
  /** The network device to bind connections to (SO_BINDTODEVICE) [ZMQ_BINDTODEVICE]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  interface: Uint8Array | string | null;
  /** Kernel send buffer in bytes, -1 the OS default [ZMQ_SNDBUF]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  sendBufferSize: number;
  /** Kernel receive buffer in bytes, -1 the OS default [ZMQ_RCVBUF]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  receiveBufferSize: number;
  /** Maximum TCP retransmit timeout in ms [ZMQ_TCP_MAXRT]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  tcpMaxRetransmitTimeout: number;
  /**
   * The certificate (PEM text; a chain: the server's first) a `wss://` bind presents [ZMQ_WSS_CERT_PEM].
   * Read when the endpoint is bound.
   *
   * @example
   * ```ts ignore
   * // certPem, keyPem: PEM text, read however the application keeps its secrets
   * const pub = new Publisher({ wssCertPem: certPem, wssKeyPem: keyPem });
   * await pub.bind("wss://*:8443/feed");
   * ```
   */
  wssCertPem: string | Uint8Array | null;
  /** The private key (PEM text) of `wssCertPem` [ZMQ_WSS_KEY_PEM]. */
  wssKeyPem: string | Uint8Array | null;
  /**
   * A certificate (PEM text: a CA, or the server's own self-signed one) a `wss://` connect trusts,
   * besides the system's roots unless `wssTrustSystem` is off [ZMQ_WSS_TRUST_PEM]. Not in a browser,
   * which trusts only its own store (connecting with it set fails with EPROTONOSUPPORT there).
   */
  wssTrustPem: string | Uint8Array | null;
  /** The name a `wss://` server's certificate must carry; null: the endpoint's host [ZMQ_WSS_HOSTNAME]. */
  wssHostname: string | null;
  /**
   * Whether a `wss://` connect trusts the runtime's root certificates (default true) [ZMQ_WSS_TRUST_SYSTEM].
   * Deno's TLS always adds them, so there off is refused (EPROTONOSUPPORT) rather than ignored.
   */
  wssTrustSystem: boolean;
  /** Be the PLAIN server (RFC 24): clients' credentials go to the ZAP handler, without one all are refused [ZMQ_PLAIN_SERVER]. */
  plainServer: boolean;
  /** PLAIN client user name; setting it makes connections use PLAIN [ZMQ_PLAIN_USERNAME]. Read back as bytes. */
  plainUsername: Uint8Array | string | null;
  /** PLAIN client password [ZMQ_PLAIN_PASSWORD]. Read back as bytes. */
  plainPassword: Uint8Array | string | null;
  /** Be the CURVE server (RFC 26); needs `curveSecretKey` [ZMQ_CURVE_SERVER]. */
  curveServer: boolean;
  /** This socket's long-term CURVE public key (client side), Z85 or 32 bytes; read back as Z85 [ZMQ_CURVE_PUBLICKEY]. */
  curvePublicKey: string | Uint8Array | null;
  /** This socket's long-term CURVE secret key, Z85 or 32 bytes; read back as Z85 [ZMQ_CURVE_SECRETKEY]. */
  curveSecretKey: string | Uint8Array | null;
  /** The server's long-term public key; setting it makes connections CURVE clients [ZMQ_CURVE_SERVERKEY]. */
  curveServerKey: string | Uint8Array | null;
  /** The ZAP domain sent with each authentication request (RFC 27) [ZMQ_ZAP_DOMAIN]. Read back as bytes. */
  zapDomain: Uint8Array | string | null;
  /**
   * libzmq's strict ZAP rule [ZMQ_ZAP_ENFORCE_DOMAIN]: a NULL or CURVE server with a `zapDomain` fails
   * every handshake while no ZAP handler is bound (instead of letting everyone in), and a CURVE
   * server without a domain does not ask the handler at all.
   */
  zapEnforceDomain: boolean;
  /**
   * The application's own properties, sent to every peer in the handshake's READY (or INITIATE)
   * after ZMTP's: names start with "X-", e.g. `{ "X-Service": "billing" }` [ZMQ_METADATA].
   * Values read back as bytes.
   */
  metadata: Readonly<Record<string, Uint8Array | string>> | null;
  /**
   * Remember the peer of every message received from now on, so that `propertiesOf` answers for
   * any of them while the application holds it (one WeakMap entry per message). Off (the
   * default), nothing is recorded and `propertiesOf` throws EINVAL.
   */
  receiveProperties: boolean;
}
