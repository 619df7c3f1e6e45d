/**
 * zeromq.js's event types and its `Observer` (`socket.events`), over omq's
 * monitor events: the same names, with zeromq.js's objects (only the fields an
 * event has), its error texts, no events for inproc endpoints (libzmq monitors
 * none), and its rules: `on()` switches to emitter mode for good, `receive()`
 * then throws; reading events (or listening) keeps the process alive until the
 * socket's `end`.
 *
 * @module
 */
import type { SocketEvent, SocketEvents } from "../mod.ts";
import { type ErrnoError, errnoError, translate } from "./errors.ts";
import { hold, release } from "./keep-alive.ts";

/** An authentication failure reported by the ZAP handler, as zeromq.js's `AuthError`. */
export interface AuthError extends Error {
  /** The ZAP handler's status code. */
  status: 300 | 400 | 500;
}

/** A ZMTP or ZAP protocol failure during a handshake, as zeromq.js's `ProtoError`. */
export interface ProtoError extends Error {
  /** What failed, e.g. `ERR_ZMTP_MECHANISM_MISMATCH` (omq's own code when it has no such name). */
  code: string;
}

/** The address an event is about. */
export interface EventAddress {
  /** The endpoint, e.g. `tcp://127.0.0.1:5555`. */
  address: string;
}
/** The reconnect interval of `connect:retry`. */
export interface EventInterval {
  /** Milliseconds until the next attempt. */
  interval: number;
}
/** The error of an `...:error` event. */
export interface EventError<E = ErrnoError> {
  /** What went wrong. */
  error: E;
}

/** One event type with its data, as zeromq.js's `EventFor`. */
export type EventFor<T extends string, D = Record<never, never>> = { type: T } & D;

/** A monitor event, as zeromq.js's `Event`. */
export type Event =
  | EventFor<"accept", EventAddress>
  | EventFor<"accept:error", EventAddress & EventError>
  | EventFor<"bind", EventAddress>
  | EventFor<"bind:error", EventAddress & EventError>
  | EventFor<"connect", EventAddress>
  | EventFor<"connect:delay", EventAddress>
  | EventFor<"connect:retry", EventAddress & EventInterval>
  | EventFor<"close", EventAddress>
  | EventFor<"close:error", EventAddress & EventError>
  | EventFor<"disconnect", EventAddress>
  | EventFor<"end">
  | EventFor<"handshake", EventAddress>
  | EventFor<"handshake:error:protocol", EventAddress & EventError<ProtoError>>
  | EventFor<"handshake:error:auth", EventAddress & EventError<AuthError>>
  | EventFor<"handshake:error:other", EventAddress & EventError>
  | EventFor<"unknown">;

/** The event type names. */
export type EventType = Event["type"];

/** The event of one type. */
export type EventOfType<E extends EventType = EventType> = Extract<Event, { type: E }>;

/** What `on()`/`off()` return, as zeromq.js's `EventSubscriber`. */
export interface EventSubscriber {
  /** Calls `listener` with every event of `type`. */
  on<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber;
  /** Removes a listener. */
  off<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber;
}

const EMITTER_MODE = "Observer is in event emitter mode. " +
  "After a call to events.on() it is not possible to read events with events.receive().";

/** zeromq.js's error of an event. */
function eventError(type: string, error: Error & { status?: number; code?: unknown }): Error {
  if (type === "handshake:error:auth") {
    return Object.assign(new Error("Authentication failure", { cause: error }), { status: error.status ?? 400 });
  }
  if (type === "handshake:error:protocol") {
    const zap = typeof error.code === "string" ? error.code.startsWith("ERR_ZAP_") : /\bZAP\b/.test(error.message);
    const code = typeof error.code === "string" && error.code.startsWith("ERR_") ? error.code : error.code ?? "EPROTO";
    return Object.assign(new Error(zap ? "ZAP protocol error" : "ZMTP protocol error", { cause: error }), { code });
  }
  return translate(error) as Error;
}

/** An omq event as zeromq.js's, or null for one zeromq.js would not report. */
function toEvent(event: SocketEvent): Event | null {
  const address = event.address;
  if (address?.startsWith("inproc://")) return null;
  const out: Record<string, unknown> = { type: event.type };
  // libzmq reports a failed bind with the address after the transport (zeromq.js passes it on).
  if (address !== undefined) out.address = event.type === "bind:error" ? address.replace(/^[a-z]+:\/\//, "") : address;
  if (event.interval !== undefined) out.interval = event.interval;
  if (event.error) out.error = eventError(event.type, event.error);
  return out as Event;
}

/** Lets the Observer constructor reach a compat socket's omq events without a public member. */
let eventsOfSocket: (socket: unknown) => SocketEvents | undefined = () => undefined;
/** @internal Registers how to find a compat socket's omq events (socket.ts calls it once). */
export function setEventsLookup(lookup: (socket: unknown) => SocketEvents | undefined): void {
  eventsOfSocket = lookup;
}

/**
 * The monitor events of a socket (`socket.events`), read with `receive()`/`for await`, or
 * dispatched to listeners added with `on()`: two modes that exclude each other, as zeromq.js's.
 *
 * @example
 * ```ts
 * for await (const event of socket.events) if (event.type === "disconnect") console.log(event.address);
 * // or
 * socket.events.on("bind", (event) => console.log("bound to", event.address));
 * ```
 */
export class Observer implements EventSubscriber {
  #events: SocketEvents;
  #emitting = false;
  #holding = false;
  #wrappers = new Map<string, Map<(data: never) => void, (event: SocketEvent) => void>>();

  /** Observes a socket, as zeromq.js's `new Observer(socket)`; `socket.events` is the usual way. */
  constructor(socket: object) {
    if (typeof socket !== "object" || socket === null) throw new TypeError("Socket must be a socket object");
    const events = eventsOfSocket(socket);
    if (!events) throw errnoError("EINVAL");
    this.#events = events;
  }

  /** True once the observer was closed, or the socket's `end` event was read. */
  get closed(): boolean {
    return this.#events.closed;
  }

  /** Stops observing: no more events are kept or dispatched. */
  close(): void {
    this.#events.close();
    this.#letGo();
  }

  /**
   * The next event; throws in emitter mode, rejects with EBADF "Socket is closed" after `end`.
   *
   * @example
   * ```ts
   * const { type, address } = await socket.events.receive();
   * ```
   */
  receive(): Promise<Event> {
    if (this.#emitting) throw new Error(EMITTER_MODE);
    return this.#next();
  }

  async #next(): Promise<Event> {
    hold();
    try {
      for (;;) {
        let event: SocketEvent;
        try {
          event = await this.#events.receive();
        } catch (err) {
          throw (err as { code?: string }).code === "ETERM" ? errnoError("EBADF") : translate(err);
        }
        const mapped = toEvent(event);
        if (mapped) return mapped;
      }
    } finally {
      release();
    }
  }

  /**
   * Calls `listener` with every event of `type` (emitter mode from now on: `receive()` throws).
   *
   * @example
   * ```ts
   * socket.events.on("disconnect", (event) => console.log("lost", event.address));
   * ```
   */
  on<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber {
    if (!this.#emitting) {
      this.#emitting = true;
      // zeromq.js reads events in the background in this mode, which keeps the process alive until `end`.
      if (!this.#events.closed) {
        this.#holding = true;
        hold();
        this.#events.on("end", () => this.#letGo());
      }
    }
    let byListener = this.#wrappers.get(type);
    if (!byListener) this.#wrappers.set(type, byListener = new Map());
    if (!byListener.has(listener)) {
      const wrapper = (event: SocketEvent) => {
        const mapped = toEvent(event);
        if (mapped) listener(mapped as EventOfType<E>);
      };
      byListener.set(listener, wrapper);
      this.#events.on(type as SocketEvent["type"], wrapper);
    }
    return this;
  }

  /** Removes a listener added with `on()`. */
  off<E extends EventType>(type: E, listener: (data: EventOfType<E>) => void): EventSubscriber {
    const wrapper = this.#wrappers.get(type)?.get(listener);
    if (wrapper) {
      this.#wrappers.get(type)!.delete(listener);
      this.#events.off(type as SocketEvent["type"], wrapper);
    }
    return this;
  }

  #letGo(): void {
    if (!this.#holding) return;
    this.#holding = false;
    release();
  }

  /** `for await (const event of socket.events)`: ends when the socket's events end. */
  [Symbol.asyncIterator](): AsyncIterator<Event, undefined> {
    return {
      next: async (): Promise<IteratorResult<Event, undefined>> => {
        if (this.closed) return { done: true, value: undefined };
        try {
          return { value: await this.receive(), done: false };
        } catch (err) {
          const code = (err as { code?: string }).code;
          if (this.closed && (code === "EAGAIN" || code === "EBADF")) return { done: true, value: undefined };
          throw err;
        }
      },
    };
  }
}
