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
import { hasDrafts } from "./socket-types.ts";

export { Context, context } from "./context.ts";
export { Observer } from "./events.ts";
export { Proxy } from "./proxy.ts";
export { Socket } from "./socket.ts";
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
