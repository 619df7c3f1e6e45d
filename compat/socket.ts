/**
 * zeromq.js's `Socket` on an omq socket: the same methods, promises and
 * errors (EBADF once closed, EBUSY during a bind/unbind and for a second
 * pending receive or send, EAGAIN for a pending call cut short by `close()`),
 * `Buffer` frames, synchronous `close()`, `readable`/`writable` booleans,
 * zeromq.js's option properties and typed accessors, and its event-loop rule
 * (pending calls keep the process alive). Routing, queues and the wire are
 * omq's: this class only translates.
 *
 * @module
 */
import process from "node:process";
import type { Message as OmqMessage, Socket as OmqSocket } from "../mod.ts";
import { canReceive, canSend, pendingCalls } from "../src/socket.ts";
import { Context, context as defaultContext, countSocket, omqContextOf } from "./context.ts";
import { blockedError, closedError, errnoError, translate } from "./errors.ts";
import { Observer, setEventsLookup } from "./events.ts";
import { forgetSocket, trackSocket } from "./exit.ts";
import { type Message, toBuffers, toFrameLike, toFrames } from "./frames.ts";
import { hold, release } from "./keep-alive.ts";
import {
  assignOptions,
  defineOptionAccessors,
  optionByNumber,
  readOption,
  registerOptionHost,
  writeOption,
} from "./option-access.ts";
import {
  IMMEDIATE_IDS,
  type OptionDef,
  type OptionKind,
  SOCKET_OPTIONS,
  ZMQ_CONNECT_ROUTING_ID,
  ZMQ_METADATA,
  ZMQ_SUBSCRIBE,
  ZMQ_UNSUBSCRIBE,
  ZMQ_XPUB_VERBOSE,
  ZMQ_XPUB_VERBOSER,
} from "./options.ts";
import { omqClassOf, SOCKET_TYPES, type SocketType, type SocketTypeRow } from "./socket-types.ts";
import { nextTurn, onTurnEnd, operationTurn } from "./turns.ts";

const OPEN = 0;
const BLOCKED = 1;
const CLOSED = 2;

const MECHANISMS = [null, "plain", "curve", "gssapi"] as const;

/** zeromq.js delays the call after this many resolved at once in one turn (its max_sync_operations). */
const MAX_SYNC_OPERATIONS = 512;

/** @internal The omq socket behind a compat socket (the proxy and the v5 layer use it). */
export let omqSocketOf: (socket: Socket) => OmqSocket;
/** @internal True while a socket is open and bound or connected somewhere (zeromq.js's proxy requires it). */
export let isInUse: (socket: Socket) => boolean;
/** @internal Connects with a routing id for the peer (Router and Stream `connect(address, { routingId })`). */
export let connectWithId: (socket: Socket, address: string, routingId: unknown) => void;
/** @internal Binds (or unbinds) in the background without blocking the socket; the v5 layer reports the outcome. */
export let bindInBackground: (socket: Socket, address: string, unbind: boolean) => Promise<void>;
/** @internal zeromq.js's `send`, installed on the types that send (sockets.ts). */
export let sendOn: (socket: Socket, message: unknown, options: unknown[]) => Promise<void>;
/** @internal zeromq.js's `receive`, installed on the types that receive (sockets.ts). */
export let receiveOn: (socket: Socket) => Promise<unknown[]>;

/** A failure with no caller left to take it: thrown as an uncaught error, as zeromq.js's synchronous throw would be. */
function rethrow(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}

/** Sockets with sends not settled yet; at a turn's end each keeps the process alive until they settle. */
const unsettledSenders = new Set<Socket>();

/**
 * A ØMQ socket, as zeromq.js's `Socket`. Create one of its subclasses (`Dealer`, `Pull`, ...);
 * `new Socket(type)` with libzmq's type number works too, as in zeromq.js.
 *
 * @example
 * ```ts
 * import { Pull, Push } from "omq/zeromq";
 * const pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:5555");
 * const push = new Push();
 * push.connect("tcp://127.0.0.1:5555");
 * await push.send("hello");
 * const [frame] = await pull.receive(); // a Buffer
 * ```
 */
export abstract class Socket {
  /** libzmq's type number of this socket [ZMQ_TYPE]. */
  declare readonly type: SocketType;
  /** The endpoint of the last bind, with the port chosen for `:*` [ZMQ_LAST_ENDPOINT]. */
  declare readonly lastEndpoint: string | null;
  /** The security mechanism the options select [ZMQ_MECHANISM]. */
  declare readonly securityMechanism: null | "plain" | "curve" | "gssapi";
  /** True for libzmq's thread-safe draft types [ZMQ_THREAD_SAFE]. */
  declare readonly threadSafe: boolean;
  /** Accepted, without effect: omq has no I/O threads [ZMQ_AFFINITY]. */
  declare affinity: number;
  /** Multicast data rate in kbit/s [ZMQ_RATE]. */
  declare rate: number;
  /** Multicast recovery interval in ms [ZMQ_RECOVERY_IVL]. */
  declare recoveryInterval: number;
  /** Milliseconds queued messages may wait to be written on close; -1 forever [ZMQ_LINGER]. */
  declare linger: number;
  /** Milliseconds before reconnecting; -1 never [ZMQ_RECONNECT_IVL]. */
  declare reconnectInterval: number;
  /** Pending connections a listener keeps [ZMQ_BACKLOG]. */
  declare backlog: number;
  /** Upper bound of the doubling reconnect interval; 0 constant [ZMQ_RECONNECT_IVL_MAX]. */
  declare reconnectMaxInterval: number;
  /** Largest message accepted in bytes; -1 no limit [ZMQ_MAXMSGSIZE]. */
  declare maxMessageSize: number;
  /** TCP keepalive: -1 OS default, 0 off, 1 on [ZMQ_TCP_KEEPALIVE]. */
  declare tcpKeepalive: number;
  /** Keepalive probes before dropping [ZMQ_TCP_KEEPALIVE_CNT]. */
  declare tcpKeepaliveCount: number;
  /** Seconds idle before the first keepalive probe [ZMQ_TCP_KEEPALIVE_IDLE]. */
  declare tcpKeepaliveIdle: number;
  /** Seconds between keepalive probes [ZMQ_TCP_KEEPALIVE_INTVL]. */
  declare tcpKeepaliveInterval: number;
  /** Filter of accepted tcp peers [ZMQ_TCP_ACCEPT_FILTER]. */
  declare tcpAcceptFilter: string | null;
  /** Queue messages only on completed connections [ZMQ_IMMEDIATE]. */
  declare immediate: boolean;
  /** IPv6 on [ZMQ_IPV6]. */
  declare ipv6: boolean;
  /** Be the PLAIN server [ZMQ_PLAIN_SERVER]. */
  declare plainServer: boolean;
  /** PLAIN user name [ZMQ_PLAIN_USERNAME]. */
  declare plainUsername: string | null;
  /** PLAIN password [ZMQ_PLAIN_PASSWORD]. */
  declare plainPassword: string | null;
  /** Be the CURVE server [ZMQ_CURVE_SERVER]. */
  declare curveServer: boolean;
  /** This socket's CURVE public key (Z85) [ZMQ_CURVE_PUBLICKEY]. */
  declare curvePublicKey: string | null;
  /** This socket's CURVE secret key (Z85) [ZMQ_CURVE_SECRETKEY]. */
  declare curveSecretKey: string | null;
  /** The server's CURVE public key (Z85) [ZMQ_CURVE_SERVERKEY]. */
  declare curveServerKey: string | null;
  /** The ZAP domain [ZMQ_ZAP_DOMAIN]. */
  declare zapDomain: string | null;
  /** IP type-of-service [ZMQ_TOS]. */
  declare typeOfService: number;
  /** Milliseconds the ZMTP handshake may take; 0 no limit [ZMQ_HANDSHAKE_IVL]. */
  declare handshakeInterval: number;
  /** SOCKS5 proxy for tcp connections [ZMQ_SOCKS_PROXY]. */
  declare socksProxy: string | null;
  /** Milliseconds between ZMTP PINGs [ZMQ_HEARTBEAT_IVL]. */
  declare heartbeatInterval: number;
  /** Time-to-live sent in PINGs, ms [ZMQ_HEARTBEAT_TTL]. */
  declare heartbeatTimeToLive: number;
  /** Milliseconds without traffic before a connection is dropped [ZMQ_HEARTBEAT_TIMEOUT]. */
  declare heartbeatTimeout: number;
  /** Milliseconds a connection attempt may take [ZMQ_CONNECT_TIMEOUT]. */
  declare connectTimeout: number;
  /** TCP maximum retransmit timeout [ZMQ_TCP_MAXRT]. */
  declare tcpMaxRetransmitTimeout: number;
  /** Multicast TPDU size [ZMQ_MULTICAST_MAXTPDU]. */
  declare multicastMaxTransportDataUnit: number;
  /** VMCI buffer size, accepted without effect [ZMQ_VMCI_BUFFER_SIZE]. */
  declare vmciBufferSize: number;
  /** VMCI minimum buffer size, accepted without effect [ZMQ_VMCI_BUFFER_MIN_SIZE]. */
  declare vmciBufferMinSize: number;
  /** VMCI maximum buffer size, accepted without effect [ZMQ_VMCI_BUFFER_MAX_SIZE]. */
  declare vmciBufferMaxSize: number;
  /** VMCI connect timeout, accepted without effect [ZMQ_VMCI_CONNECT_TIMEOUT]. */
  declare vmciConnectTimeout: number;
  /** Network interface to bind connections to [ZMQ_BINDTODEVICE]. */
  declare interface: string | null;
  /** Apply ZAP to NULL connections without a domain too [ZMQ_ZAP_ENFORCE_DOMAIN]. */
  declare zapEnforceDomain: boolean;
  /** Windows loopback fast path, accepted without effect [ZMQ_LOOPBACK_FASTPATH]. */
  declare loopbackFastPath: boolean;

  /** The context this socket belongs to. */
  readonly context: Context;
  #inner: OmqSocket;
  #row: SocketTypeRow;
  #local: Record<string, unknown> = {};
  #state = OPEN;
  #closeRequested = false;
  #endpoints = 0;
  #observer: Observer | null = null;
  /** A receive that had to wait is pending (zeromq.js's EBUSY rule). */
  #receiving = false;
  #unsettledSends = 0;
  /** A send had to wait for room and has not settled: zeromq.js's EBUSY rule for the next. */
  #sendWaiting = false;
  /** The unsettled sends hold the event loop (from the end of the turn they were made in). */
  #sendsHeld = false;
  /** Calls that resolved at once in turn `#syncTurn`. */
  #syncOperations = 0;
  #syncTurn = -1;
  /** REQ: a request went out and its reply was not received yet. */
  #awaitingReply = false;
  /** REQ: a send waiting for the reply before it (zeromq.js waits for POLLOUT, which comes with the reply). */
  #nextRequest: { resume(): void; fail(error: unknown): void } | null = null;
  /** The routing id for the next connect [ZMQ_CONNECT_ROUTING_ID]. */
  #connectRoutingId: unknown = undefined;

  static {
    omqSocketOf = (socket) => socket.#inner;
    isInUse = (socket) => socket.#state !== CLOSED && !socket.#inner.closed && socket.#endpoints > 0;
    connectWithId = (socket, address, routingId) => socket.#connect(address, routingId);
    sendOn = (socket, message, options) => socket.#send(message, options);
    bindInBackground = (socket, address, unbind) => socket.#bindInBackground(address, unbind);
    receiveOn = (socket) => socket.#receive();
    setEventsLookup((socket) => #inner in (socket as object) ? (socket as Socket).#inner.events : undefined);
    // A send that did not settle within its turn waits for room: zeromq.js keeps the process alive for it.
    onTurnEnd(() => {
      for (const socket of unsettledSenders) {
        if (socket.#sendsHeld) continue;
        socket.#sendsHeld = true;
        hold();
      }
    });
  }

  /**
   * Creates a socket of libzmq's type number `type`; subclasses pass their own.
   *
   * @param options Any option of the socket, and `context`.
   */
  protected constructor(type: SocketType, options?: object) {
    if (arguments.length > 2) throw new TypeError("Expected 2 arguments");
    if (typeof type !== "number") throw new TypeError("Socket type must be a number");
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("Options must be an object");
    }
    const row = SOCKET_TYPES[type];
    const Inner = omqClassOf(type);
    if (!row || !Inner) throw errnoError("EINVAL");
    const context = (options as { context?: unknown } | undefined)?.context ?? defaultContext;
    if (!(context instanceof Context)) throw errnoError("EINVAL");
    countSocket(context, true);
    this.context = context;
    this.#row = row;
    // zeromq.js's rule: pending calls keep the process alive (keep-alive.ts), idle endpoints do not.
    this.#inner = new Inner({ context: omqContextOf(context), holdsProcess: false });
    for (const def of SOCKET_OPTIONS) if (def.fallback !== undefined) this.#local[def.name] = def.fallback;
    registerOptionHost(this, {
      target: (def) => this.#optionTarget(def),
      changed: (def, value) => this.#optionChanged(def, value),
    });
    trackSocket(this, this.#inner, () => countSocket(context, false));
    // Sealed as zeromq.js's native sockets are: a misspelt option throws instead of doing nothing.
    Object.preventExtensions(this);
    if (options) {
      try {
        assignOptions(this, options, "Socket");
      } catch (err) {
        this.close();
        throw err;
      }
    }
  }

  #optionTarget(def: OptionDef): Record<string, unknown> {
    switch (def.name) {
      case "type":
        return { type: SOCKET_TYPES.indexOf(this.#row) };
      case "securityMechanism":
        return { securityMechanism: MECHANISMS.indexOf(this.#inner.securityMechanism ?? null) };
      case "threadSafe":
        return { threadSafe: this.#row.threadSafe };
    }
    if (def.name in this.#inner) return this.#inner as unknown as Record<string, unknown>;
    return this.#local;
  }

  #optionChanged(def: OptionDef, value: unknown): void {
    if ((def.kind === "Uint64" || def.kind === "Int64") && (value as number) > Number.MAX_SAFE_INTEGER) {
      process.emitWarning("Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.");
    }
    this.#warnUnlessImmediate(def.id);
  }

  #warnUnlessImmediate(id: number): void {
    if (IMMEDIATE_IDS.has(id)) return;
    if (this.#endpoints === 0 && this.#state === OPEN) return;
    process.emitWarning("Socket option will not take effect until next connect/bind.");
  }

  /** zeromq.js's event observer of this socket (the same object every time). */
  get events(): Observer {
    return this.#observer ??= new Observer(this);
  }

  /** True once `close()` took effect. */
  get closed(): boolean {
    return this.#state === CLOSED;
  }

  /**
   * True when a message is ready: the next `receive()` resolves at once. Always false for a
   * type that cannot receive, and once closed.
   */
  get readable(): boolean {
    if (this.#state === CLOSED || !this.#row.receives || this.#inner.closed || this.#receiving) return false;
    return canReceive(this.#inner);
  }

  /**
   * True when `send()` would queue a message now (libzmq's POLLOUT): false once closed, for a
   * type that cannot send, for a REQ waiting for its reply, and while a send waits for room.
   */
  get writable(): boolean {
    if (this.#state === CLOSED || !this.#row.sends || this.#inner.closed) return false;
    return !this.#sendWaiting && !this.#replyPending() && canSend(this.#inner);
  }

  /** Counts a call that resolved at once; true when it must wait for the next turn (zeromq.js's rule). */
  #mustYield(): boolean {
    const turn = operationTurn();
    if (turn !== this.#syncTurn) {
      this.#syncTurn = turn;
      this.#syncOperations = 0;
    }
    return ++this.#syncOperations > MAX_SYNC_OPERATIONS;
  }

  #replyPending(): boolean {
    return this.#awaitingReply && !(this.#inner as unknown as { relaxed?: boolean }).relaxed;
  }

  /** Throws as zeromq.js's native methods do on a socket that is closed or busy binding. */
  #validateOpen(): void {
    if (this.#state === BLOCKED) throw blockedError();
    if (this.#state === CLOSED) throw closedError();
  }

  /** Options may be set during a bind (they apply to the next connection), not once closed. */
  #validateNotClosed(): void {
    if (this.#state === CLOSED) throw closedError();
  }

  /**
   * Binds to an endpoint; resolves once listening. The socket takes no other call until then
   * (EBUSY), as in zeromq.js.
   *
   * @example
   * ```ts
   * await socket.bind("tcp://*:5555");
   * ```
   */
  bind(address: string): Promise<void> {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    this.#validateOpen();
    this.#state = BLOCKED;
    return this.#inner.bind(address).then(
      () => {
        this.#endpoints++;
        this.#unblock();
      },
      (err) => {
        this.#unblock();
        throw translate(err, address);
      },
    );
  }

  /**
   * Unbinds from an endpoint given to `bind` (or its `lastEndpoint` form).
   *
   * @example
   * ```ts
   * await socket.unbind("tcp://*:5555");
   * ```
   */
  unbind(address: string): Promise<void> {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    this.#validateOpen();
    this.#state = BLOCKED;
    return this.#inner.unbind(address).then(
      () => {
        this.#endpoints--;
        this.#unblock();
      },
      (err) => {
        this.#unblock();
        throw translate(err, address);
      },
    );
  }

  /**
   * Binds without waiting: omq cannot bind synchronously, so the bind completes in the
   * background (a tcp peer's connection is retried until then; inproc works in either order).
   * A failure is thrown asynchronously, as an uncaught error, since it cannot be thrown here.
   */
  bindSync(address: string): void {
    this.#bindInBackground(address, false).catch(rethrow);
  }

  /** Unbinds without waiting; see `bindSync`. */
  unbindSync(address: string): void {
    this.#bindInBackground(address, true).catch(rethrow);
  }

  #bindInBackground(address: string, unbind: boolean): Promise<void> {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    this.#validateOpen();
    if (!unbind) this.#endpoints++;
    return (unbind ? this.#inner.unbind(address) : this.#inner.bind(address)).then(
      () => {
        if (unbind) this.#endpoints--;
      },
      (err) => {
        if (!unbind) this.#endpoints--;
        throw translate(err, address);
      },
    );
  }

  #unblock(): void {
    this.#state = OPEN;
    if (this.#closeRequested) this.close();
  }

  /**
   * Connects to an endpoint in the background and returns at once.
   *
   * @example
   * ```ts
   * socket.connect("tcp://127.0.0.1:5555");
   * ```
   */
  connect(address: string): void {
    this.#connect(address, this.#connectRoutingId);
  }

  #connect(address: string, routingId: unknown): void {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    this.#validateOpen();
    try {
      const options = routingId === undefined || routingId === null ? undefined : { routingId: routingId as string };
      this.#inner.connect(address, options);
    } catch (err) {
      throw translate(err, address);
    }
    this.#connectRoutingId = undefined;
    this.#endpoints++;
  }

  /**
   * Stops connecting to an endpoint given to `connect` and drops its connection.
   *
   * @example
   * ```ts
   * socket.disconnect("tcp://127.0.0.1:5555");
   * ```
   */
  disconnect(address: string): void {
    if (typeof address !== "string") throw new TypeError("Address must be a string");
    this.#validateOpen();
    try {
      this.#inner.disconnect(address);
    } catch (err) {
      throw translate(err, address);
    }
    this.#endpoints--;
  }

  /**
   * Closes the socket at once (queued messages are still written for up to `linger` ms in
   * the background); a pending `receive()`/`send()` rejects with EAGAIN. During a bind or
   * unbind the close waits for it, as in zeromq.js. Closing twice does nothing.
   */
  close(): void {
    if (this.#state === BLOCKED) {
      this.#closeRequested = true;
      return;
    }
    if (this.#state === CLOSED) return;
    this.#state = CLOSED;
    this.#endpoints = 0;
    this.#nextRequest?.fail(errnoError("EAGAIN"));
    countSocket(this.context, false);
    forgetSocket(this, this.#inner.close());
  }

  #send(message: unknown, options: unknown[]): Promise<void> {
    if (message === undefined) throw new TypeError("Message must be present");
    if (this.#row.sendOptions && (typeof options[0] !== "object" || options[0] === null)) {
      throw new TypeError("Options must be an object");
    }
    this.#validateOpen();
    if (this.#sendWaiting) {
      throw errnoError("EBUSY", "Socket is busy writing; only one send operation may be in progress at any time");
    }
    if (this.#replyPending()) return this.#sendAfterReply(message, options);
    let sent: Promise<void>;
    try {
      const frames = Array.isArray(message) ? toFrames(message) : toFrameLike(message);
      sent = (this.#inner.send as (message: unknown, ...options: unknown[]) => Promise<void>)(frames, ...options);
    } catch (err) {
      return Promise.reject(translate(err));
    }
    if (this.#row.name === "Request") this.#awaitingReply = true;
    // omq's send queues at once or waits for room; only a waiting one blocks the next (EBUSY).
    if (pendingCalls(this.#inner).sends > 0) this.#sendWaiting = true;
    const yieldFirst = this.#mustYield();
    this.#unsettle();
    const result = sent.then(this.#sent, this.#sendFailed);
    return yieldFirst ? result.then(nextTurn) : result;
  }

  #unsettle(): void {
    if (this.#unsettledSends++ > 0) return;
    unsettledSenders.add(this);
  }

  #settleSend(): void {
    if (--this.#unsettledSends > 0) return;
    this.#sendWaiting = false;
    unsettledSenders.delete(this);
    if (this.#sendsHeld) {
      this.#sendsHeld = false;
      release();
    }
  }

  /**
   * A REQ's send before the reply to its last request was received: zeromq.js waits (up to
   * `sendTimeout`) until the reply came in, and fails with EFSM when the wait times out.
   */
  #sendAfterReply(message: unknown, options: unknown[]): Promise<void> {
    const timeout = this.#inner.sendTimeout;
    if (timeout === 0) return Promise.reject(errnoError("EFSM"));
    this.#unsettle();
    return new Promise<void>((resolve, reject) => {
      const timer = timeout > 0 ? setTimeout(() => next.fail(errnoError("EFSM")), timeout) : undefined;
      const next = {
        resume: () => {
          clearTimeout(timer);
          this.#nextRequest = null;
          this.#settleSend();
          try {
            resolve(this.#send(message, options));
          } catch (err) {
            reject(err);
          }
        },
        fail: (error: unknown) => {
          clearTimeout(timer);
          this.#nextRequest = null;
          this.#settleSend();
          reject(error);
        },
      };
      this.#nextRequest = next;
    });
  }

  #replyReceived(): void {
    this.#awaitingReply = false;
    // After the caller has the reply, as zeromq.js's poller reports POLLOUT after the read.
    if (this.#nextRequest) queueMicrotask(this.#nextRequest.resume);
  }

  #sent = (): void => {
    this.#settleSend();
  };

  #sendFailed = (err: unknown): never => {
    this.#settleSend();
    if (this.#row.name === "Request") this.#awaitingReply = false;
    throw this.#pendingError(err);
  };

  #receive(): Promise<unknown[]> {
    this.#validateOpen();
    if (this.#receiving) {
      throw errnoError("EBUSY", "Socket is busy reading; only one receive operation may be in progress at any time");
    }
    const message = this.#inner.receive();
    if (pendingCalls(this.#inner).receives > 0) {
      this.#receiving = true;
      this.#syncOperations = 0;
      hold();
      return message.then(this.#waitedMessage, this.#waitFailed);
    }
    const result = message.then(this.#message, this.#receiveFailed);
    return this.#mustYield() ? result.then(nextTurn) : result;
  }

  #message = (message: OmqMessage): unknown[] => {
    if (this.#row.name === "Request") this.#replyReceived();
    return toBuffers(message);
  };

  #waitedMessage = (message: OmqMessage): unknown[] => {
    this.#receiving = false;
    release();
    return this.#message(message);
  };

  #receiveFailed = (err: unknown): never => {
    throw this.#pendingError(err);
  };

  #waitFailed = (err: unknown): never => {
    this.#receiving = false;
    release();
    throw this.#pendingError(err);
  };

  /** A pending call that `close()` cut short is EAGAIN in zeromq.js; other errors keep their code. */
  #pendingError(err: unknown): unknown {
    return (err as { code?: string })?.code === "ETERM" ? errnoError("EAGAIN") : translate(err);
  }

  /** Reads a boolean option by libzmq's number (ZMQ_IMMEDIATE is 39). */
  protected getBoolOption(option: number): boolean {
    return this.#get(option, "Bool") as boolean;
  }
  /** Sets a boolean option by libzmq's number. */
  protected setBoolOption(option: number, value: boolean): void {
    if (option === ZMQ_XPUB_VERBOSE || option === ZMQ_XPUB_VERBOSER) {
      if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
      this.#validateNotClosed();
      const name = option === ZMQ_XPUB_VERBOSE ? "verbose" : "verboser";
      if (!(name in this.#inner)) throw errnoError("EINVAL");
      (this.#inner as unknown as Record<string, boolean>)[name] = value;
      return;
    }
    this.#set(option, "Bool", value);
  }
  /** Reads a 32-bit option by libzmq's number (ZMQ_BACKLOG is 19). */
  protected getInt32Option(option: number): number {
    return this.#get(option, "Int32") as number;
  }
  /** Sets a 32-bit option by libzmq's number. */
  protected setInt32Option(option: number, value: number): void {
    this.#set(option, "Int32", value);
  }
  /** Reads an unsigned 32-bit option by libzmq's number. */
  protected getUint32Option(option: number): number {
    return this.#get(option, "Uint32") as number;
  }
  /** Sets an unsigned 32-bit option by libzmq's number. */
  protected setUint32Option(option: number, value: number): void {
    this.#set(option, "Uint32", value);
  }
  /** Reads a 64-bit option by libzmq's number (ZMQ_MAXMSGSIZE is 22). */
  protected getInt64Option(option: number): number {
    return this.#get(option, "Int64") as number;
  }
  /** Sets a 64-bit option by libzmq's number. */
  protected setInt64Option(option: number, value: number): void {
    this.#set(option, "Int64", value);
  }
  /** Reads an unsigned 64-bit option by libzmq's number (ZMQ_AFFINITY is 4). */
  protected getUint64Option(option: number): number {
    return this.#get(option, "Uint64") as number;
  }
  /** Sets an unsigned 64-bit option by libzmq's number. */
  protected setUint64Option(option: number, value: number): void {
    this.#set(option, "Uint64", value);
  }
  /** Reads a string option by libzmq's number (ZMQ_ROUTING_ID is 5); null when unset. */
  protected getStringOption(option: number): string | null {
    return this.#get(option, "String") as string | null;
  }
  /**
   * Sets a string option by libzmq's number; also ZMQ_SUBSCRIBE/ZMQ_UNSUBSCRIBE (6/7, null
   * for everything) and ZMQ_CONNECT_ROUTING_ID (61, for the next `connect`).
   */
  protected setStringOption(option: number, value: string | Uint8Array | null): void {
    if (option === ZMQ_SUBSCRIBE || option === ZMQ_UNSUBSCRIBE) {
      if (value !== null && typeof value !== "string" && !(value instanceof Uint8Array)) {
        throw new TypeError("Option value must be a string or buffer");
      }
      this.#validateNotClosed();
      const method = option === ZMQ_SUBSCRIBE ? "subscribe" : "unsubscribe";
      const inner = this.#inner as unknown as Record<string, ((...prefixes: unknown[]) => void) | undefined>;
      if (typeof inner[method] !== "function") throw errnoError("EINVAL");
      inner[method]!(value ?? "");
      return;
    }
    if (option === ZMQ_CONNECT_ROUTING_ID) {
      this.#validateNotClosed();
      this.#connectRoutingId = value;
      return;
    }
    if (option === ZMQ_METADATA) return this.#addMetadata(value);
    this.#set(option, "String", value);
  }

  /** ZMQ_METADATA's "X-name:value", added to what is set (libzmq's rule: EINVAL for anything else). */
  #addMetadata(value: string | Uint8Array | null): void {
    this.#validateNotClosed();
    const text = value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
    const colon = typeof text === "string" ? text.indexOf(":") : -1;
    if (typeof text !== "string" || colon <= 0 || colon === text.length - 1) throw errnoError("EINVAL");
    const inner = this.#inner as unknown as { metadata: Record<string, string | Uint8Array> | null };
    try {
      inner.metadata = { ...inner.metadata, [text.slice(0, colon)]: text.slice(colon + 1) };
    } catch (err) {
      throw translate(err instanceof TypeError ? new RangeError(err.message) : err);
    }
  }

  #get(option: number, kind: OptionKind): unknown {
    this.#validateNotClosed();
    return readOption(this, this.#numbered(option, true), kind);
  }

  #set(option: number, kind: OptionKind, value: unknown): void {
    this.#validateNotClosed();
    writeOption(this, this.#numbered(option, false), value, kind);
  }

  /** The option `option` names, if this socket has it (a draft option only some types have is EINVAL on others). */
  #numbered(option: number, read: boolean): OptionDef {
    const def = optionByNumber(SOCKET_OPTIONS, option, read);
    if (def.numberOnly && !(def.name in this.#inner)) throw errnoError("EINVAL");
    return def;
  }
}

/** zeromq.js iterates a socket (`for await (const message of socket)`) until it closes. */
async function next(this: Socket & { receive(): Promise<unknown[]> }): Promise<IteratorResult<unknown[], undefined>> {
  if (this.closed) return { done: true, value: undefined };
  try {
    return { value: await this.receive(), done: false };
  } catch (err) {
    if (this.closed && (err as { code?: string }).code === "EAGAIN") return { done: true, value: undefined };
    throw err;
  }
}

Object.defineProperty(Socket.prototype, Symbol.asyncIterator, {
  configurable: true,
  writable: true,
  value: function (this: Socket & { receive(): Promise<unknown[]> }): AsyncIterator<unknown[], undefined> {
    return { next: next.bind(this) };
  },
});

defineOptionAccessors(
  Socket,
  SOCKET_OPTIONS,
  "Socket",
  (def) => def.types === undefined && !def.numberOnly,
  { securityMechanism: MECHANISMS },
);

/** The frames type zeromq.js's `receive()` resolves with. */
export type { Message };
