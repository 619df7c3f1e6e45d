/**
 * The Socket base: options, bind/connect bookkeeping, send/receive with
 * high-water marks and timeouts, async iteration, Web Streams, monitor events
 * and close with linger. Socket types supply only their routing rules.
 *
 * @module
 */
import { runtime } from "../transports/runtime/mod.ts";
import type { Listener } from "../transports/runtime/types.ts";
import { type Endpoint, formatEndpoint, parseEndpoint } from "../transports/endpoint.ts";
import { connectWs, listenWs } from "../transports/ws/listen.ts";
import type { WsListener } from "../transports/ws/types.ts";
import { closedError, type ErrorCode, ZmqError } from "./errors.ts";
import { type SocketEvent, SocketEvents } from "./events.ts";
import { type FrameLike, type Message, type MessageLike, toFrame, toMessage } from "./message.ts";
import { Peer } from "./peer.ts";
import { type Connection, createEngine, type EngineEnd, type TransportConnection } from "./engine/mod.ts";
import { Dialer } from "./dialer.ts";
import { type Context, context as defaultContext } from "./context.ts";
import { defineOptions, initialOptions } from "./options.ts";
import { compatible, type SocketType, socketTypeInfo } from "./zmtp/socket-type.ts";
import { type Metadata, metadataText } from "./zmtp/command.ts";
import { NullMechanism } from "./zmtp/mechanisms/null.ts";
import { PlainClient, PlainServer } from "./zmtp/mechanisms/plain.ts";
import { CurveClient, CurveServer } from "./zmtp/mechanisms/curve.ts";
import { keyBytes } from "./curve-keys.ts";
import { zapAddress, zapFor } from "./zap.ts";
import type { Mechanism } from "./zmtp/mechanism.ts";

/** Options every socket takes, as properties and in its constructor. */
export interface SocketOptions {
  /** The context whose inproc namespace the socket uses (default: the shared `context`). */
  context?: Context;
  /** See {@linkcode Socket.sendHighWaterMark}. */
  sendHighWaterMark?: number;
  /** See {@linkcode Socket.receiveHighWaterMark}. */
  receiveHighWaterMark?: number;
  /** See {@linkcode Socket.sendTimeout}. */
  sendTimeout?: number;
  /** See {@linkcode Socket.receiveTimeout}. */
  receiveTimeout?: number;
  /** See {@linkcode Socket.linger}. */
  linger?: number;
  /** See {@linkcode Socket.reconnectInterval}. */
  reconnectInterval?: number;
  /** See {@linkcode Socket.reconnectMaxInterval}. */
  reconnectMaxInterval?: number;
  /** See {@linkcode Socket.connectTimeout}. */
  connectTimeout?: number;
  /** See {@linkcode Socket.handshakeInterval}. */
  handshakeInterval?: number;
  /** See {@linkcode Socket.heartbeatInterval}. */
  heartbeatInterval?: number;
  /** See {@linkcode Socket.heartbeatTimeout}. */
  heartbeatTimeout?: number;
  /** See {@linkcode Socket.heartbeatTimeToLive}. */
  heartbeatTimeToLive?: number;
  /** See {@linkcode Socket.tcpKeepalive}. */
  tcpKeepalive?: number;
  /** See {@linkcode Socket.tcpKeepaliveIdle}. */
  tcpKeepaliveIdle?: number;
  /** See {@linkcode Socket.tcpKeepaliveCount}. */
  tcpKeepaliveCount?: number;
  /** See {@linkcode Socket.tcpKeepaliveInterval}. */
  tcpKeepaliveInterval?: number;
  /** See {@linkcode Socket.immediate}. */
  immediate?: boolean;
  /** See {@linkcode Socket.maxMessageSize}. */
  maxMessageSize?: number;
  /** See {@linkcode Socket.routingId}. */
  routingId?: string | Uint8Array | null;
  /** See {@linkcode Socket.ipv6}. */
  ipv6?: boolean;
  /** See {@linkcode Socket.plainServer}. */
  plainServer?: boolean;
  /** See {@linkcode Socket.plainUsername}. */
  plainUsername?: string | Uint8Array | null;
  /** See {@linkcode Socket.plainPassword}. */
  plainPassword?: string | Uint8Array | null;
  /** See {@linkcode Socket.curveServer}. */
  curveServer?: boolean;
  /** See {@linkcode Socket.curvePublicKey}. */
  curvePublicKey?: string | Uint8Array | null;
  /** See {@linkcode Socket.curveSecretKey}. */
  curveSecretKey?: string | Uint8Array | null;
  /** See {@linkcode Socket.curveServerKey}. */
  curveServerKey?: string | Uint8Array | null;
  /** See {@linkcode Socket.zapDomain}. */
  zapDomain?: string | Uint8Array | null;
}

/** Options of `connect` (ROUTER and STREAM name the peer they connect to). */
export interface ConnectOptions {
  /** The routing id this socket will know the connected peer by [ZMQ_CONNECT_ROUTING_ID]. */
  routingId?: FrameLike;
}

const RESOLVED: Promise<void> = Promise.resolve();

// Shared by every iteration step rather than created per message.
const nextResult = (value: Message): IteratorResult<Message> => ({ value, done: false });
const endOnTerm = (err: unknown): IteratorResult<Message> => {
  if ((err as ZmqError).code === "ETERM") return { value: undefined, done: true };
  throw err;
};

interface PendingReceive {
  resolve(message: Message): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface PendingSend {
  message: Message;
  resolve(): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Binding {
  readonly endpoint: string;
  readonly listener: Listener | WsListener | null;
  readonly inproc: string | null;
}

const ERROR_CODES = new Set<string>([
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "EACCES",
  "ENOENT",
  "EINVAL",
  "EPROTONOSUPPORT",
]);

/** A transport error turned into a `ZmqError` that names the endpoint. */
function transportError(what: string, endpoint: string, err: unknown): ZmqError {
  const code = (err as { code?: string })?.code;
  const message = (err as Error)?.message ?? String(err);
  return new ZmqError(
    code && ERROR_CODES.has(code) ? code as ErrorCode : "EINVAL",
    `${what} ${endpoint}: ${message}`,
    { address: endpoint, cause: err },
  );
}

/**
 * The base of every socket type: a ZeroMQ socket that carries whole
 * multipart messages over tcp, ipc and inproc, to any number of peers.
 *
 * @example
 * ```ts
 * import { Pull, Push } from "omq";
 * await using pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * await using push = new Push();
 * push.connect(pull.lastEndpoint!);
 * await push.send(["hello", "world"]);
 * const [a, b] = await pull.receive();
 * ```
 */
export abstract class Socket implements AsyncIterable<Message>, AsyncDisposable {
  /** Most messages queued towards one peer; `send` waits beyond it [ZMQ_SNDHWM]. 0: no limit. */
  declare sendHighWaterMark: number;
  /** Most messages queued from one peer before reading from it pauses [ZMQ_RCVHWM]. 0: no limit. */
  declare receiveHighWaterMark: number;
  /** Milliseconds `send` may wait for room; -1 forever, 0 fails at once with EAGAIN [ZMQ_SNDTIMEO]. */
  declare sendTimeout: number;
  /** Milliseconds `receive` may wait; -1 forever, 0 fails at once with EAGAIN [ZMQ_RCVTIMEO]. */
  declare receiveTimeout: number;
  /** Milliseconds `close` waits for queued messages to be written; -1 forever, 0 drops them [ZMQ_LINGER]. */
  declare linger: number;
  /** Milliseconds before reconnecting; -1 never reconnects [ZMQ_RECONNECT_IVL]. */
  declare reconnectInterval: number;
  /** Upper bound of the doubling reconnect interval; 0 keeps it constant [ZMQ_RECONNECT_IVL_MAX]. */
  declare reconnectMaxInterval: number;
  /** Milliseconds a connection attempt may take; 0 leaves it to the OS [ZMQ_CONNECT_TIMEOUT]. */
  declare connectTimeout: number;
  /** Milliseconds the ZMTP handshake may take; 0 no limit [ZMQ_HANDSHAKE_IVL]. */
  declare handshakeInterval: number;
  /** Milliseconds between ZMTP PINGs on each connection; 0 sends none [ZMQ_HEARTBEAT_IVL]. */
  declare heartbeatInterval: number;
  /** Milliseconds of silence after which a connection is dropped (and a connected one retried); -1: the interval [ZMQ_HEARTBEAT_TIMEOUT]. */
  declare heartbeatTimeout: number;
  /** Milliseconds a peer should wait for our traffic before dropping us, sent in our PINGs (resolution 100 ms) [ZMQ_HEARTBEAT_TTL]. */
  declare heartbeatTimeToLive: number;
  /** TCP keepalive: -1 leaves the OS default, 0 off, 1 on [ZMQ_TCP_KEEPALIVE]. */
  declare tcpKeepalive: number;
  /** Seconds idle before the first keepalive probe; -1 the OS default (Node and Bun; Deno cannot set it) [ZMQ_TCP_KEEPALIVE_IDLE]. */
  declare tcpKeepaliveIdle: number;
  /** Accepted for zeromq.js compatibility; no runtime here lets it be set (the OS default applies) [ZMQ_TCP_KEEPALIVE_CNT]. */
  declare tcpKeepaliveCount: number;
  /** Accepted for zeromq.js compatibility; no runtime here lets it be set (the OS default applies) [ZMQ_TCP_KEEPALIVE_INTVL]. */
  declare tcpKeepaliveInterval: number;
  /** Queue messages only on completed connections [ZMQ_IMMEDIATE]. */
  declare immediate: boolean;
  /** Largest frame accepted from a peer in bytes, -1 no limit; a bigger one drops that connection [ZMQ_MAXMSGSIZE]. */
  declare maxMessageSize: number;
  /**
   * The identity announced to peers (REQ, DEALER, ROUTER), up to 255 bytes [ZMQ_ROUTING_ID].
   * Set as a string or bytes; always read back as bytes.
   */
  declare routingId: Uint8Array | string | null;
  /** Accepted for zeromq.js compatibility; IPv6 works whenever an IPv6 address is given [ZMQ_IPV6]. */
  declare ipv6: boolean;
  /** Be the PLAIN server (RFC 24): clients' credentials go to the ZAP handler, without one all are refused [ZMQ_PLAIN_SERVER]. */
  declare plainServer: boolean;
  /** PLAIN client user name; setting it makes connections use PLAIN [ZMQ_PLAIN_USERNAME]. Read back as bytes. */
  declare plainUsername: Uint8Array | string | null;
  /** PLAIN client password [ZMQ_PLAIN_PASSWORD]. Read back as bytes. */
  declare plainPassword: Uint8Array | string | null;
  /** Be the CURVE server (RFC 26); needs `curveSecretKey` [ZMQ_CURVE_SERVER]. */
  declare curveServer: boolean;
  /** This socket's long-term CURVE public key (client side), Z85 or 32 bytes; read back as Z85 [ZMQ_CURVE_PUBLICKEY]. */
  declare curvePublicKey: string | Uint8Array | null;
  /** This socket's long-term CURVE secret key, Z85 or 32 bytes; read back as Z85 [ZMQ_CURVE_SECRETKEY]. */
  declare curveSecretKey: string | Uint8Array | null;
  /** The server's long-term public key; setting it makes connections CURVE clients [ZMQ_CURVE_SERVERKEY]. */
  declare curveServerKey: string | Uint8Array | null;
  /** The ZAP domain sent with each authentication request (RFC 27) [ZMQ_ZAP_DOMAIN]. Read back as bytes. */
  declare zapDomain: Uint8Array | string | null;

  /** The ZMTP socket type name, e.g. "PUSH". */
  readonly socketType: SocketType;
  /** The context this socket's inproc endpoints live in. */
  readonly context: Context;
  /** Option values by name; use the typed properties instead. */
  readonly options: Record<string, unknown>;

  #events = new SocketEvents();
  #closed = false;
  #closing: Promise<void> | null = null;
  #lastEndpoint: string | null = null;
  #bindings = new Map<string, Binding>();
  #dialers = new Map<string, { dialer: Dialer | null; peer: Peer | null; inproc: string | null }>();
  #engines = new Set<Connection>();
  #peers = new Set<Peer>();
  #receivers: PendingReceive[] = [];
  #senders: PendingSend[] = [];
  #readable: ReadableStream<Message> | null = null;
  #writable: WritableStream<MessageLike> | null = null;
  #onWritable = (): void => this.#retrySends();
  #handshakeWaiters: (() => void)[] = [];
  #assignedIds = new Map<string, Uint8Array | null>();
  #markClosed!: () => void;
  /** @internal Resolves when `close()` is called (a proxy stops forwarding then). */
  readonly whenClosed: Promise<void> = new Promise((resolve) => (this.#markClosed = resolve));

  /** Socket types call this with their ZMTP type name. */
  protected constructor(socketType: SocketType, options?: SocketOptions) {
    this.socketType = socketType;
    const { context, ...rest } = options ?? {};
    this.context = context ?? defaultContext;
    this.options = initialOptions(this, { ...this.context.socketDefaults(), ...rest });
  }

  // --- routing rules, supplied by each socket type ---

  /**

   * Starts routing to and from a new peer; returns false to refuse it (PAIR takes one).

   * @ignore

   */
  protected abstract attachPeer(peer: Peer): boolean;
  /**
   * Stops sending to a peer that is gone (fair queues drop it once drained, themselves).
   * @ignore
   */
  protected abstract detachPeer(peer: Peer): void;
  /**
   * Routes one outgoing message; false when it must wait for room. Throws for a forbidden send.
   * @ignore
   */
  protected sendMessage(_message: Message): boolean {
    throw new ZmqError("ENOTSUP", `send is not supported by ${this.socketType} sockets`);
  }
  /**
   * The next incoming message, if one is ready. Throws for a forbidden receive.
   * @ignore
   */
  protected receiveMessage(): Message | undefined {
    throw new ZmqError("ENOTSUP", `receive is not supported by ${this.socketType} sockets`);
  }
  /**
   * A peer's inbound pipe has new messages (or ended). Publishers override this to read subscriptions.
   * @ignore
   */
  protected peerReadable(_peer: Peer): void {
    this.#deliver();
  }

  /**
   * A connection's handshake completed for `peer` (its `socketType` and
   * `announcedId` are set). `reconnected` is true when the peer existed before
   * (a connected endpoint came back): SUB resends its subscriptions here, as
   * libzmq does on a pipe "hiccup".
   * @ignore
   */
  protected peerHandshake(_peer: Peer, _reconnected: boolean): void {}

  /**
   * Whether a peer announcing `socketType` may talk to this socket (RFC 37 table; STREAM has no ZMTP peer).
   * @ignore
   */
  protected compatibleWith(socketType: string): boolean {
    return compatible(this.socketType, socketType);
  }

  /**
   * Whether queues keep only the newest message; types offering `conflate` override it.
   * @ignore
   */
  protected get conflating(): boolean {
    return false;
  }

  /** Called after an option property was set. */
  optionChanged(_name: string): void {}

  // --- public API ---

  /** The endpoint of the last successful bind, with the port the OS chose for `:*`. */
  get lastEndpoint(): string | null {
    return this.#lastEndpoint;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The security mechanism the options select [ZMQ_MECHANISM], as zeromq.js
   * names it: null (NULL), `"plain"` or `"curve"`.
   *
   * @example
   * ```ts
   * const rep = new Reply({ plainServer: true });
   * rep.securityMechanism; // "plain"
   * ```
   */
  get securityMechanism(): null | "plain" | "curve" {
    const name = this.#mechanismName();
    return name === "NULL" ? null : name === "PLAIN" ? "plain" : "curve";
  }

  /**
   * Monitor events, read with `for await`/`receive()` or dispatched to listeners
   * added with `on()` (zeromq.js's two ways; they exclude each other).
   *
   * @example
   * ```ts
   * for await (const e of sock.events) console.log(e.type, e.address);
   * // or: sock.events.on("disconnect", (e) => console.log("lost", e.address));
   * ```
   */
  get events(): SocketEvents {
    return this.#events;
  }

  /**
   * Listens on an endpoint; resolves once listening.
   *
   * @example
   * ```ts
   * await pull.bind("tcp://127.0.0.1:*");
   * console.log(pull.lastEndpoint); // tcp://127.0.0.1:40731
   * ```
   */
  async bind(endpoint: string): Promise<void> {
    if (this.#closed) throw closedError(`bind ${endpoint}`);
    const ep = parseEndpoint(endpoint, true);
    if (ep.transport === "inproc") {
      this.context.bindInproc(ep.name, this);
      this.#addBinding(endpoint, { endpoint, listener: null, inproc: ep.name });
      return;
    }
    let listener: Listener | WsListener;
    let resolved = "";
    const accept = (conn: TransportConnection) => this.#accept(conn, resolved);
    // A failed accept (EMFILE, ...) costs that one connection; the listener keeps going.
    const acceptError = (err: Error) => this.#events.emit({ type: "accept:error", address: resolved, error: err });
    try {
      listener = await this.#listen(ep, accept, acceptError);
    } catch (err) {
      const error = transportError("bind", endpoint, err);
      this.#events.emit({ type: "bind:error", address: endpoint, error });
      throw error;
    }
    resolved = formatEndpoint(ep, listener.address);
    if (this.#closed) {
      await listener.close();
      throw closedError(`bind ${endpoint}`);
    }
    this.#addBinding(endpoint, { endpoint: resolved, listener, inproc: null });
  }

  /**
   * Stops listening on an endpoint given to `bind` (or its `lastEndpoint` form).
   * Connections already accepted stay.
   */
  async unbind(endpoint: string): Promise<void> {
    if (this.#closed) throw closedError(`unbind ${endpoint}`);
    const binding = this.#bindings.get(endpoint);
    if (!binding) parseEndpoint(endpoint, true); // a malformed endpoint is EINVAL, as libzmq, not "not bound"
    if (!binding) throw new ZmqError("ENOENT", `unbind ${endpoint}: not bound`);
    for (const [key, b] of this.#bindings) if (b === binding) this.#bindings.delete(key);
    await this.#closeBinding(binding);
  }

  /**
   * Connects to an endpoint in the background; returns at once. Reconnects
   * whenever the connection drops. Connecting before the peer binds is fine.
   *
   * @example
   * ```ts
   * push.connect("tcp://127.0.0.1:5555");
   * await push.send("queued until connected");
   * ```
   */
  connect(endpoint: string, options?: ConnectOptions): void {
    if (this.#closed) throw closedError(`connect ${endpoint}`);
    const ep = parseEndpoint(endpoint, false);
    if (this.#dialers.has(endpoint)) return;
    const assignedId = options?.routingId === undefined ? null : toFrame(options.routingId);
    // As libzmq's ZMQ_CONNECT_ROUTING_ID, which refuses an empty one.
    if (assignedId?.byteLength === 0) throw new RangeError(`connect ${endpoint}: option routingId must not be empty`);
    if (ep.transport === "inproc") {
      const peer = this.context.connectInproc(ep.name, this, assignedId);
      this.#dialers.set(endpoint, { dialer: null, peer, inproc: ep.name });
      return;
    }
    // As libzmq without `immediate`: the peer (and its queue) exists from now on, so sends are queued.
    const peer = this.immediate ? null : this.#newPeer(endpoint, assignedId);
    if (peer && !this.#attach(peer)) throw new ZmqError("EINVAL", `connect ${endpoint}: socket refuses more peers`);
    this.#assignedIds.set(endpoint, assignedId);
    const dialer = new Dialer(endpoint, ep.address, {
      connect: (address) =>
        address.kind === "ws" ? connectWs(address, this.#mechanismName()) : runtime.connect(address),
      start: (conn, d) => this.#startEngine(conn, endpoint, d),
      reconnectInterval: () => this.reconnectInterval,
      reconnectMaxInterval: () => this.reconnectMaxInterval,
      connectTimeout: () => this.connectTimeout,
      emit: (event) => this.#events.emit(event),
    });
    this.#dialers.set(endpoint, { dialer, peer, inproc: null });
    dialer.start();
  }

  /** Stops connecting to an endpoint given to `connect` and drops its connection. */
  disconnect(endpoint: string): void {
    if (this.#closed) throw closedError(`disconnect ${endpoint}`);
    const entry = this.#dialers.get(endpoint);
    if (!entry) parseEndpoint(endpoint, false); // a malformed endpoint is EINVAL, as libzmq, not "not connected"
    if (!entry) throw new ZmqError("ENOENT", `disconnect ${endpoint}: not connected`);
    this.#dialers.delete(endpoint);
    entry.dialer?.stop();
    for (const engine of this.#engines) if (this.#engineDialer.get(engine) === entry.dialer) engine.close();
    if (entry.peer) {
      if (entry.inproc !== null) this.context.cancelPending(entry.peer);
      this.#detach(entry.peer, true);
    }
  }

  /**
   * Queues a message (one frame or an array of frames) for sending. Resolves
   * at once while there is room below the send high-water mark; otherwise
   * waits (up to `sendTimeout`, then rejects with EAGAIN).
   */
  send(message: MessageLike): Promise<void> {
    if (this.#closed) return Promise.reject(closedError("send"));
    let frames: Message;
    try {
      frames = toMessage(message);
      if (this.#senders.length === 0 && this.sendMessage(frames)) return RESOLVED;
    } catch (err) {
      return Promise.reject(err);
    }
    const timeout = this.sendTimeout;
    if (timeout === 0) return Promise.reject(new ZmqError("EAGAIN", `send: no peer has room (${this.socketType})`));
    return new Promise<void>((resolve, reject) => {
      const pending: PendingSend = { message: frames, resolve, reject, timer: undefined };
      if (timeout > 0) {
        pending.timer = setTimeout(() => {
          this.#senders.splice(this.#senders.indexOf(pending), 1);
          reject(new ZmqError("EAGAIN", `send: timed out after ${timeout} ms waiting for room`));
        }, timeout);
      }
      this.#senders.push(pending);
    });
  }

  /**
   * Resolves with the next whole message (up to `receiveTimeout`, then rejects with EAGAIN).
   * An aborted `signal` withdraws the call (it rejects with the signal's reason) and no
   * message is lost.
   *
   * @example
   * ```ts
   * const [frame] = await pull.receive({ signal: AbortSignal.timeout(1000) });
   * ```
   */
  receive(options?: { signal?: AbortSignal }): Promise<Message> {
    if (this.#closed) return Promise.reject(closedError("receive"));
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#receivers.length === 0) {
      try {
        const message = this.receiveMessage();
        if (message !== undefined) return Promise.resolve(message);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const timeout = this.receiveTimeout;
    if (timeout === 0) return Promise.reject(new ZmqError("EAGAIN", `receive: no message ready (${this.socketType})`));
    return new Promise<Message>((resolve, reject) => {
      // The common wait (no signal, no timeout) creates no closure beyond this one.
      const pending: PendingReceive = { resolve, reject, timer: undefined };
      if (timeout > 0) {
        pending.timer = setTimeout(() => {
          this.#withdraw(pending);
          pending.reject(new ZmqError("EAGAIN", `receive: timed out after ${timeout} ms`));
        }, timeout);
      }
      if (signal) {
        const onAbort = () => {
          this.#withdraw(pending);
          reject(signal.reason);
        };
        signal.addEventListener("abort", onAbort, { once: true });
        pending.resolve = (m) => {
          signal.removeEventListener("abort", onAbort);
          resolve(m);
        };
        pending.reject = (e) => {
          signal.removeEventListener("abort", onAbort);
          reject(e);
        };
      }
      this.#receivers.push(pending);
    });
  }

  /** Takes a waiting receive out of line (its signal or timeout ended it). */
  #withdraw(pending: PendingReceive): void {
    const at = this.#receivers.indexOf(pending);
    if (at >= 0) this.#receivers.splice(at, 1);
    clearTimeout(pending.timer);
  }

  /** `for await (const message of socket)`: ends when the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<Message> {
    return {
      next: () => this.receive().then(nextResult, endOnTerm),
      return: () => Promise.resolve({ value: undefined, done: true }),
    };
  }

  /** Incoming messages as a Web `ReadableStream` (pulls `receive()`; closes with the socket). */
  get readable(): ReadableStream<Message> {
    return this.#readable ??= new ReadableStream<Message>({
      pull: (controller) =>
        this.receive().then(
          (message) => controller.enqueue(message),
          (err) => ((err as ZmqError).code === "ETERM" ? controller.close() : controller.error(err)),
        ),
    }, { highWaterMark: 0 });
  }

  /** Outgoing messages as a Web `WritableStream` (each chunk goes through `send()`). */
  get writable(): WritableStream<MessageLike> {
    return this.#writable ??= new WritableStream<MessageLike>({ write: (message) => this.send(message) });
  }

  /**
   * Closes the socket: stops listening and connecting, waits up to `linger`
   * for queued messages to be written, then drops every connection. Pending
   * `receive`/`send` calls reject with ETERM.
   */
  close(): Promise<void> {
    return this.#closing ??= this.#close();
  }

  /** `await using sock = new Push()` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // --- InprocSocket ---

  /** @internal */
  inprocOptions(): {
    sendHighWaterMark: number;
    receiveHighWaterMark: number;
    routingId: Uint8Array | null;
    conflate: boolean;
  } {
    return {
      conflate: this.conflating,
      sendHighWaterMark: this.sendHighWaterMark,
      receiveHighWaterMark: this.receiveHighWaterMark,
      routingId: this.options.routingId as Uint8Array | null,
    };
  }

  /** @internal */
  inprocAttach(peer: Peer): void {
    if (this.#closed || (peer.socketType && !this.compatibleWith(peer.socketType))) {
      this.#terminateLink(peer);
      return;
    }
    if (!this.#attach(peer)) this.#terminateLink(peer);
  }

  // --- internals ---

  /**
   * The mechanism for a new connection. As in libzmq the role comes from the
   * options, not from bind/connect: `curveServer`, else `curveServerKey` (client),
   * else `plainServer`, else `plainUsername` (client), else NULL.
   * @ignore
   */
  protected createMechanism(_accepted: boolean, remoteAddress = ""): Mechanism {
    const metadata: [string, Uint8Array | string][] = [["Socket-Type", this.socketType]];
    if (socketTypeInfo(this.socketType).announcesIdentity) {
      metadata.push(["Identity", (this.options.routingId as Uint8Array | null) ?? new Uint8Array(0)]);
    }
    const o = this.options;
    const key = (name: string) => (o[name] === null ? null : keyBytes(o[name] as string, name));
    const zap = () =>
      zapFor(this.context, {
        domain: o.zapDomain as Uint8Array | null,
        address: zapAddress(remoteAddress),
        routingId: o.routingId as Uint8Array | null,
      });
    if (o.curveServer) return new CurveServer(metadata, key("curveSecretKey"), zap());
    if (o.curveServerKey !== null) {
      return new CurveClient(metadata, key("curveServerKey")!, key("curvePublicKey"), key("curveSecretKey"));
    }
    if (o.plainServer) return new PlainServer(metadata, zap());
    if (o.plainUsername !== null || o.plainPassword !== null) {
      const empty = new Uint8Array(0);
      return new PlainClient(
        metadata,
        (o.plainUsername as Uint8Array | null) ?? empty,
        (o.plainPassword as Uint8Array | null) ?? empty,
      );
    }
    // libzmq 4.3 (mechanism_base_t::zap_required): NULL asks ZAP only when a domain is set.
    return new NullMechanism(
      metadata,
      o.zapDomain !== null && (o.zapDomain as Uint8Array).byteLength > 0 ? zap() : null,
    );
  }

  #engineDialer = new WeakMap<Connection, Dialer>();

  /** The mechanism the options select, as `createMechanism` picks it: ws negotiates it before any engine exists. */
  #mechanismName(): string {
    const o = this.options;
    if (o.curveServer || o.curveServerKey !== null) return "CURVE";
    if (o.plainServer || o.plainUsername !== null || o.plainPassword !== null) return "PLAIN";
    return "NULL";
  }

  async #listen(
    ep: Endpoint,
    accept: (conn: TransportConnection) => void,
    acceptError: (err: Error) => void,
  ): Promise<Listener | WsListener> {
    if (ep.transport === "inproc") throw new Error("unreachable");
    if (ep.transport === "ws") return await listenWs(ep.address, ep.wildcardHost, () => this.#mechanismName(), accept);
    if (ep.transport === "ipc" && ep.address.path === "*") return await this.#listenIpcWildcard(accept, acceptError);
    try {
      return await runtime.listen(ep.address, accept, acceptError);
    } catch (err) {
      // "*" is "::" (dual-stack); a host without IPv6 gets 0.0.0.0 instead.
      if (ep.transport === "tcp" && ep.wildcardHost) {
        return await runtime.listen({ kind: "tcp", host: "0.0.0.0", port: ep.address.port }, accept, acceptError);
      }
      throw err;
    }
  }

  /** `ipc://*`: as libzmq, a socket file in a new temporary directory, removed with the binding. */
  async #listenIpcWildcard(
    accept: (conn: TransportConnection) => void,
    acceptError: (err: Error) => void,
  ): Promise<Listener> {
    if (!runtime.tempDir) throw new ZmqError("EPROTONOSUPPORT", "ipc://* needs a file system");
    const dir = await runtime.tempDir();
    try {
      const listener = await runtime.listen({ kind: "ipc", path: `${dir.path}/socket` }, accept, acceptError);
      return {
        address: listener.address,
        close: async () => {
          await listener.close();
          await dir.remove();
        },
      };
    } catch (err) {
      await dir.remove();
      throw err;
    }
  }

  #addBinding(given: string, binding: Binding): void {
    this.#bindings.set(given, binding);
    this.#bindings.set(binding.endpoint, binding);
    this.#lastEndpoint = binding.endpoint;
    this.#events.emit({ type: "bind", address: binding.endpoint });
  }

  async #closeBinding(binding: Binding): Promise<void> {
    if (binding.inproc !== null) this.context.unbindInproc(binding.inproc, this);
    try {
      await binding.listener?.close();
      this.#events.emit({ type: "close", address: binding.endpoint });
    } catch (err) {
      this.#events.emit({ type: "close:error", address: binding.endpoint, error: err as Error });
    }
  }

  #newPeer(endpoint: string, assignedId: Uint8Array | null = null): Peer {
    const peer = Peer.withPipes(this.sendHighWaterMark, this.receiveHighWaterMark, endpoint, this.conflating);
    peer.assignedId = assignedId;
    return peer;
  }

  #accept(conn: TransportConnection, endpoint: string): void {
    if (this.#closed) return conn.destroy();
    this.#events.emit({ type: "accept", address: endpoint });
    this.#startEngine(conn, endpoint, null);
  }

  #startEngine(conn: TransportConnection, endpoint: string, dialer: Dialer | null): void {
    let peer: Peer | null = null;
    if (this.tcpKeepalive >= 0 && endpoint.startsWith("tcp:") && "setKeepAlive" in conn) {
      conn.setKeepAlive(this.tcpKeepalive === 1, this.tcpKeepaliveIdle > 0 ? this.tcpKeepaliveIdle * 1000 : 0);
    }
    const mechanism = this.createMechanism(dialer === null, conn.remoteAddress);
    const engine = createEngine(conn, {
      mechanism,
      asServer: mechanism.asServer ?? dialer === null,
      maxMessageSize: this.maxMessageSize,
      handshakeInterval: this.handshakeInterval,
      socketType: this.socketType,
      heartbeatInterval: this.heartbeatInterval,
      heartbeatTimeout: this.heartbeatTimeout,
      heartbeatTimeToLive: this.heartbeatTimeToLive,
      defer: runtime.defer,
    }, {
      ready: (_engine, metadata) => {
        peer = this.#peerReady(metadata, endpoint, dialer);
        if (peer) {
          dialer?.established();
          this.#events.emit({ type: "handshake", address: endpoint });
          this.#wakeHandshakeWaiters();
        }
        return peer;
      },
      closed: (_engine, end) => this.#engineClosed(engine, end, endpoint, dialer, peer),
    });
    this.#engines.add(engine);
    if (dialer) this.#engineDialer.set(engine, dialer);
  }

  #peerReady(metadata: Metadata, endpoint: string, dialer: Dialer | null): Peer | null {
    const theirs = metadataText(metadata.get("socket-type")) ?? "";
    if (!this.compatibleWith(theirs)) {
      this.#events.emit({
        type: "handshake:error:protocol",
        address: endpoint,
        error: new ZmqError(
          "EPROTO",
          `${endpoint}: a ${theirs || "nameless"} peer cannot talk to a ${this.socketType} socket`,
        ),
      });
      return null;
    }
    const entry = dialer ? this.#dialers.get(dialer.endpoint) : undefined;
    let peer = entry?.peer ?? null;
    const fresh = peer === null;
    if (!peer) peer = this.#newPeer(endpoint, dialer ? this.#assignedIds.get(dialer.endpoint) ?? null : null);
    peer.socketType = theirs;
    const id = metadata.get("identity");
    peer.announcedId = id && id.byteLength > 0 ? id.slice() : null;
    if (fresh) {
      if (!this.#attach(peer)) return null;
      if (entry) entry.peer = peer;
    }
    this.peerHandshake(peer, !fresh);
    return peer;
  }

  #engineClosed(engine: Connection, end: EngineEnd, endpoint: string, dialer: Dialer | null, peer: Peer | null): void {
    this.#engines.delete(engine);
    if (end.handshake) {
      this.#events.emit({
        type: `handshake:error:${end.handshake}`,
        address: endpoint,
        error: end.error ?? new Error(`${endpoint}: connection closed during the handshake`),
      });
    }
    // Every connection that ends, handshake or not, as libzmq's engine reports it.
    this.#events.emit({ type: "disconnect", address: endpoint });
    const entry = dialer ? this.#dialers.get(dialer.endpoint) : undefined;
    if (peer && (!entry || this.immediate)) {
      // A bound endpoint's (or an immediate connection's) peer ends with its connection.
      this.#detach(peer, false);
      if (entry) entry.peer = null;
    }
    if (dialer && !this.#closed) dialer.lost();
  }

  #attach(peer: Peer): boolean {
    if (!this.attachPeer(peer)) return false;
    this.#peers.add(peer);
    peer.inbound.onReadable = () => this.peerReadable(peer);
    peer.outbound.onWritable = this.#onWritable;
    peer.onGone = () => this.#detach(peer, false);
    if (peer.inbound.size > 0) this.peerReadable(peer);
    this.#retrySends();
    return true;
  }

  /** Stops using a peer; what it already delivered can still be received. */
  #detach(peer: Peer, notifyLink: boolean): void {
    if (!this.#peers.delete(peer)) return;
    peer.detached = true;
    peer.onGone = null;
    peer.outbound.onWritable = null;
    if (peer.link) {
      // inproc: the other socket reads what we sent, then lets go.
      peer.outbound.end();
      if (notifyLink) peer.link.onGone?.();
    } else peer.outbound.clear();
    // The socket type first (STREAM queues a disconnect notice), then the end the fair queue waits for.
    this.detachPeer(peer);
    peer.inbound.end();
  }

  #terminateLink(peer: Peer): void {
    peer.outbound.end();
    peer.inbound.end();
    peer.link?.onGone?.();
  }

  /** Resolves waiting receivers while messages are ready. */
  #deliver(): void {
    const receivers = this.#receivers;
    while (receivers.length > 0) {
      let message: Message | undefined;
      try {
        message = this.receiveMessage();
      } catch (err) {
        const r = receivers.shift()!;
        clearTimeout(r.timer);
        r.reject(err as Error);
        continue;
      }
      if (message === undefined) return;
      const r = receivers.shift()!;
      if (r.timer !== undefined) clearTimeout(r.timer);
      r.resolve(message);
    }
  }

  /** Sends that waited for room, in order, while there is room. */
  #retrySends(): void {
    const senders = this.#senders;
    while (senders.length > 0) {
      const s = senders[0];
      try {
        if (!this.sendMessage(s.message)) return;
      } catch (err) {
        senders.shift();
        clearTimeout(s.timer);
        s.reject(err as Error);
        continue;
      }
      senders.shift();
      if (s.timer !== undefined) clearTimeout(s.timer);
      s.resolve();
    }
  }

  /**

   * Lets a socket type wake up waiting senders after its own state changed (REQ got its reply).

   * @ignore

   */
  protected wakeSenders(): void {
    this.#retrySends();
  }

  /**
   * Lets a socket type wake up waiting receivers after its own state changed.
   * @ignore
   */
  protected wakeReceivers(): void {
    this.#deliver();
  }

  /**

   * Emits a monitor event (for socket types with events of their own).

   * @ignore

   */
  protected emit(event: SocketEvent): void {
    this.#events.emit(event);
  }

  /** Resolves once every queued outgoing message has been handed to a connection. */
  async #drained(): Promise<void> {
    for (;;) {
      await Promise.all([...this.#engines].map((e) => e.whenFlushed()));
      const waiting = [...this.#dialers.values()].some((d) =>
        d.dialer && !d.dialer.stopped && d.peer && d.peer.outbound.size > 0
      );
      if (!waiting) return;
      await new Promise<void>((resolve) => this.#handshakeWaiters.push(resolve));
    }
  }

  /** Waits for `promise`, but not past `deadline` (ms since the epoch; Infinity for no limit). */
  async #within(promise: Promise<unknown>, deadline: number): Promise<void> {
    if (deadline === Infinity) {
      await promise;
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      promise,
      new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
  }

  #wakeHandshakeWaiters(): void {
    for (const w of this.#handshakeWaiters.splice(0)) w();
  }

  async #close(): Promise<void> {
    this.#closed = true;
    this.#markClosed();
    for (const r of this.#receivers.splice(0)) {
      clearTimeout(r.timer);
      r.reject(closedError("receive"));
    }
    for (const s of this.#senders.splice(0)) {
      clearTimeout(s.timer);
      s.reject(closedError("send"));
    }
    const bindings = new Set(this.#bindings.values());
    this.#bindings.clear();
    await Promise.all([...bindings].map((b) => this.#closeBinding(b)));
    const linger = this.linger;
    const deadline = linger > 0 ? Date.now() + linger : Infinity;
    if (linger !== 0) {
      // Dialers keep (re)connecting meanwhile, as libzmq's do, so messages queued for a peer
      // that is not connected yet still go out within the linger period.
      await this.#within(this.#drained(), deadline);
    }
    for (const [, entry] of this.#dialers) {
      entry.dialer?.stop();
      if (entry.inproc !== null && entry.peer) this.context.cancelPending(entry.peer);
    }
    this.#wakeHandshakeWaiters();
    const engines = [...this.#engines];
    for (const engine of engines) engine.close(linger !== 0);
    // A graceful close is done when the bytes are written, not when they are handed to the runtime.
    if (linger !== 0) await this.#within(Promise.all(engines.map((e) => e.gone)), deadline);
    for (const peer of [...this.#peers]) this.#detach(peer, true);
    this.#dialers.clear();
    this.#events.emit({ type: "end" });
  }
}

/** The option of the types that offer libzmq's ZMQ_CONFLATE: Push, Pull, Publisher, Subscriber, Dealer. */
export interface ConflateOptions {
  /** Every queue keeps only the newest message [ZMQ_CONFLATE]; for multipart messages, use it only where they are single frames. */
  conflate?: boolean;
}

/**
 * Gives a socket type libzmq's ZMQ_CONFLATE: a `conflate` option under which
 * every queue keeps only the newest message (PUSH, PULL, PUB, SUB, DEALER in libzmq).
 */
export function offerConflate(cls: { prototype: object }): void {
  defineOptions(cls, { conflate: { kind: "bool", default: false } });
  Object.defineProperty(cls.prototype, "conflating", {
    configurable: true,
    get(this: Socket): boolean {
      return this.options.conflate === true;
    },
  });
}

defineOptions(Socket, {
  sendHighWaterMark: { kind: "int", default: 1000, min: 0 },
  receiveHighWaterMark: { kind: "int", default: 1000, min: 0 },
  sendTimeout: { kind: "int", default: -1, min: -1 },
  receiveTimeout: { kind: "int", default: -1, min: -1 },
  linger: { kind: "int", default: -1, min: -1 },
  reconnectInterval: { kind: "int", default: 100, min: -1 },
  reconnectMaxInterval: { kind: "int", default: 0, min: 0 },
  connectTimeout: { kind: "int", default: 0, min: 0 },
  handshakeInterval: { kind: "int", default: 30_000, min: 0 },
  heartbeatInterval: { kind: "int", default: 0, min: 0 },
  heartbeatTimeout: { kind: "int", default: -1, min: -1 },
  heartbeatTimeToLive: { kind: "int", default: 0, min: 0, max: 6_553_500 },
  tcpKeepalive: { kind: "int", default: -1, min: -1, max: 1 },
  tcpKeepaliveIdle: { kind: "int", default: -1, min: -1 },
  tcpKeepaliveCount: { kind: "int", default: -1, min: -1 },
  tcpKeepaliveInterval: { kind: "int", default: -1, min: -1 },
  immediate: { kind: "bool", default: false },
  maxMessageSize: { kind: "int", default: -1, min: -1 },
  // 1 to 255 bytes, as libzmq's ZMQ_ROUTING_ID (null: none).
  routingId: { kind: "bytes", default: null, maxLength: 255, minLength: 1 },
  ipv6: { kind: "bool", default: false },
  plainServer: { kind: "bool", default: false },
  plainUsername: { kind: "bytes", default: null, maxLength: 255 },
  plainPassword: { kind: "bytes", default: null, maxLength: 255 },
  curveServer: { kind: "bool", default: false },
  curvePublicKey: { kind: "key", default: null },
  curveSecretKey: { kind: "key", default: null },
  curveServerKey: { kind: "key", default: null },
  zapDomain: { kind: "bytes", default: null, maxLength: 255 },
});
