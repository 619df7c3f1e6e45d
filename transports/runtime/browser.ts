/**
 * The runtime of a web page: no tcp or ipc (EPROTONOSUPPORT), only what the
 * engine needs to run over the ws transport.
 *
 * @module
 */
import type { ByteConnection, Listener, Runtime, SocketAddress } from "./types.ts";
import { ZmqError } from "../../src/errors.ts";

const unsupported = (what: string, address: SocketAddress): Promise<never> =>
  Promise.reject(
    new ZmqError("EPROTONOSUPPORT", `${what} ${address.kind}:// is not available in a browser; use ws://`),
  );

/**
 * `defer` as a task after pending events, like `setImmediate`: a MessageChannel message
 * (a `setTimeout(0)` would be clamped to 4 ms once nested).
 */
function makeDefer(): (fn: () => void) => void {
  const queue: (() => void)[] = [];
  // Typed here: Node's types describe a different MessagePort, and this file is type-checked there too.
  const channel = new MessageChannel() as unknown as {
    port1: { onmessage: (() => void) | null };
    port2: { postMessage(message: null): void };
  };
  channel.port1.onmessage = () => {
    const batch = queue.splice(0);
    for (const fn of batch) fn();
  };
  return (fn) => {
    if (queue.push(fn) === 1) channel.port2.postMessage(null);
  };
}

/** The browser "runtime": ws only. */
export const browserRuntime: Runtime = {
  name: "browser",
  listen: (address: SocketAddress): Promise<Listener> => unsupported("bind", address),
  connect: (address: SocketAddress): Promise<ByteConnection> => unsupported("connect", address),
  defer: makeDefer(),
};
