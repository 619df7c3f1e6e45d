/**
 * zeromq.js's type-level API: what sockets that send and receive add
 * (`Writable`, `Readable`), and the constructor options of a socket type
 * (`SocketOptions<Dealer>`: its writable properties, and `context`).
 *
 * @module
 */
import type { Context } from "./context.ts";
import type { Message, MessageLike } from "./frames.ts";
import type { Socket } from "./socket.ts";

/** What a socket that sends has, as zeromq.js's `Writable`. */
export interface Writable<
  M extends MessageLike | MessageLike[] = MessageLike | MessageLike[],
  O extends [...object[]] = [],
> {
  /** Multicast time-to-live [ZMQ_MULTICAST_HOPS]. */
  multicastHops: number;
  /** Kernel send buffer size in bytes; -1 the OS default [ZMQ_SNDBUF]. */
  sendBufferSize: number;
  /** Most messages queued towards one peer [ZMQ_SNDHWM]. */
  sendHighWaterMark: number;
  /** Milliseconds `send()` may wait; -1 forever, 0 fails at once [ZMQ_SNDTIMEO]. */
  sendTimeout: number;
  /**
   * Queues a message (one frame or an array of frames); resolves once queued, waiting while
   * the high-water mark is reached. One send may wait at a time (EBUSY otherwise).
   */
  send(message: M, ...options: O): Promise<void>;
}

/** What a socket that receives has, as zeromq.js's `Readable`. */
export interface Readable<M extends object[] = Message[]> {
  /** Kernel receive buffer size in bytes; -1 the OS default [ZMQ_RCVBUF]. */
  receiveBufferSize: number;
  /** Most messages queued from one peer [ZMQ_RCVHWM]. */
  receiveHighWaterMark: number;
  /** Milliseconds `receive()` may wait; -1 forever, 0 fails at once [ZMQ_RCVTIMEO]. */
  receiveTimeout: number;
  /** The next message, as an array of Buffers. One receive may wait at a time (EBUSY otherwise). */
  receive(): Promise<M>;
  /** `for await (const [frame] of socket)`: ends when the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<M, undefined>;
}

/** The keys of `T` that are neither methods nor read-only (a read-only key differs from its `-readonly` form). */
export type WritableKeys<T> = {
  [P in keyof T]-?: T[P] extends (...args: never[]) => unknown ? never
    : (<U>() => U extends { [Q in P]: T[P] } ? 1 : 2) extends (<U>() => U extends { -readonly [Q in P]: T[P] } ? 1 : 2)
      ? P
    : never;
}[keyof T];

/** The writable properties of `T` (and `E`), all optional: zeromq.js's `Options`. */
export type Options<T, E = Record<never, never>> = Partial<E & Pick<T, WritableKeys<T>>>;

/** The constructor options of a socket type, e.g. `SocketOptions<Dealer>`. */
export type SocketOptions<S extends Socket> = Options<S, { context: Context }>;
