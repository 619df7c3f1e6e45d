/**
 * zeromq.js's v5-compatible `Socket`: an EventEmitter over a compat v6
 * socket. Received messages are emitted as `message` events (one argument per
 * frame); `send(message, flags, callback)` queues (ZMQ_SNDMORE gathers parts)
 * and sends in order; `pause()`/`resume()` hold and release both ways;
 * `bind(address, callback)`, `monitor()` (libzmq's monitor events under their
 * v5 names), `setsockopt`/`getsockopt` by number or short name, and the short
 * names as properties (`sock.linger = 0`).
 *
 * @module
 */
import { EventEmitter } from "node:events";
import process from "node:process";
import { bindInBackground, type Socket as V6Socket } from "../socket.ts";
import type { MessageLike } from "../frames.ts";
import { SOCKET_OPTIONS } from "../options.ts";
import {
  Dealer,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Stream,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../sockets.ts";
import * as c from "./constants.ts";

/** The socket type names of the v5 API. */
export type SocketType =
  | "pair"
  | "req"
  | "rep"
  | "pub"
  | "sub"
  | "dealer"
  | "xreq"
  | "router"
  | "xrep"
  | "pull"
  | "push"
  | "xpub"
  | "xsub"
  | "stream";

/** A callback of `bind`, `unbind` and `send`: called with the error, or with nothing on success. */
export type Callback = (err?: Error) => void;

const TYPES: Record<SocketType, new () => V6Socket> = {
  pair: Pair,
  req: Request,
  rep: Reply,
  pub: Publisher,
  sub: Subscriber,
  dealer: Dealer,
  xreq: Dealer,
  router: Router,
  xrep: Router,
  pull: Pull,
  push: Push,
  xpub: XPublisher,
  xsub: XSubscriber,
  stream: Stream,
};

/** The short option names of the v5 API (`sock.linger`, `setsockopt("linger", 0)`), by libzmq number. */
export const options: Readonly<Record<string, number>> = {
  _fd: c.ZMQ_FD,
  _ioevents: c.ZMQ_EVENTS,
  _receiveMore: c.ZMQ_RCVMORE,
  _subscribe: c.ZMQ_SUBSCRIBE,
  _unsubscribe: c.ZMQ_UNSUBSCRIBE,
  affinity: c.ZMQ_AFFINITY,
  backlog: c.ZMQ_BACKLOG,
  identity: c.ZMQ_IDENTITY,
  linger: c.ZMQ_LINGER,
  rate: c.ZMQ_RATE,
  rcvbuf: c.ZMQ_RCVBUF,
  last_endpoint: c.ZMQ_LAST_ENDPOINT,
  reconnect_ivl: c.ZMQ_RECONNECT_IVL,
  recovery_ivl: c.ZMQ_RECOVERY_IVL,
  sndbuf: c.ZMQ_SNDBUF,
  mechanism: c.ZMQ_MECHANISM,
  plain_server: c.ZMQ_PLAIN_SERVER,
  plain_username: c.ZMQ_PLAIN_USERNAME,
  plain_password: c.ZMQ_PLAIN_PASSWORD,
  curve_server: c.ZMQ_CURVE_SERVER,
  curve_publickey: c.ZMQ_CURVE_PUBLICKEY,
  curve_secretkey: c.ZMQ_CURVE_SECRETKEY,
  curve_serverkey: c.ZMQ_CURVE_SERVERKEY,
  zap_domain: c.ZMQ_ZAP_DOMAIN,
  heartbeat_ivl: c.ZMQ_HEARTBEAT_IVL,
  heartbeat_ttl: c.ZMQ_HEARTBEAT_TTL,
  heartbeat_timeout: c.ZMQ_HEARTBEAT_TIMEOUT,
  connect_timeout: c.ZMQ_CONNECT_TIMEOUT,
};

/** libzmq's monitor events under their v5 names; `end` stops the monitor. */
const EVENT_NAMES: Record<string, string> = {
  connect: "connect",
  "connect:delay": "connect_delay",
  "connect:retry": "connect_retry",
  bind: "listen",
  "bind:error": "bind_error",
  accept: "accept",
  "accept:error": "accept_error",
  close: "close",
  "close:error": "close_error",
  disconnect: "disconnect",
};

/** The v6 socket's typed accessors, protected there and used here by number. */
interface TypedOptions {
  getBoolOption(option: number): boolean;
  setBoolOption(option: number, value: boolean): void;
  getInt32Option(option: number): number;
  setInt32Option(option: number, value: number): void;
  getStringOption(option: number): string | null;
  setStringOption(option: number, value: string | Uint8Array | null): void;
}

/** The v6 socket as the v5 layer drives it: whatever its type, with send and receive. */
interface Driven {
  readonly closed: boolean;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly type: number;
  readonly lastEndpoint: string | null;
  readonly securityMechanism: string | null;
  readonly events: V6Socket["events"];
  send(message: MessageLike[]): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  bind(address: string): Promise<void>;
  unbind(address: string): Promise<void>;
  connect(address: string): void;
  disconnect(address: string): void;
  close(): void;
  subscribe?(...prefixes: Array<Uint8Array | string>): void;
  unsubscribe?(...prefixes: Array<Uint8Array | string>): void;
  verbosity?: null | "allSubs" | "allSubsUnsubs";
}

/** Calls `callback` outside the caller's stack: what it throws is an uncaught exception, not our failure. */
function later(callback: (...args: never[]) => void, ...args: unknown[]): void {
  process.nextTick(() => (callback as (...args: unknown[]) => void)(...args));
}

/** Calls `callback` now; what it throws becomes an uncaught exception instead of stopping the caller's loop. */
function now(callback: (...args: never[]) => void, ...args: unknown[]): void {
  try {
    (callback as (...args: unknown[]) => void)(...args);
  } catch (err) {
    process.nextTick(() => {
      throw err;
    });
  }
}

/**
 * A ØMQ socket with zeromq.js's v5 API (made with `socket(type)`).
 *
 * @example
 * ```ts
 * import * as zmq from "omq/zeromq/v5-compat";
 * const rep = zmq.socket("rep");
 * rep.bindSync("tcp://127.0.0.1:5555");
 * rep.on("message", (request) => rep.send(`echo ${request}`));
 * ```
 */
export class Socket extends EventEmitter {
  /** The short option names are properties too, as in zeromq.js (`sock.zap_domain = "test"`). */
  // deno-lint-ignore no-explicit-any
  [key: string]: any;
  /** The type this socket was created with, e.g. `"req"`. */
  readonly type: SocketType;
  #socket: Driven;
  /** Parts gathered by sends with ZMQ_SNDMORE. */
  #parts: MessageLike[] = [];
  #sendQueue: [MessageLike[], Callback | undefined][] = [];
  #received: Uint8Array[][] = [];
  #paused = false;
  #sending = false;
  #reading = false;
  /** A REQ reads only after its request went out (omq's REQ refuses a receive before it). */
  #awaitingRequest = false;

  /** Creates a socket of a v5 type name; `socket(type, options)` is the usual way. */
  constructor(type: SocketType) {
    super();
    const Type = TYPES[type];
    if (!Type) throw new Error(`Invalid socket type: ${type}`);
    this.type = type;
    this.#socket = new Type() as unknown as Driven;
    if (type !== "push" && type !== "pub") this.#read();
  }

  async #read(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    try {
      while (!this.#socket.closed && !this.#paused && !this.#awaitingRequest) {
        let message: Uint8Array[];
        try {
          message = await this.#socket.receive();
        } catch (err) {
          if (this.#socket.closed) return;
          const code = (err as { code?: string }).code;
          if (code === "EFSM") this.#awaitingRequest = true;
          else if (code !== "EBUSY") later(() => this.emit("error", err));
          continue;
        }
        if (this.#paused) this.#received.push(message);
        else later(() => this.emit("message", ...message));
      }
    } finally {
      this.#reading = false;
    }
  }

  async #flush(): Promise<void> {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (!this.#socket.closed && !this.#paused && this.#sendQueue.length > 0) {
        const [message, callback] = this.#sendQueue.shift()!;
        try {
          await this.#socket.send(message);
          if (this.#awaitingRequest) {
            this.#awaitingRequest = false;
            this.#read();
          }
          if (callback) now(callback);
        } catch (err) {
          if (callback) now(callback, err);
          else later(() => this.emit("error", err));
        }
      }
    } finally {
      this.#sending = false;
    }
  }

  /** Binds; `callback` (or an `error` event) gets a failure, and a `bind` event follows success. */
  bind(address: string, callback?: Callback): this {
    this.#socket.bind(address).then(
      () => later(() => (this.emit("bind", address), callback?.())),
      (err) => later(() => (callback ? callback(err) : this.emit("error", err))),
    );
    return this;
  }

  /** Unbinds; `callback` (or an `error` event) gets a failure, and an `unbind` event follows success. */
  unbind(address: string, callback?: Callback): this {
    this.#socket.unbind(address).then(
      () => later(() => (this.emit("unbind", address), callback?.())),
      (err) => later(() => (callback ? callback(err) : this.emit("error", err))),
    );
    return this;
  }

  /**
   * Binds without waiting: omq binds in the background (a tcp peer retries until it is up;
   * inproc works in either order). A `bind` event follows success, an `error` event a failure.
   */
  bindSync(address: string): this {
    this.#inBackground(address, false);
    return this;
  }

  /** Unbinds without waiting; an `unbind` event follows success, an `error` event a failure. */
  unbindSync(address: string): this {
    this.#inBackground(address, true);
    return this;
  }

  #inBackground(address: string, unbind: boolean): void {
    bindInBackground(this.#socket as unknown as V6Socket, address, unbind).then(
      () => later(() => this.emit(unbind ? "unbind" : "bind", address)),
      (err) => later(() => this.emit("error", err)),
    );
  }

  /** Connects in the background. */
  connect(address: string): this {
    this.#socket.connect(address);
    return this;
  }

  /** Disconnects from an endpoint given to `connect`. */
  disconnect(address: string): this {
    this.#socket.disconnect(address);
    return this;
  }

  /**
   * Queues a message (one frame or an array of frames) for sending in order. With
   * `ZMQ_SNDMORE` in `flags` the parts wait for the rest of the message. `callback` gets the
   * failure, or nothing once the message is queued; without it a failure is an `error` event.
   */
  send(message: MessageLike | MessageLike[], flags?: number | null, callback?: Callback): this {
    this.#parts = this.#parts.concat(message);
    if (((flags ?? 0) & c.ZMQ_SNDMORE) === 0) {
      this.#sendQueue.push([this.#parts, callback]);
      this.#parts = [];
      if (!this.#paused) this.#flush();
    }
    return this;
  }

  /** Removed in zeromq.js's compatibility mode; use `on("message", ...)`. */
  read(): never {
    throw new Error("read() has been removed from compatibility mode; use on('message', ...) instead.");
  }

  /** Holds incoming messages (they wait, in order) and queued sends until `resume()`. */
  pause(): void {
    this.#paused = true;
  }

  /** Emits the messages held by `pause()`, then carries on receiving and sending. */
  resume(): void {
    this.#paused = false;
    for (const message of this.#received.splice(0)) later(() => this.emit("message", ...message));
    this.#read();
    this.#flush();
  }

  /** Closes the socket (queued messages are written for up to `linger` ms in the background). */
  close(): this {
    this.#socket.close();
    return this;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.#socket.closed;
  }

  /**
   * Emits libzmq's monitor events under their v5 names (`listen`, `accept`, `connect`,
   * `disconnect`, `bind_error`, ...), each with `(value, address, error)`. The arguments
   * zeromq.js's native v5 took (interval, count) are ignored: every event is read.
   */
  monitor(interval?: number, count?: number): this {
    if (interval || count) {
      process.emitWarning(
        "Arguments to monitor() are ignored in compatibility mode; all events are read automatically",
      );
    }
    const events = this.#socket.events;
    const read = async () => {
      while (!events.closed) {
        let event;
        try {
          event = await events.receive();
        } catch (err) {
          if (!this.#socket.closed && !events.closed) this.emit("error", err);
          return;
        }
        if (event.type === "end") return;
        const name = EVENT_NAMES[event.type];
        if (!name) continue;
        const detail = event as { address?: string; interval?: number; error?: Error & { errno?: number } };
        const value = detail.interval ?? (detail.error ? detail.error.errno ?? 0 : undefined);
        this.emit(name, value, detail.address, detail.error);
      }
    };
    void read();
    return this;
  }

  /** Stops the events `monitor()` started. */
  unmonitor(): this {
    this.#socket.events.close();
    return this;
  }

  /** Subscribes a `sub` socket to messages starting with `filter`. */
  subscribe(filter: string | Uint8Array): this {
    if (!this.#socket.subscribe) throw new Error("Subscriber socket required");
    this.#socket.subscribe(filter);
    return this;
  }

  /** Cancels a subscription of a `sub` socket. */
  unsubscribe(filter: string | Uint8Array): this {
    if (!this.#socket.unsubscribe) throw new Error("Subscriber socket required");
    this.#socket.unsubscribe(filter);
    return this;
  }

  /** Sets an option by libzmq number or short name (`"linger"`); returns the socket. */
  setsockopt(option: number | string, value: unknown): this {
    const id = typeof option === "number" ? option : options[option];
    const typed = this.#socket as unknown as TypedOptions;
    switch (id) {
      case c.ZMQ_SUBSCRIBE:
        return this.subscribe(value as string);
      case c.ZMQ_UNSUBSCRIBE:
        return this.unsubscribe(value as string);
      case c.ZMQ_IPV4ONLY:
        typed.setBoolOption(c.ZMQ_IPV6, !value);
        return this;
      case c.ZMQ_XPUB_VERBOSE:
        this.#socket.verbosity = value ? "allSubs" : null;
        return this;
      case c.ZMQ_ROUTER_RAW:
        throw new Error("ZMQ_ROUTER_RAW is not supported in compatibility mode");
    }
    const def = SOCKET_OPTIONS.find((o) => o.id === id && o.write);
    if (!def) throw new Error("Unknown option");
    if (def.kind === "Bool") typed.setBoolOption(id, Boolean(value));
    else if (def.kind === "String") typed.setStringOption(id, value as string | Uint8Array | null);
    else typed.setInt32Option(id, Number(value));
    return this;
  }

  /** Reads an option by libzmq number or short name; booleans read as 1 or 0. */
  // deno-lint-ignore no-explicit-any -- zeromq.js types it so: the value's type depends on the option
  getsockopt(option: number | string): any {
    const id = typeof option === "number" ? option : options[option];
    const typed = this.#socket as unknown as TypedOptions;
    switch (id) {
      case c.ZMQ_RCVMORE:
        throw new Error("ZMQ_RCVMORE is not supported in compatibility mode");
      case c.ZMQ_FD:
        throw new Error("ZMQ_FD is not supported in compatibility mode");
      case c.ZMQ_EVENTS:
        return (this.#socket.readable ? c.ZMQ_POLLIN : 0) | (this.#socket.writable ? c.ZMQ_POLLOUT : 0);
      case c.ZMQ_IPV4ONLY:
        return typed.getBoolOption(c.ZMQ_IPV6) ? 0 : 1;
      case c.ZMQ_XPUB_VERBOSE:
        throw new Error("Reading ZMQ_XPUB_VERBOSE is not supported");
      case c.ZMQ_ROUTER_RAW:
        throw new Error("ZMQ_ROUTER_RAW is not supported in compatibility mode");
    }
    const def = SOCKET_OPTIONS.find((o) => o.id === id && o.read);
    if (!def) throw new Error("Unknown option");
    if (def.kind === "Bool") return typed.getBoolOption(id) ? 1 : 0;
    if (def.kind === "String") return typed.getStringOption(id);
    return typed.getInt32Option(id);
  }
}

for (const name of Object.keys(options)) {
  Object.defineProperty(Socket.prototype, name, {
    configurable: true,
    get(this: Socket) {
      return this.getsockopt(name);
    },
    set(this: Socket, value: unknown) {
      this.setsockopt(name, value);
    },
  });
}
