/**
 * Binds or connects an `omq` socket to the endpoints on its command line.
 *
 * @module
 */
import type { Socket } from "../mod.ts";
import { socketTypeInfo } from "../src/zmtp/socket-type.ts";
import type { CliOptions } from "./args.ts";

/** What `openEndpoints` needs of a socket (every socket class has it). */
export type Endpoints = Pick<Socket, "bind" | "connect" | "lastEndpoint" | "socketType">;

/**
 * Binds (`--bind`) or connects each endpoint; says on stderr where a bind with a wildcard
 * ended up. `connect` is the socket's unless given (PEER connects with `connectPeer`). A udp://
 * endpoint is bound or connected as the type can (a DISH binds, a RADIO connects), whatever
 * `--bind` says.
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
  const udp = socketTypeInfo(socket.socketType).udp;
  for (const endpoint of o.endpoints) {
    if (udp !== null && endpoint.startsWith("udp://") ? udp.role === "bind" : o.bind) {
      await socket.bind(endpoint);
      if (socket.lastEndpoint !== endpoint) error(`omq: bound ${socket.lastEndpoint}`);
    } else {
      await connect(endpoint);
    }
  }
}
