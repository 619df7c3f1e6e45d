/**
 * `omq/zeromq`: zeromq.js v6's API on omq, so that code written for zeromq.js
 * runs by changing `"zeromq"` to `"omq/zeromq"`. Received frames are Node's
 * `Buffer` (Node, Bun, and Deno's `node:buffer`); `readable`/`writable` are
 * booleans; errors carry zeromq.js's texts, codes and `errno`; one `send()`
 * and one `receive()` may wait at a time (EBUSY); options have zeromq.js's
 * names, types and typed accessors; `version` is the libzmq version whose
 * behaviour omq follows. The draft types are in `omq/zeromq/draft`, the v5
 * API in `omq/zeromq/v5-compat`. Everything else (routing, queues, the wire)
 * is omq's, shared with omq's own API.
 *
 * @example
 * ```ts
 * import * as zmq from "omq/zeromq";
 * const sock = new zmq.Push();
 * await sock.bind("tcp://127.0.0.1:3000");
 * await sock.send("some work");
 * ```
 *
 * @module
 */
import { curveKeyPair as omqCurveKeyPair } from "../mod.ts";
import { Context as ContextClass } from "./context.ts";
import { Observer as ObserverClass } from "./events.ts";
import { nativeClass } from "./native-class.ts";
import { Proxy as ProxyClass } from "./proxy.ts";
import { Socket as SocketClass } from "./socket.ts";
import { hasDrafts } from "./socket-types.ts";

export { context } from "./context.ts";

/** A ZeroMQ context: sockets made with it share its options (zeromq.js's `Context`). */
export const Context: typeof ContextClass = nativeClass(ContextClass);
export type Context = ContextClass;
/** Events of a socket, as zeromq.js's `Observer` (`socket.events`). */
export const Observer: typeof ObserverClass = nativeClass(ObserverClass);
export type Observer = ObserverClass;
/** A proxy between a front-end and a back-end socket (zeromq.js's `Proxy`). */
export const Proxy: typeof ProxyClass = nativeClass(ProxyClass);
export type Proxy<F extends SocketClass = SocketClass, B extends SocketClass = SocketClass> = ProxyClass<F, B>;
/** Any socket, made from a type number (zeromq.js's `Socket`); the classes below are its kinds. */
export const Socket: typeof SocketClass = nativeClass(SocketClass);
export type Socket = SocketClass;
export {
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
} from "./sockets.ts";

export type { ErrnoError } from "./errors.ts";
export type {
  AuthError,
  Event,
  EventAddress,
  EventError,
  EventFor,
  EventInterval,
  EventOfType,
  EventSubscriber,
  EventType,
  ProtoError,
} from "./events.ts";
export type { Message, MessageLike } from "./frames.ts";
export type { RouterConnectOptions, StreamConnectOptions } from "./sockets.ts";
export type { SocketType } from "./socket-types.ts";
export type { Options, Readable, SocketOptions, Writable, WritableKeys } from "./types.ts";

/**
 * The libzmq version whose behaviour omq follows (zeromq.js reports the libzmq it was built
 * with); omq's own version is `version` from `omq`.
 */
export const version: string = "4.3.5";

/**
 * What this implementation supports, as zeromq.js's `capability`: ipc and CURVE always;
 * `draft` when omq has every draft type of `omq/zeromq/draft`.
 */
export const capability: Partial<
  { ipc: boolean; pgm: boolean; tipc: boolean; norm: boolean; curve: boolean; gssapi: boolean; draft: boolean }
> = {
  ipc: true,
  pgm: false,
  tipc: false,
  norm: false,
  curve: true,
  gssapi: false,
  draft: hasDrafts(),
};

/**
 * A new CURVE key pair, Z85-encoded (40 characters each).
 *
 * @example
 * ```ts
 * const { publicKey, secretKey } = curveKeyPair();
 * ```
 */
export function curveKeyPair(): { publicKey: string; secretKey: string } {
  const { publicKey, secretKey } = omqCurveKeyPair();
  return { publicKey, secretKey };
}
