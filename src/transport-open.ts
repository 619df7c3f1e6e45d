/**
 * Opening an endpoint on its transport for a socket: which module listens or dials for tcp, ipc
 * and ws (`stream-transports.ts`), udp and epgm, and how their failures become `ZmqError`s that
 * name the endpoint. The session (`session.ts`) decides when; this file knows how.
 *
 * @module
 */
import type { Listener, Runtime } from "../transports/runtime/types.ts";
import type { Endpoint } from "../transports/endpoint.ts";
import { connectWs } from "../transports/ws/listen.ts";
import type { WsListener } from "../transports/ws/types.ts";
import { bindUdp, connectUdp, type UdpListener, udpOptions } from "../transports/udp.ts";
import { bindEpgm, type EpgmListener, epgmOptions, openEpgm } from "../transports/epgm.ts";
import type { DialerHost } from "./dialer.ts";
import type { TransportConnection } from "./engine/mod.ts";
import { type ErrorCode, ZmqError } from "./errors.ts";
import { dialStream, listenStream } from "./stream-transports.ts";
import type { SocketType } from "./zmtp/socket-type.ts";

/** A bound endpoint's listener, whatever its transport. */
export type AnyListener = Listener | WsListener | UdpListener | EpgmListener;

/** What opening an endpoint needs from its socket. */
export interface OpenContext {
  readonly socketType: SocketType;
  /** The socket's option values, read at the time of the call. */
  readonly options: Record<string, unknown>;
  readonly runtime: Runtime;
  /** The security mechanism's name (ws carries it in its subprotocol). */
  mechanism(): string;
}

/**
 * Listens on a parsed endpoint that is not inproc. udp and epgm listeners carry their one
 * connection (`"connection" in listener`); the others call `accept` for each connection.
 *
 * @example
 * ```ts ignore
 * const listener = await listenOn(ep, "tcp://*:5555", socket, (conn) => start(conn), onError);
 * ```
 */
export async function listenOn(
  ep: Endpoint,
  endpoint: string,
  on: OpenContext,
  accept: (conn: TransportConnection) => void,
  acceptError: (err: Error) => void,
): Promise<AnyListener> {
  if (ep.transport === "udp") return await bindUdp(ep.address, udpOptions(on.socketType, on.options), endpoint);
  // libzmq's bind is its connect for epgm: one PGM session on the endpoint either way.
  if (ep.transport === "epgm") return await bindEpgm(ep.address, epgmOptions(on.options), on.socketType, endpoint);
  return await listenStream(ep, endpoint, on.options, on.runtime, () => on.mechanism(), accept, acceptError);
}

/**
 * The dialer's `connect` for a parsed endpoint that is not inproc: one attempt per call.
 *
 * @example
 * ```ts ignore
 * const dial = dialerFor(ep, "tcp://127.0.0.1:5555", socket);
 * const conn = await dial(ep.address);
 * ```
 */
export function dialerFor(ep: Endpoint, endpoint: string, on: OpenContext): DialerHost["connect"] {
  return (address) =>
    address.kind === "ws"
      ? connectWs(address, on.mechanism(), on.options)
      : address.kind === "udp"
      ? connectUdp(address, udpOptions(on.socketType, on.options), endpoint)
      : address.kind === "epgm"
      ? openEpgm(address, epgmOptions(on.options), on.socketType, endpoint)
      : dialStream(ep, endpoint, on.options, on.runtime);
}

const ERROR_CODES = new Set<string>([
  "EADDRINUSE",
  "EADDRNOTAVAIL",
  "EACCES",
  "ENOENT",
  "EINVAL",
  "EPROTONOSUPPORT",
  "ENODEV",
  "ENOTSUP",
]);

/**
 * A transport's failure as a `ZmqError` that names the endpoint; codes libzmq would not give
 * for it become EINVAL.
 *
 * @example
 * ```ts ignore
 * throw transportError("bind", "tcp://*:80", err); // EACCES: bind tcp://*:80: permission denied
 * ```
 */
export function transportError(what: string, endpoint: string, err: unknown): ZmqError {
  const code = (err as { code?: string })?.code;
  const message = (err as Error)?.message ?? String(err);
  return new ZmqError(
    code && ERROR_CODES.has(code) ? code as ErrorCode : "EINVAL",
    `${what} ${endpoint}: ${message}`,
    { address: endpoint, cause: err },
  );
}
