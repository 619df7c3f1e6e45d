/**
 * Monitor events (zeromq.js names), consumed with `for await`, `receive()`, or
 * listeners added with `on()` as zeromq.js's Observer has them.
 *
 * @module
 */

import { closedError, ZmqError } from "./errors.ts";

/** The event types, as zeromq.js names them. */
export type SocketEventType =
  | "bind"
  | "bind:error"
  | "accept"
  | "accept:error"
  | "connect"
  | "connect:delay"
  | "connect:retry"
  | "close"
  | "close:error"
  | "disconnect"
  | "handshake"
  | "handshake:error:protocol"
  | "handshake:error:auth"
  | "handshake:error:other"
  | "loss"
  | "end";

/** One monitor event. */
export interface SocketEvent {
  /** What happened, with zeromq.js's names ("bind", "accept", "disconnect", "handshake:error:auth", ...). */
  readonly type: SocketEventType;
  /** The endpoint concerned, e.g. "tcp://127.0.0.1:5555". */
  readonly address?: string;
  /** For `connect:retry`: milliseconds until the next attempt. */
  readonly interval?: number;
  /**
   * For the error events. A ZAP refusal's (`handshake:error:auth`) has its `status`, as zeromq.js's
   * AuthError; a protocol failure's (`handshake:error:protocol`) has libzmq's name for it in `code`,
   * as zeromq.js's ProtoError (`"ERR_ZMTP_MECHANISM_MISMATCH"`, `"ERR_ZAP_BAD_VERSION"`, ...).
   */
  readonly error?: Error & { readonly status?: 300 | 400 | 500; readonly code?: string };
}

/** The event of one type, for a listener of that type. */
export type SocketEventOfType<E extends SocketEventType> = SocketEvent & { readonly type: E };

/** Events kept for a consumer that is not reading yet; older ones are dropped beyond this. */
const MAX_BUFFERED = 1000;

/** @internal Adds an event to a socket's events (the socket and its session call this). */
export let emitEvent: (events: SocketEvents, event: SocketEvent) => void;

/**
 * A socket's monitor events (`socket.events`): a single-consumer queue read
 * with `for await` or `receive()`, bounded so a socket nobody monitors never
 * grows memory; or, once a listener is added with `on()`, dispatched to
 * listeners instead (zeromq.js's "event emitter mode": the two ways exclude
 * each other, and reading then rejects).
 *
 * @example
 * ```ts
 * push.events.on("connect", (e) => console.log("connected to", e.address));
 * ```
 */
export class SocketEvents implements AsyncIterable<SocketEvent> {
  #buffer: SocketEvent[] = [];
  #waiters: { resolve: (r: IteratorResult<SocketEvent>) => void; reject: (e: Error) => void }[] = [];
  #ended = false;
  /** Set by the first `on()`: from then on events go to listeners only. */
  #listeners: Map<SocketEventType, Set<(event: SocketEvent) => void>> | null = null;

  static {
    emitEvent = (events, event) => events.#emit(event);
  }

  /** Adds an event; `end` finishes every reader once the buffer is read. */
  #emit(event: SocketEvent): void {
    if (this.#ended) return;
    if (event.type === "end") this.#ended = true;
    if (this.#listeners) {
      const listeners = this.#listeners.get(event.type);
      // Later, not inside the socket's own bookkeeping: a listener may close the socket or throw.
      if (listeners?.size) {
        queueMicrotask(() => {
          for (const listener of [...listeners]) listener(event);
        });
      }
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve({ value: event, done: false });
    else {
      if (this.#buffer.length >= MAX_BUFFERED) this.#buffer.shift();
      this.#buffer.push(event);
    }
    if (this.#ended) { for (const w of this.#waiters.splice(0)) w.resolve({ value: undefined, done: true }); }
  }

  /**
   * Calls `listener` with every event of `type` from now on, as zeromq.js's
   * `socket.events.on`. Switches to listener mode for good: buffered events are
   * dropped, and `receive()` and iteration reject with `EFSM`.
   *
   * @example
   * ```ts
   * sock.events.on("disconnect", (e) => console.log("lost", e.address)).on("end", () => console.log("closed"));
   * ```
   */
  on<E extends SocketEventType>(type: E, listener: (event: SocketEventOfType<E>) => void): this {
    if (!this.#listeners) {
      this.#listeners = new Map();
      this.#buffer = [];
      for (const w of this.#waiters.splice(0)) w.reject(listenerMode());
    }
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, set = new Set());
    set.add(listener as (event: SocketEvent) => void);
    return this;
  }

  /** Removes a listener added with `on()`. */
  off<E extends SocketEventType>(type: E, listener: (event: SocketEventOfType<E>) => void): this {
    this.#listeners?.get(type)?.delete(listener as (event: SocketEvent) => void);
    return this;
  }

  /**
   * The next event, as zeromq.js's `socket.events.receive()`; rejects with
   * `EFSM` in listener mode, and with `ETERM` after the socket's `end` event.
   *
   * @example
   * ```ts
   * const { type, address } = await sock.events.receive(); // e.g. "bind", "tcp://127.0.0.1:5555"
   * ```
   */
  async receive(): Promise<SocketEvent> {
    const next = await this.#next();
    if (next.done) throw closedError("events.receive()");
    return next.value;
  }

  #next(): Promise<IteratorResult<SocketEvent>> {
    if (this.#listeners) return Promise.reject(listenerMode());
    const event = this.#buffer.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * Stops observing, as zeromq.js's `Observer.close()`: no more events are kept or
   * dispatched, and readers see the end. The socket itself is not affected.
   *
   * @example
   * ```ts
   * sock.events.close(); // a `for await` over sock.events ends
   * ```
   */
  close(): void {
    this.#ended = true;
    this.#buffer = [];
    this.#listeners?.clear();
    for (const w of this.#waiters.splice(0)) w.resolve({ value: undefined, done: true });
  }

  /** True once `close()` was called, or the socket's events ended (after its `end` event). */
  get closed(): boolean {
    return this.#ended;
  }

  /** Reads the events in order with `for await`; ends after the socket's `end` event or `close()`. */
  [Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    return {
      next: () => this.#next(),
      return: (): Promise<IteratorResult<SocketEvent>> => Promise.resolve({ value: undefined, done: true }),
    };
  }
}

function listenerMode(): ZmqError {
  return new ZmqError("EFSM", "events has listeners (on()): events go to them, not to receive() or for await");
}
