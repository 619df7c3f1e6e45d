/**
 * The contract between a socket and the engines that drive its connections:
 * what the socket hands an engine (a connection, options, a host to report
 * to) and what it holds of one (a `Connection`).
 *
 * @module
 */
import type { ByteConnection } from "../../transports/runtime/types.ts";
import type { MessageConnection } from "../../transports/ws/types.ts";
import type { UdpConnection } from "../../transports/udp.ts";
import type { PgmConnection } from "./pgm.ts";
import type { Metadata } from "../zmtp/command.ts";
import type { HandshakeFailure, Mechanism } from "../zmtp/mechanism.ts";
import type { SocketType } from "../zmtp/socket-type.ts";
import type { Peer } from "../peer.ts";

/**
 * What a transport hands the socket: a byte stream (tcp, ipc), a WebSocket carrying
 * whole messages (ws) or a UDP socket (udp). `createEngine` picks the engine for it.
 */
export type TransportConnection = ByteConnection | MessageConnection | UdpConnection | PgmConnection;

/**
 * Whether a transport connection carries whole messages (ws) rather than a byte stream.
 *
 * @example
 * ```ts ignore
 * if (!isMessageConnection(conn)) conn.setKeepAlive(true, 0);
 * ```
 */
export function isMessageConnection(conn: TransportConnection): conn is MessageConnection {
  return (conn as MessageConnection).kind === "message";
}

/** What a socket holds of a live connection, whatever engine drives it. */
export interface Connection {
  readonly remoteAddress: string;
  /** Resolves once everything queued has been handed to the transport (or the connection is gone). */
  whenFlushed(): Promise<void>;
  /** Closes the connection: gracefully after pending writes, or at once. */
  close(graceful?: boolean): void;
  /** Resolves when the transport has closed (after a graceful close: once everything was written). */
  readonly gone?: Promise<void>;
}

/** Settings an engine takes from its socket. */
export interface EngineOptions {
  readonly mechanism: Mechanism;
  /** Whether we are the server side of the mechanism (greeting as-server flag). */
  readonly asServer: boolean;
  /** Largest frame accepted from the peer in bytes; -1 for no limit. */
  readonly maxMessageSize: number;
  /** Milliseconds the greeting and handshake may take; 0 for no limit. */
  readonly handshakeInterval: number;
  /** Our socket type: its row of the table picks the engine, subscriptions and flush timing. */
  readonly socketType: SocketType;
  /** Milliseconds between PINGs; 0 sends none [ZMQ_HEARTBEAT_IVL]. */
  readonly heartbeatInterval?: number;
  /** Milliseconds without any traffic after which the peer counts as dead; -1: the interval [ZMQ_HEARTBEAT_TIMEOUT]. */
  readonly heartbeatTimeout?: number;
  /** Milliseconds the peer should wait for traffic from us, sent in each PING [ZMQ_HEARTBEAT_TTL]. */
  readonly heartbeatTimeToLive?: number;
  /** Sent first on every connection once the handshake is done [ZMQ_HELLO_MSG]; null: nothing. */
  readonly helloMessage?: Uint8Array | null;
  /**
   * Runs `fn` once after the current turn of the event loop (the runtime's `defer`): what the
   * socket queues during one turn goes out in one write.
   */
  defer(fn: () => void): void;
  /** Set when the socket does not hold the process: the handshake and heartbeat timers let it end. */
  unrefTimer?(timer: ReturnType<typeof setTimeout>): void;
}

/** Why an engine stopped, as a monitor event would say it. */
export interface EngineEnd {
  /** Set when the handshake never completed. */
  readonly handshake?: HandshakeFailure;
  readonly error?: Error;
}

/** What an engine reports to its socket. */
export interface EngineHost {
  /** The handshake is done; returns the peer to carry messages for, or null to drop the connection. */
  ready(engine: Connection, metadata: Metadata): Peer | null;
  /** The connection is gone. Called once. */
  closed(engine: Connection, end: EngineEnd): void;
}
