/**
 * Endpoint strings: `tcp://host:port`, `ipc:///path`, `ipc://@abstract`,
 * `inproc://name`, `ws://host:port/path` (libzmq's zmq_bind/zmq_connect grammar).
 *
 * @module
 */
import { ZmqError } from "../src/errors.ts";
import type { SocketAddress } from "./runtime/types.ts";
import { runtime } from "#omq/runtime";
import type { WsAddress } from "./ws/types.ts";
import { hostPort } from "./address.ts";

/** A parsed endpoint. */
export type Endpoint =
  | { readonly transport: "tcp"; readonly address: SocketAddress & { kind: "tcp" }; readonly wildcardHost: boolean }
  | { readonly transport: "ipc"; readonly address: SocketAddress & { kind: "ipc" } }
  | { readonly transport: "inproc"; readonly name: string }
  | { readonly transport: "ws"; readonly address: WsAddress; readonly wildcardHost: boolean };

/** Parses an endpoint for `bind` or `connect`; throws `EINVAL`/`EPROTONOSUPPORT` naming it. */
export function parseEndpoint(endpoint: string, forBind: boolean): Endpoint {
  const sep = endpoint.indexOf("://");
  if (sep < 0) throw new ZmqError("EINVAL", `invalid endpoint "${endpoint}": expected transport://address`);
  const transport = endpoint.slice(0, sep);
  const rest = endpoint.slice(sep + 3);
  if (runtime.name === "browser" && (transport === "tcp" || transport === "ipc")) {
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
    default:
      throw new ZmqError("EPROTONOSUPPORT", `unsupported transport "${transport}" in "${endpoint}"`);
  }
}

function parseTcp(endpoint: string, rest: string, forBind: boolean): Endpoint {
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
  if (secure && forBind) {
    throw new ZmqError("EPROTONOSUPPORT", `cannot bind "${endpoint}": wss:// needs a TLS certificate; bind ws://`);
  }
  const slash = rest.indexOf("/", rest.startsWith("[") ? rest.indexOf("]") : 0);
  const path = slash < 0 ? "/" : rest.slice(slash);
  const tcp = parseTcp(endpoint, slash < 0 ? rest : rest.slice(0, slash), forBind);
  if (tcp.transport !== "tcp") throw new Error("unreachable");
  const { host, port } = tcp.address;
  return { transport: "ws", address: { kind: "ws", secure, host, port, path }, wildcardHost: tcp.wildcardHost };
}

/** The endpoint string for a bound address, as `lastEndpoint` reports it. */
export function formatEndpoint(endpoint: Endpoint, bound: SocketAddress | WsAddress): string {
  if (endpoint.transport === "inproc") return `inproc://${endpoint.name}`;
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
