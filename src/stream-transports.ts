/**
 * Listening and connecting for the stream transports (tcp, ipc, ws) with a socket's options:
 * tcp host resolution under `ipv6`, the listen backlog, `ipc://*`, source addresses and SOCKS5.
 * The session (`session.ts`) calls these; udp and epgm have modules of their own.
 *
 * @module
 */
import type { Listener, ListenOptions, Runtime } from "../transports/runtime/types.ts";
import type { Endpoint } from "../transports/endpoint.ts";
import { listenWs } from "../transports/ws/listen.ts";
import type { WsListener } from "../transports/ws/types.ts";
import { resolveTcpHost } from "../transports/tcp-host.ts";
import { type HostPort, parseHostPort, Socks5Client } from "../transports/socks.ts";
import { openSocksTunnel } from "../transports/socks-tunnel.ts";
import type { TransportConnection } from "./engine/mod.ts";
import { ZmqError } from "./errors.ts";

/**
 * Listens on a tcp, ipc or ws endpoint with the socket's options (backlog, ipv6; `mechanism`
 * names the ws subprotocol). A wildcard host falls back to 0.0.0.0 where IPv6 is missing.
 *
 * @example
 * ```ts ignore
 * const listener = await listenStream(ep, "tcp://*:5555", options, runtime, () => "NULL", accept, onError);
 * ```
 */
export async function listenStream(
  ep: Endpoint,
  endpoint: string,
  o: Record<string, unknown>,
  runtime: Runtime,
  mechanism: () => string,
  accept: (conn: TransportConnection) => void,
  acceptError: (err: Error) => void,
): Promise<Listener | WsListener> {
  if (ep.transport === "inproc" || ep.transport === "udp" || ep.transport === "epgm") throw new Error("unreachable");
  if (ep.transport === "ws") return await listenWs(ep.address, ep.wildcardHost, mechanism, o, accept);
  const listenOptions = { backlog: o.backlog as number, unref: o.holdsProcess === false };
  if (ep.transport === "ipc" && ep.address.path === "*") {
    return await listenIpcWildcard(runtime, accept, acceptError, listenOptions);
  }
  if (ep.transport === "ipc") return await runtime.listen(ep.address, accept, acceptError, listenOptions);
  const ipv6 = o.ipv6 as boolean;
  const host = await resolveTcpHost(ep.wildcardHost ? "*" : ep.address.host, ipv6, "bind", runtime, endpoint);
  try {
    return await runtime.listen({ kind: "tcp", host, port: ep.address.port }, accept, acceptError, listenOptions);
  } catch (err) {
    // With ipv6, "*" is "::" (dual-stack); a host without IPv6 gets 0.0.0.0 instead.
    if (ep.wildcardHost && host === "::") {
      const any = { kind: "tcp", host: "0.0.0.0", port: ep.address.port } as const;
      return await runtime.listen(any, accept, acceptError, listenOptions);
    }
    throw err;
  }
}

/**
 * Connects to a tcp or ipc address, resolving a tcp host (and source) with the socket's ipv6
 * option, through its SOCKS5 proxy if it has one.
 *
 * @example
 * ```ts ignore
 * const conn = await dialStream(ep, "tcp://127.0.0.1:5555", options, runtime);
 * ```
 */
export async function dialStream(
  ep: Endpoint,
  endpoint: string,
  o: Record<string, unknown>,
  runtime: Runtime,
): Promise<TransportConnection> {
  const unref = o.holdsProcess === false;
  if (ep.transport === "ipc") return await runtime.connect(ep.address, { unref });
  if (ep.transport !== "tcp") throw new Error("unreachable");
  const ipv6 = o.ipv6 as boolean;
  if (o.socksProxy !== null) {
    // As libzmq's socks_connecter: the proxy resolves the endpoint's host, given as it was written.
    let proxy: HostPort;
    try {
      proxy = parseHostPort(o.socksProxy as string, "socksProxy");
    } catch (err) {
      throw new ZmqError("EINVAL", `${endpoint}: ${(err as Error).message}`, { address: endpoint });
    }
    const address = {
      kind: "tcp",
      host: await resolveTcpHost(proxy.host, ipv6, "connect", runtime, endpoint),
      port: proxy.port,
    } as const;
    const client = new Socks5Client(
      ep.address,
      o.socksUsername as Uint8Array | null,
      o.socksPassword as Uint8Array | null,
    );
    return await openSocksTunnel(runtime, address, client, { unref });
  }
  const host = await resolveTcpHost(ep.address.host, ipv6, "connect", runtime, endpoint);
  const source = ep.source &&
    { host: await resolveTcpHost(ep.source.host, ipv6, "source", runtime, endpoint), port: ep.source.port };
  return await runtime.connect({ kind: "tcp", host, port: ep.address.port }, source ? { source, unref } : { unref });
}

/** `ipc://*`: as libzmq, a socket file in a new temporary directory, removed with the binding. */
async function listenIpcWildcard(
  runtime: Runtime,
  accept: (conn: TransportConnection) => void,
  acceptError: (err: Error) => void,
  listenOptions: ListenOptions,
): Promise<Listener> {
  if (!runtime.tempDir) throw new ZmqError("EPROTONOSUPPORT", "ipc://* needs a file system");
  const dir = await runtime.tempDir();
  try {
    const listener = await runtime.listen(
      { kind: "ipc", path: `${dir.path}/socket` },
      accept,
      acceptError,
      listenOptions,
    );
    return {
      address: listener.address,
      close: async () => {
        await listener.close();
        await dir.remove();
      },
    };
  } catch (err) {
    await dir.remove();
    throw err;
  }
}
