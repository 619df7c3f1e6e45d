/**
 * Binds or connects an `omq` socket to the endpoints on its command line.
 *
 * @module
 */
import type { Socket } from "../mod.ts";
import type { CliOptions } from "./args.ts";

/** What `openEndpoints` needs of a socket (every socket class has it). */
export type Endpoints = Pick<Socket, "bind" | "connect" | "lastEndpoint">;

/**
 * Binds (`--bind`) or connects each endpoint; says on stderr where a bind with a wildcard
 * ended up. `connect` is the socket's unless given (PEER connects with `connectPeer`).
 *
 * @example
 * ```ts
 * await openEndpoints(socket, options, (line) => console.error(line));
 * ```
 */
export async function openEndpoints(
  socket: Endpoints,
  o: CliOptions,
  error: (line: string) => void,
  connect: (endpoint: string) => unknown = (endpoint) => socket.connect(endpoint),
): Promise<void> {
  for (const endpoint of o.endpoints) {
    if (o.bind) {
      await socket.bind(endpoint);
      if (socket.lastEndpoint !== endpoint) error(`omq: bound ${socket.lastEndpoint}`);
    } else {
      await connect(endpoint);
    }
  }
}
