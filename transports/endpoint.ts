/**
 * Endpoint strings: `tcp://host:port`, `ipc:///path`, `ipc://@abstract`,
 * `inproc://name`, `ws://host:port/path`, `udp://[iface;]host:port`,
 * `epgm://iface;group:port` (libzmq's zmq_bind/zmq_connect grammar).
 *
 * @module
 */
import { ZmqError } from "../src/errors.ts";
import type { SocketAddress } from "./runtime/types.ts";
import { runtime } from "#omq/runtime";
import type { WsAddress } from "./ws/types.ts";
import { hostPort } from "./address.ts";
import type { UdpAddress, UdpBound } from "./udp.ts";
import type { EpgmAddress } from "./epgm.ts";
import { isIPv4, isIPv6, isMulticast } from "../src/zmtp/datagram.ts";

/** A parsed endpoint. */
export type Endpoint =
  | {
    readonly transport: "tcp";
    readonly address: SocketAddress & { kind: "tcp" };
    readonly wildcardHost: boolean;
    /** `tcp://source;destination` (connect only): the local address to connect from, port 0 for any. */
    readonly source?: { readonly host: string; readonly port: number };
  }
  | { readonly transport: "ipc"; readonly address: SocketAddress & { kind: "ipc" } }
  | { readonly transport: "inproc"; readonly name: string }
  | { readonly transport: "ws"; readonly address: WsAddress; readonly wildcardHost: boolean }
  | { readonly transport: "udp"; readonly address: UdpAddress }
  | { readonly transport: "epgm"; readonly address: EpgmAddress };

/** Parses an endpoint for `bind` or `connect`; throws `EINVAL`/`EPROTONOSUPPORT` naming it. */
export function parseEndpoint(endpoint: string, forBind: boolean): Endpoint {
  const sep = endpoint.indexOf("://");
  if (sep < 0) throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": expected transport://address`);
  const transport = endpoint.slice(0, sep);
  const rest = endpoint.slice(sep + 3);
  if (runtime.name === "browser" && ["tcp", "ipc", "udp", "epgm"].includes(transport)) {
    // A web page has no sockets but WebSocket: say so at once rather than retry forever.
    throw new ZmqError("EPROTONOSUPPORT", `${transport}:// is not available in a browser ("${endpoint}"); use ws://`);
  }
  switch (transport) {
    case "tcp":
      return parseTcp(endpoint, rest, forBind);
    case "ipc": {
      if (rest === "") throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": empty path`);
      const path = rest.startsWith("@") ? "\0" + rest.slice(1) : rest;
      return { transport: "ipc", address: { kind: "ipc", path } };
    }
    case "ws":
    case "wss":
      return parseWs(endpoint, rest, transport === "wss", forBind);
    case "inproc":
      if (rest === "") throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": empty name`);
      return { transport: "inproc", name: rest };
    case "udp":
      return { transport: "udp", address: parseUdp(endpoint, rest, forBind) };
    case "epgm":
      return { transport: "epgm", address: parseEpgm(endpoint, rest) };
    case "pgm":
      throw pgmRefused(endpoint);
    default:
      throw new ZmqError("EPROTONOSUPPORT", `unsupported transport "${transport}" in "${endpoint}"`);
  }
}

function parseTcp(endpoint: string, rest: string, forBind: boolean): Endpoint {
  // libzmq's tcp_address_t: what comes before the last ";" is the source to connect from.
  const semicolon = rest.lastIndexOf(";");
  if (semicolon >= 0) {
    if (forBind) throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": a source address is for connect only`);
    const source = parseTcp(endpoint, rest.slice(0, semicolon), true);
    if (source.transport !== "tcp") throw new Error("unreachable");
    const destination = parseTcp(endpoint, rest.slice(semicolon + 1), false);
    if (destination.transport !== "tcp") throw new Error("unreachable");
    const { host, port } = source.address;
    return { ...destination, source: { host: source.wildcardHost ? "*" : host, port } };
  }
  const colon = rest.lastIndexOf(":");
  if (colon < 0) throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": missing port`);
  let host = rest.slice(0, colon);
  const portText = rest.slice(colon + 1);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (host === "") throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": missing host`);
  const wildcardHost = host === "*";
  if (wildcardHost && !forBind) throw new ZmqError("EINVAL", `cannot connect to a wildcard host in "${endpoint}"`);
  let port: number;
  if (portText === "*" || portText === "0") {
    if (!forBind) throw new ZmqError("EINVAL", `cannot connect to a wildcard port in "${endpoint}"`);
    port = 0;
  } else {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      throw new ZmqError("EINVAL", `invalid port "${portText}" in "${endpoint}"`);
    }
  }
  // "::" is dual-stack on Node, Deno and Bun, so "*" reaches IPv4 and IPv6 alike.
  return { transport: "tcp", address: { kind: "tcp", host: wildcardHost ? "::" : host, port }, wildcardHost };
}

/** `ws://host:port/path` (RFC 45; libzmq's ws_address_t): the path defaults to "/". */
function parseWs(endpoint: string, rest: string, secure: boolean, forBind: boolean): Endpoint {
  const slash = rest.indexOf("/", rest.startsWith("[") ? rest.indexOf("]") : 0);
  const path = slash < 0 ? "/" : rest.slice(slash);
  const tcp = parseTcp(endpoint, slash < 0 ? rest : rest.slice(0, slash), forBind);
  if (tcp.transport !== "tcp") throw new Error("unreachable");
  const { host, port } = tcp.address;
  return { transport: "ws", address: { kind: "ws", secure, host, port, path }, wildcardHost: tcp.wildcardHost };
}

/**
 * `udp://[iface;]host:port` as libzmq's `udp_address_t::resolve` reads it: the part before the
 * last ";" names the interface (an address, a NIC name or "*") and makes the host a multicast
 * group; without it a multicast host is joined on the interface the kernel picks, and a unicast
 * host is the address to bind (DISH, DGRAM) or to send to (RADIO). "*" as host and "*" or 0 as
 * port are for bind only. Names are resolved when the socket opens, not here.
 */
function parseUdp(endpoint: string, rest: string, forBind: boolean): UdpAddress {
  const semicolon = rest.lastIndexOf(";");
  let iface: string | null = null;
  if (semicolon >= 0) {
    iface = unbracket(rest.slice(0, semicolon));
    if (iface === "") throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": empty interface before ";"`);
    if (isMulticast(iface)) {
      throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": the interface ${iface} is a multicast group`);
    }
    rest = rest.slice(semicolon + 1);
  }
  const colon = rest.lastIndexOf(":");
  if (colon < 0) throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": missing port`);
  const host = unbracket(rest.slice(0, colon));
  const portText = rest.slice(colon + 1);
  if (host === "") throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": missing host`);
  if (host === "*" && !forBind) throw new ZmqError("EINVAL", `cannot connect to a wildcard host in "${endpoint}"`);
  let port = 0;
  if (portText === "*" || portText === "0") {
    if (!forBind) throw new ZmqError("EINVAL", `cannot connect to a wildcard port in "${endpoint}"`);
  } else {
    port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      throw new ZmqError("EINVAL", `invalid port "${portText}" in "${endpoint}"`);
    }
  }
  const multicast = isMulticast(host);
  if (iface !== null && !multicast) {
    throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": an interface is given for a multicast group only`);
  }
  if (iface !== null && (isIPv4(iface) || isIPv6(iface)) && isIPv6(host) !== isIPv6(iface)) {
    throw new ZmqError(
      "EINVAL",
      `invalid endpoint "${endpoint}": the interface and the group are of different IP families`,
    );
  }
  return { kind: "udp", iface, host, port, multicast };
}

const unbracket = (host: string): string => host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;

/**
 * Parses what follows `epgm://`: an interface, ";", a multicast group, ":", a port (libzmq hands
 * the same string to OpenPGM). One group only; the interface is required, as the source's
 * address is what its receivers send repair requests to.
 *
 * @example
 * ```ts ignore
 * parseEpgm("epgm://eth0;239.192.1.1:5555", "eth0;239.192.1.1:5555");
 * // { kind: "epgm", iface: "eth0", group: "239.192.1.1", port: 5555 }
 * ```
 */
export function parseEpgm(endpoint: string, rest: string): EpgmAddress {
  const bad = (why: string) => new ZmqError("EINVAL", `invalid endpoint "${endpoint}": ${why}`);
  const semicolon = rest.indexOf(";");
  if (semicolon < 0) throw bad("expected interface;group:port (e.g. epgm://eth0;239.192.1.1:5555)");
  const iface = unbracket(rest.slice(0, semicolon));
  rest = rest.slice(semicolon + 1);
  if (iface === "" || iface === "*") throw bad("name the interface (its address or its name)");
  if (rest.includes(";") || rest.includes(",")) throw bad("omq takes one multicast group per epgm endpoint");
  const colon = rest.lastIndexOf(":");
  if (colon < 0) throw bad("missing port");
  const group = unbracket(rest.slice(0, colon));
  const portText = rest.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw bad(`invalid port "${portText}"`);
  if (!isMulticast(group)) throw bad(`${group} is not a multicast group`);
  if ((isIPv4(iface) || isIPv6(iface)) && isIPv6(iface) !== isIPv6(group)) {
    throw bad("the interface and the group are of different IP families");
  }
  return { kind: "epgm", iface, group, port };
}

const bracket = (host: string): string => host.includes(":") ? `[${host}]` : host;

/**
 * The error for `pgm://`: why it cannot be, and what to use instead.
 *
 * @example
 * ```ts ignore
 * throw pgmRefused("pgm://eth0;239.192.1.1:5555"); // EPROTONOSUPPORT, suggesting epgm://
 * ```
 */
export function pgmRefused(endpoint: string): ZmqError {
  return new ZmqError(
    "EPROTONOSUPPORT",
    `"${endpoint}": pgm:// sends PGM straight over IP (protocol 113), which needs raw IP sockets that ` +
      `JavaScript runtimes do not offer; use epgm:// (the same PGM in UDP datagrams, the same ` +
      `interface;group:port), which libzmq speaks too`,
    { address: endpoint },
  );
}

/** The endpoint string for a bound address, as `lastEndpoint` reports it. */
export function formatEndpoint(endpoint: Endpoint, bound: SocketAddress | WsAddress | UdpBound | EpgmAddress): string {
  if (endpoint.transport === "inproc") return `inproc://${endpoint.name}`;
  if (bound.kind === "epgm") return `epgm://${bracket(bound.iface)};${bracket(bound.group)}:${bound.port}`;
  if (bound.kind === "udp") {
    // As given, with the port the kernel chose; a wildcard host as the address it bound, as tcp.
    const { iface, host } = bound;
    const prefix = iface === null ? "" : `${iface.includes(":") ? `[${iface}]` : iface};`;
    return `udp://${prefix}${hostPort(host, bound.port)}`;
  }
  if (bound.kind === "ws") {
    const host = endpoint.transport === "ws" && endpoint.wildcardHost ? "0.0.0.0" : bound.host;
    return `${bound.secure ? "wss" : "ws"}://${hostPort(host, bound.port)}${bound.path}`;
  }
  if (bound.kind === "ipc") {
    return bound.path.startsWith("\0") ? `ipc://@${bound.path.slice(1)}` : `ipc://${bound.path}`;
  }
  // libzmq reports a wildcard bind as 0.0.0.0, which peers can connect to.
  const host = endpoint.transport === "tcp" && endpoint.wildcardHost ? "0.0.0.0" : bound.host;
  return `tcp://${hostPort(host, bound.port)}`;
}
