/**
 * `omq/zeromq/v5-compat`: zeromq.js's v5-compatible API on omq, for code
 * written for zeromq.js 5 (`zmq.socket("req")`, `on("message")`,
 * `send(msg, flags, cb)`, `bindSync`, `monitor`, `setsockopt`, ...). It is
 * built on `omq/zeromq`, as zeromq.js's own compatibility mode is built on
 * its v6 API.
 *
 * @example
 * ```ts
 * import * as zmq from "omq/zeromq/v5-compat";
 * const req = zmq.socket("req");
 * req.connect("tcp://127.0.0.1:5555");
 * req.on("message", (reply) => console.log(reply.toString()));
 * req.send("hello");
 * ```
 *
 * @module
 */
import { context, curveKeyPair, version as zmqVersion } from "./zeromq.ts";
import { Socket, type SocketType } from "./v5/socket.ts";

export * from "./v5/constants.ts";
export { proxy } from "./v5/proxy.ts";
export { type Callback, options, Socket, type SocketType } from "./v5/socket.ts";

/** The libzmq version omq follows, as `zmq.version` in zeromq.js 5. */
export const version: string = zmqVersion;

/**
 * Creates a socket of a v5 type name and sets the options given (short names, e.g. `linger`).
 *
 * @example
 * ```ts
 * const sub = createSocket("sub", { linger: 0 });
 * ```
 */
export function createSocket(type: SocketType, options: Record<string, unknown> = {}): Socket {
  const socket = new Socket(type);
  for (const [key, value] of Object.entries(options)) socket[key] = value;
  return socket;
}

export { createSocket as socket };

/**
 * A new CURVE key pair, Z85-encoded, with zeromq.js 5's property names.
 *
 * @example
 * ```ts
 * const { public: publicKey, secret } = curveKeypair();
 * ```
 */
export function curveKeypair(): { public: string; secret: string } {
  const { publicKey, secretKey } = curveKeyPair();
  return { public: publicKey, secret: secretKey };
}

/** zeromq.js 5's process-wide context settings (the default context); it cannot be instantiated. */
export class Context {
  /** Sets the default context's `ioThreads` (kept for compatibility; omq has no I/O threads). */
  static setMaxThreads(value: number): void {
    context.ioThreads = value;
  }
  /** The default context's `ioThreads`. */
  static getMaxThreads(): number {
    return context.ioThreads;
  }
  /** Sets how many sockets the default context allows. */
  static setMaxSockets(value: number): void {
    context.maxSockets = value;
  }
  /** How many sockets the default context allows. */
  static getMaxSockets(): number {
    return context.maxSockets;
  }
  /** Throws: compatibility mode has one context. */
  constructor() {
    throw new Error("Context cannot be instantiated in compatibility mode");
  }
}
