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
import { SocketCounters, statsOf } from "./observe/counters.ts";
import type { SocketStats } from "./observe/stats.ts";
import { retireStats } from "./observe/context-stats.ts";
import { type PeerInfo, peerInfo } from "./observe/peer-info.ts";
import { MessageProperties } from "./observe/properties.ts";
import type { Peer } from "./peer.ts";
import { lastRead, type Pipe } from "./pipe.ts";
import { Session } from "./session.ts";
import { type ConnectOptions, SOCKET_OPTIONS, type SocketOptions } from "./socket-options.ts";
import type { SocketCore, SocketRules } from "./socket-rules.ts";
import type { SocketOptionFields } from "./socket-option-fields.ts";

export type { SocketOptionFields } from "./socket-option-fields.ts";
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
 * Every socket's option properties ({@linkcode SocketOptionFields}), merged into the class: they
 * are declared in their own file, and `defineOptions` puts their accessors on the prototype.
 */
export interface Socket extends SocketOptionFields {}

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
  #counters = new SocketCounters();
  /** The pipe `canReceive` took `#ready` from. */
  #readyPipe: Pipe | null = null;
  /** With `receiveProperties`: the peer of every message received since (else null: nothing is recorded). */
  #peerOf: WeakMap<Message, Peer> | null = null;
  #readable: ReadableStream<Message> | null = null;
  #writable: WritableStream<MessageLike> | null = null;
  #markClosed!: () => void;
  #leaveContext: () => void;
  #whenClosed: Promise<void> = new Promise((resolve) => (this.#markClosed = resolve));

  static {
    useRules = (socket, make) => {
      const counters = socket.#counters;
      const rules = make({
        wakeReceivers: () => socket.#deliver(),
        dropped: (count) => counters.messagesDropped += count,
      });
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
        lastRead.pipe = null;
        socket.#ready = socket.#receive();
        socket.#readyPipe = lastRead.pipe;
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
      counters: this.#counters,
    });
    this.#rememberPeers();
    watchOptions(this, (name) => {
      if (name === "receiveProperties") this.#rememberPeers();
      this.#session.optionChanged(name);
    });
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
   * A snapshot of every peer this socket routes over: its endpoint and remote address, what it
   * announced, its security, when it connected, the messages and bytes each way and what waits
   * in each queue. A fresh array of frozen objects on each read; counting costs the hot path a
   * few additions per message.
   *
   * @example
   * ```ts
   * for (const p of router.peers) console.log(p.remoteAddress, p.socketType, p.queuedOut);
   * ```
   */
  get peers(): PeerInfo[] {
    return Array.from(this.#session.peers, peerInfo);
  }

  /**
   * This socket's counters (messages and bytes sent, received and dropped; connections accepted,
   * made, lost, failed) and gauges (live connections, queued messages), as a frozen snapshot a
   * metrics library can export.
   *
   * @example
   * ```ts
   * const { messagesSent, messagesDropped, connections } = pub.stats;
   * ```
   */
  get stats(): SocketStats {
    return statsOf(this.#counters, this.#session.peers);
  }

  /**
   * The properties of a received message, as libzmq's `zmq_msg_gets`: those of the connection it
   * came in on (Socket-Type, Routing-Id, User-Id from ZAP, Peer-Address, the peer's own X-
   * properties from its `metadata` option). Needs the `receiveProperties` option on when the
   * message was received (else EINVAL); null for a message received before, or one the socket
   * type made itself (XPUB's subscription notices).
   *
   * @example
   * ```ts
   * const router = new Router({ receiveProperties: true });
   * const message = await router.receive();
   * router.propertiesOf(message)?.get("User-Id"); // the id the ZAP handler gave the peer
   * ```
   */
  propertiesOf(message: Message): MessageProperties | null {
    if (this.#peerOf === null) {
      throw new ZmqError("EINVAL", "propertiesOf: set the receiveProperties option before receiving the message");
    }
    const peer = this.#peerOf.get(message);
    return peer ? new MessageProperties(peer) : null;
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
        if (this.#peerOf !== null) this.#remember(ready, this.#readyPipe);
        return Promise.resolve(ready);
      }
      try {
        const peerOf = this.#peerOf;
        if (peerOf !== null) lastRead.pipe = null;
        const message = this.#receive();
        if (message !== undefined) {
          if (peerOf !== null) this.#remember(message, lastRead.pipe);
          return Promise.resolve(message);
        }
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
      let pipe = this.#readyPipe;
      if (message !== undefined) this.#ready = undefined;
      else {
        try {
          if (this.#peerOf !== null) lastRead.pipe = null;
          message = this.#receive();
          pipe = lastRead.pipe;
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
      if (this.#peerOf !== null) this.#remember(message, pipe);
      r.resolve(message);
    }
  }

  /** `receiveProperties`: `message` came from the peer that reads `pipe` (none: the rules made it). */
  #remember(message: Message, pipe: Pipe | null): void {
    const peer = pipe === null ? null : pipe.reader;
    if (peer !== null) this.#peerOf!.set(message, peer);
  }

  /** Follows `receiveProperties`: a map from each message received to its peer, while it is on. */
  #rememberPeers(): void {
    if (this.#options.receiveProperties !== true) this.#peerOf = null;
    else this.#peerOf ??= new WeakMap();
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
    retireStats(this.context, this.stats);
    this.#leaveContext();
    emitEvent(this.#events, { type: "end" });
  }
}

defineOptions(Socket, SOCKET_OPTIONS);
