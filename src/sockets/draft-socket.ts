/**
 * What libzmq's draft socket types share: single-part messages (a multipart
 * send is EINVAL; a multipart message from a peer is dropped, as libzmq's
 * `xrecv` does), and, for the types whose messages carry an option (SERVER
 * and PEER a routing id, RADIO and DISH a group), a base without `Socket`'s
 * message-typed members, so that each declares its own `send`/`receive`
 * signatures as zeromq.js's draft sockets do. `Socket`'s own typing is
 * untouched; at run time they are sockets like any other.
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import type { Frame, FrameLike, Message } from "../message.ts";
import type { FairQueue } from "../routing/fair-queue.ts";
import { Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";
import type { SocketType } from "../zmtp/socket-type.ts";

/**
 * A socket whose single-part messages carry an option: `In` with each received message
 * (a routing id, a group), `Out` with each sent one: `Socket` with its message-typed members
 * declared anew. Sending and receiving wait, time out and close as on every `Socket`; it is
 * a `Socket` at run time.
 *
 * @example
 * ```ts
 * await using server = new Server();
 * await server.bind("tcp://127.0.0.1:5555");
 * const [request, { routingId }] = await server.receive();
 * await server.send(request, { routingId });
 * ```
 */
export interface DraftSocket<In, Out>
  extends
    Omit<Socket, "send" | "receive" | typeof Symbol.asyncIterator | "readable" | "writable">,
    AsyncIterable<[Frame, In]> {
  /**
   * Queues a single-part message (a frame, or an array of one) with its option; a multipart
   * one rejects with EINVAL. Resolves at once while there is room, else waits as `Socket.send`.
   *
   * @example
   * ```ts
   * await radio.send("21 degrees", { group: "weather" });
   * ```
   */
  send(message: FrameLike | readonly FrameLike[], options: Out): Promise<void>;
  /**
   * Resolves with the next message and its option, `[frame, options]`, as zeromq.js's draft
   * sockets do (up to `receiveTimeout`; an aborted `signal` withdraws the call).
   *
   * @example
   * ```ts
   * const [frame, { group }] = await dish.receive();
   * ```
   */
  receive(options?: { signal?: AbortSignal }): Promise<[Frame, In]>;
  /** `for await (const [frame, options] of socket)`: ends when the socket closes. */
  [Symbol.asyncIterator](): AsyncIterator<[Frame, In]>;
  /** Incoming `[frame, options]` pairs as a Web `ReadableStream` (closes with the socket). */
  readonly readable: ReadableStream<[Frame, In]>;
  /** Outgoing `[frame, options]` pairs as a Web `WritableStream` (each goes through `send`). */
  readonly writable: WritableStream<[FrameLike, Out]>;
}

/**
 * The base class of the draft types with options. It is `Socket` itself: its `receive`,
 * iteration and `readable` hand out what the type's rules return (the `[frame, options]`
 * pairs); a subclass that sends defines `send` and `writable` (see `sendRouted`, `pairWritable`).
 */
export const DraftSocket: abstract new <In, Out>(
  socketType: SocketType,
  options?: SocketOptions,
) => DraftSocket<In, Out> = Socket as never;

/** @internal `Socket.send` of the message a draft socket's rules route (its option encoded as a first frame). */
export function sendRouted(socket: DraftSocket<unknown, unknown>, message: FrameLike[]): Promise<void> {
  return Socket.prototype.send.call(socket as unknown as Socket, message);
}

/** @internal A `WritableStream` of `[frame, options]` pairs, each sent with `socket.send(frame, options)`. */
export function pairWritable<Out>(socket: DraftSocket<unknown, Out>): WritableStream<[FrameLike, Out]> {
  return new WritableStream<[FrameLike, Out]>({ write: ([frame, options]) => socket.send(frame, options) });
}

/** @internal Installs a draft socket's routing rules (`useRules` for a `DraftSocket`). */
export function useDraftRules<R extends SocketRules>(
  socket: DraftSocket<unknown, unknown>,
  make: (core: SocketCore) => R,
): R {
  return useRules(socket as unknown as Socket, make);
}

/**
 * @internal
 * The one frame of a single-part message given to a draft socket's `send`: a frame, or an
 * array of exactly one (zeromq.js accepts both); anything else is EINVAL, as libzmq.
 */
export function onlyFrame(message: FrameLike | readonly FrameLike[], type: SocketType): FrameLike {
  if (!Array.isArray(message)) return message as FrameLike;
  if (message.length !== 1) throw multipartError(type, message.length);
  return message[0];
}

/** @internal The error for a multipart send on a draft socket. */
export function multipartError(type: SocketType, frames: number): ZmqError {
  return new ZmqError("EINVAL", `${type} sockets send single-part messages only, not ${frames} frames`);
}

/** @internal Throws EINVAL for a multipart message, as libzmq's draft types refuse ZMQ_SNDMORE. */
export function checkSinglePart(message: Message, type: SocketType): void {
  if (message.length !== 1) throw multipartError(type, message.length);
}

/**
 * The next single-part message of `queue`; multipart ones are dropped, as libzmq's draft types
 * do, and counted (`core.dropped`).
 */
export function receiveSinglePart(queue: FairQueue, core: SocketCore): Message | undefined {
  let message: Message | undefined;
  while ((message = queue.receive()) !== undefined && message.length !== 1) core.dropped(1);
  return message;
}
