/**
 * The engine family: one entry point for the socket. The socket-type table
 * picks ZMTP or raw bytes (STREAM); the connection picks the wire (a byte
 * stream, or ZWS messages over a WebSocket), or the datagram engine (udp).
 *
 * @module
 */
import { isUdpConnection } from "../../transports/udp.ts";
import { socketTypeInfo } from "../zmtp/socket-type.ts";
import { RawEngine } from "./raw.ts";
import {
  type Connection,
  type EngineHost,
  type EngineOptions,
  isMessageConnection,
  type TransportConnection,
} from "./types.ts";
import { ZmtpStreamEngine } from "./zmtp-stream.ts";
import { ZwsEngine } from "./zws.ts";
import { UdpEngine } from "./udp.ts";
import { isPgmConnection, PgmEngine } from "./pgm.ts";

export type { Connection, EngineEnd, EngineHost, EngineOptions, TransportConnection } from "./types.ts";
export { isMessageConnection } from "./types.ts";

/**
 * Starts the engine for a new connection: it drives the connection from handshake to close
 * and reports to `host`.
 *
 * @example
 * ```ts ignore
 * const engine = createEngine(conn, { ...options, defer: runtime.defer }, {
 *   ready: (_engine, metadata) => peerFor(metadata),
 *   closed: (_engine, end) => console.log("gone", end.error),
 * });
 * await engine.whenFlushed();
 * ```
 */
export function createEngine(conn: TransportConnection, options: EngineOptions, host: EngineHost): Connection {
  if (isUdpConnection(conn)) return new UdpEngine(conn, options, host);
  if (isPgmConnection(conn)) return new PgmEngine(conn, options, host);
  if (socketTypeInfo(options.socketType).engine === "raw") return new RawEngine(conn, options, host);
  if (isMessageConnection(conn)) return new ZwsEngine(conn, options, host);
  return new ZmtpStreamEngine(conn, options, host);
}
