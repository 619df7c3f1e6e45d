/**
 * Monitor events (zeromq.js names), consumed with `for await`.
 *
 * @module
 */

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
  | "end";

/** One monitor event. */
export interface SocketEvent {
  /** What happened, with zeromq.js's names ("bind", "accept", "disconnect", "handshake:error:auth", ...). */
  readonly type: SocketEventType;
  /** The endpoint concerned, e.g. "tcp://127.0.0.1:5555". */
  readonly address?: string;
  /** For `connect:retry`: milliseconds until the next attempt. */
  readonly interval?: number;
  /** For the error events. */
  readonly error?: Error;
}

/** Events kept for a consumer that is not reading yet; older ones are dropped beyond this. */
const MAX_BUFFERED = 1000;

/**
 * A single-consumer queue of events; bounded so a socket nobody monitors
 * never grows memory.
 */
export class EventQueue implements AsyncIterable<SocketEvent> {
  #buffer: SocketEvent[] = [];
  #waiters: ((r: IteratorResult<SocketEvent>) => void)[] = [];
  #ended = false;

  /** Adds an event; `end` finishes every iterator once the buffer is read. */
  emit(event: SocketEvent): void {
    if (this.#ended) return;
    if (event.type === "end") this.#ended = true;
    const waiter = this.#waiters.shift();
    if (waiter) waiter({ value: event, done: false });
    else {
      if (this.#buffer.length >= MAX_BUFFERED) this.#buffer.shift();
      this.#buffer.push(event);
    }
    if (this.#ended) { for (const w of this.#waiters.splice(0)) w({ value: undefined, done: true }); }
  }

  [Symbol.asyncIterator](): AsyncIterator<SocketEvent> {
    return {
      next: (): Promise<IteratorResult<SocketEvent>> => {
        const event = this.#buffer.shift();
        if (event) return Promise.resolve({ value: event, done: false });
        if (this.#ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => this.#waiters.push(resolve));
      },
      return: (): Promise<IteratorResult<SocketEvent>> => Promise.resolve({ value: undefined, done: true }),
    };
  }
}
