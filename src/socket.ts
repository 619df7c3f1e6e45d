/**
 * The Socket base: the public API every socket type shares (bind/connect,
 * send/receive with their waiting queues and timeouts, async iteration, Web
 * Streams, monitor events, close with linger). Endpoints and connections live
 * in the session (`session.ts`), the options in `socket-options.ts`, and each
 * socket type supplies only its routing rules (`socket-rules.ts`).
 *
 * @module
 */
import { closedError, ZmqError } from "./errors.ts";
import { emitEvent, SocketEvents } from "./events.ts";
import { type Message, type MessageLike, toFrame, toMessage } from "./message.ts";
import { type Context, context as defaultContext, joinContext, socketDefaults } from "./context.ts";
import { defineOptions, initialOptions, watchOptions } from "./options.ts";
import { Session } from "./session.ts";
import { type ConnectOptions, SOCKET_OPTIONS, type SocketOptions } from "./socket-options.ts";
import type { SocketCore, SocketRules } from "./socket-rules.ts";
import { type SocketType, socketTypeInfo } from "./zmtp/socket-type.ts";

export {
  type ConflateOptions,
  type ConnectOptions,
  offerConflate,
  offerPeerMessages,
  type PeerMessageOptions,
  type SocketOptions,
} from "./socket-options.ts";

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

/** Until a socket type installs its rules: a socket that takes no peer. */
const NO_RULES: SocketRules = { attach: () => false, detach: () => {} };

/**
 * @internal
 * Installs a socket type's routing rules; each socket type's constructor calls it once,
 * right after `super()`, and keeps what it returns for its own public methods.
 */
export let useRules: <R extends SocketRules>(socket: Socket, make: (core: SocketCore) => R) => R;
/** @internal Resolves when `close()` is called on `socket` (a proxy stops forwarding then). */
export let whenClosed: (socket: Socket) => Promise<void>;
/** @internal Whether `socket` is open and bound or connected somewhere. */
export let inUse: (socket: Socket) => boolean;
/**
 * @internal libzmq's ZMQ_EVENTS POLLIN: whether `receive()` would resolve at once. The message
 * is taken now and kept for that `receive()`, so the answer stays true until then.
 */
export let canReceive: (socket: Socket) => boolean;
/** @internal libzmq's ZMQ_EVENTS POLLOUT: whether `send()` would most likely queue a message at once. */
export let canSend: (socket: Socket) => boolean;
/** @internal How many `send()` calls wait for room, and how many `receive()` calls for a message. */
export let pendingCalls: (socket: Socket) => { readonly sends: number; readonly receives: number };

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
  /**
   * When a connected endpoint stops reconnecting, as libzmq's bits [ZMQ_RECONNECT_STOP]: 1, a tcp
   * connection is refused (the endpoint is then dropped, with what was queued for it); 2, a
   * connection fails its handshake (likewise); 4, an ipc connection is refused after this socket's
   * `disconnect()` was called. 0 (the default): always reconnect.
   */
  declare reconnectStop: number;
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
  /** Keepalive probes before dropping [ZMQ_TCP_KEEPALIVE_CNT]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  declare tcpKeepaliveCount: number;
  /** Seconds between keepalive probes [ZMQ_TCP_KEEPALIVE_INTVL]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
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
  /**
   * IPv6 on tcp endpoints [ZMQ_IPV6]. Off, as libzmq's default: `tcp://*` binds every IPv4
   * address and host names resolve to IPv4 addresses; an IPv6 address written out (`tcp://[::1]:p`)
   * is used as given either way (libzmq would refuse it). On: `*` is dual-stack and host names
   * resolve to either family. Read when an endpoint is bound or connected (each reconnect resolves again).
   */
  declare ipv6: boolean;
  /**
   * Whether the socket's endpoints keep the process (or worker) alive (default true, as a node:net
   * server does): its listeners, connections and reconnect, handshake and heartbeat timers. False:
   * they are unreferenced, so an idle socket lets the process end, as zeromq.js's do (`omq/zeromq`
   * sets it). Read when an endpoint is bound or connected; the Context's `holdsProcess` is the default.
   */
  declare holdsProcess: boolean;
  /**
   * Connections the kernel queues for a listener before they are accepted [ZMQ_BACKLOG]; Node's
   * listeners take it, Deno's and Bun's own have no such setting (the OS default applies there).
   */
  declare backlog: number;
  /**
   * The peers a tcp listener accepts: addresses (`"10.0.0.7"`) or networks (`"10.0.0.0/8"`,
   * `"fd00::/8"`), one or a list; a connection from anywhere else is closed at once, with an
   * `accept:error` event. null (the default) accepts everyone [ZMQ_TCP_ACCEPT_FILTER]. Read
   * back as a list.
   */
  declare tcpAcceptFilter: string | readonly string[] | null;
  /**
   * A SOCKS5 proxy ("host:port") that tcp connections go through; the proxy resolves the
   * endpoint's host [ZMQ_SOCKS_PROXY]. null: connect directly.
   */
  declare socksProxy: string | null;
  /** The user name for the SOCKS5 proxy (RFC 1929); set, it is the only method offered [ZMQ_SOCKS_USERNAME]. */
  declare socksUsername: Uint8Array | string | null;
  /** The password for the SOCKS5 proxy [ZMQ_SOCKS_PASSWORD]. */
  declare socksPassword: Uint8Array | string | null;
  /**
   * IP type of service of tcp connections [ZMQ_TOS]. Like the options that refer here, it is
   * accepted and read back but cannot take effect: Node, Deno and Bun give a program no way to set
   * it on a tcp socket. Setting any of them to another value than its default warns once per process.
   */
  declare typeOfService: number;
  /** Socket priority (SO_PRIORITY) [ZMQ_PRIORITY]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  declare priority: number;
  /** The network device to bind connections to (SO_BINDTODEVICE) [ZMQ_BINDTODEVICE]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  declare interface: Uint8Array | string | null;
  /** Kernel send buffer in bytes, -1 the OS default [ZMQ_SNDBUF]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  declare sendBufferSize: number;
  /** Kernel receive buffer in bytes, -1 the OS default [ZMQ_RCVBUF]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  declare receiveBufferSize: number;
  /** Maximum TCP retransmit timeout in ms [ZMQ_TCP_MAXRT]. Cannot take effect: see {@linkcode Socket.typeOfService}. */
  declare tcpMaxRetransmitTimeout: number;
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
  /**
   * libzmq's strict ZAP rule [ZMQ_ZAP_ENFORCE_DOMAIN]: a NULL or CURVE server with a `zapDomain` fails
   * every handshake while no ZAP handler is bound (instead of letting everyone in), and a CURVE
   * server without a domain does not ask the handler at all.
   */
  declare zapEnforceDomain: boolean;
  /**
   * The application's own properties, sent to every peer in the handshake's READY (or INITIATE)
   * after ZMTP's: names start with "X-", e.g. `{ "X-Service": "billing" }` [ZMQ_METADATA].
   * Values read back as bytes.
   */
  declare metadata: Readonly<Record<string, Uint8Array | string>> | null;

  /** The ZMTP socket type name, e.g. "PUSH". */
  readonly socketType: SocketType;
  /** The context this socket's inproc endpoints live in. */
  readonly context: Context;

  #options: Record<string, unknown>;
  #rules: SocketRules = NO_RULES;
  #send: (message: Message) => boolean = this.#unsupported("send");
  #receive: () => Message | undefined = this.#unsupported("receive");
  #session: Session;
  #events = new SocketEvents();
  #closed = false;
  #closing: Promise<void> | null = null;
  #receivers: PendingReceive[] = [];
  /** A message `canReceive` took: the next receive returns it. */
  #ready: Message | undefined = undefined;
  #senders: PendingSend[] = [];
  #readable: ReadableStream<Message> | null = null;
  #writable: WritableStream<MessageLike> | null = null;
  #markClosed!: () => void;
  #leaveContext: () => void;
  #whenClosed: Promise<void> = new Promise((resolve) => (this.#markClosed = resolve));

  static {
    useRules = (socket, make) => {
      const rules = make({ wakeReceivers: () => socket.#deliver() });
      socket.#rules = rules;
      if (rules.send) socket.#send = rules.send.bind(rules);
      if (rules.receive) socket.#receive = rules.receive.bind(rules);
      return rules;
    };
    whenClosed = (socket) => socket.#whenClosed;
    inUse = (socket) => !socket.#closed && socket.#session.inUse;
    canReceive = (socket) => {
      if (socket.#closed) return false;
      if (socket.#ready !== undefined) return true;
      if (socket.#receivers.length > 0) return false;
      try {
        socket.#ready = socket.#receive();
      } catch {
        return false; // a receive the socket type forbids now (REQ before its request)
      }
      return socket.#ready !== undefined;
    };
    canSend = (socket) => {
      if (socket.#closed || socket.#senders.length > 0) return false;
      const rules = socket.#rules;
      return rules.canSend ? rules.canSend() : socketTypeInfo(socket.socketType).sends;
    };
    pendingCalls = (socket) => ({ sends: socket.#senders.length, receives: socket.#receivers.length });
  }

  /** Socket types call this with their ZMTP type name, then install their routing rules. */
  protected constructor(socketType: SocketType, options?: SocketOptions) {
    this.socketType = socketType;
    const { context, ...rest } = options ?? {};
    this.context = context ?? defaultContext;
    this.#options = initialOptions(this, { ...socketDefaults(this.context), ...rest });
    this.#session = new Session({
      socketType,
      context: this.context,
      emit: (event) => emitEvent(this.#events, event),
      options: this.#options,
      rules: () => this.#rules,
      closed: () => this.#closed,
      writable: () => this.#retrySends(),
      readable: () => this.#deliver(),
    });
    watchOptions(this, (name) => this.#session.optionChanged(name));
    this.#leaveContext = joinContext(this.context, this);
  }

  #unsupported(what: string): () => never {
    return () => {
      throw new ZmqError("ENOTSUP", `${what} is not supported by ${this.socketType} sockets`);
    };
  }

  /** The endpoint of the last successful bind, with the port the OS chose for `:*`. */
  get lastEndpoint(): string | null {
    return this.#session.lastEndpoint;
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
    const o = this.#options;
    // The rule of security.ts, without building a mechanism.
    if (o.curveServer || o.curveServerKey !== null) return "curve";
    if (o.plainServer || o.plainUsername !== null || o.plainPassword !== null) return "plain";
    return null;
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
  bind(endpoint: string): Promise<void> {
    if (this.#closed) return Promise.reject(closedError(`bind ${endpoint}`));
    return this.#session.bind(endpoint);
  }

  /**
   * Stops listening on an endpoint given to `bind` (or its `lastEndpoint` form), and ends
   * the connections accepted on it (after up to `linger` ms for what is queued to them), as
   * libzmq does.
   *
   * @example
   * ```ts
   * await pull.bind("tcp://127.0.0.1:5555");
   * await pull.unbind("tcp://127.0.0.1:5555");
   * ```
   */
  unbind(endpoint: string): Promise<void> {
    if (this.#closed) return Promise.reject(closedError(`unbind ${endpoint}`));
    return this.#session.unbind(endpoint);
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
    this.#session.connect(endpoint, options?.routingId === undefined ? null : toFrame(options.routingId));
  }

  /** Stops connecting to an endpoint given to `connect` and drops its connection. */
  disconnect(endpoint: string): void {
    if (this.#closed) throw closedError(`disconnect ${endpoint}`);
    this.#session.disconnect(endpoint);
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
      if (this.#senders.length === 0 && this.#send(frames)) return RESOLVED;
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
      const ready = this.#ready;
      if (ready !== undefined) {
        this.#ready = undefined;
        return Promise.resolve(ready);
      }
      try {
        const message = this.#receive();
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

  /** Resolves waiting receivers while messages are ready. */
  #deliver(): void {
    const receivers = this.#receivers;
    while (receivers.length > 0) {
      let message = this.#ready;
      if (message !== undefined) this.#ready = undefined;
      else {
        try {
          message = this.#receive();
        } catch (err) {
          const r = receivers.shift()!;
          clearTimeout(r.timer);
          r.reject(err as Error);
          continue;
        }
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
        if (!this.#send(s.message)) return;
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
    await this.#session.closeBindings();
    await this.#session.close(this.linger);
    this.#leaveContext();
    emitEvent(this.#events, { type: "end" });
  }
}

defineOptions(Socket, SOCKET_OPTIONS);
