/**
 * The options every socket takes: their constructor form, and their checks
 * and defaults (libzmq's names in brackets on each property of `Socket`).
 *
 * @module
 */
import type { Context } from "./context.ts";
import type { FrameLike } from "./message.ts";
import { defineOptions, type OptionSpec } from "./options.ts";
import { checkAcceptFilter } from "../transports/accept-filter.ts";
import { checkSocksProxy } from "../transports/socks.ts";

/** Options every socket takes, as properties and in its constructor. */
export interface SocketOptions {
  /** The context whose inproc namespace the socket uses (default: the shared `context`). */
  context?: Context;
  /** See {@linkcode Socket.sendHighWaterMark}. */
  sendHighWaterMark?: number;
  /** See {@linkcode Socket.receiveHighWaterMark}. */
  receiveHighWaterMark?: number;
  /** See {@linkcode Socket.sendTimeout}. */
  sendTimeout?: number;
  /** See {@linkcode Socket.receiveTimeout}. */
  receiveTimeout?: number;
  /** See {@linkcode Socket.linger}. */
  linger?: number;
  /** See {@linkcode Socket.reconnectInterval}. */
  reconnectInterval?: number;
  /** See {@linkcode Socket.reconnectMaxInterval}. */
  reconnectMaxInterval?: number;
  /** See {@linkcode Socket.connectTimeout}. */
  connectTimeout?: number;
  /** See {@linkcode Socket.handshakeInterval}. */
  handshakeInterval?: number;
  /** See {@linkcode Socket.heartbeatInterval}. */
  heartbeatInterval?: number;
  /** See {@linkcode Socket.heartbeatTimeout}. */
  heartbeatTimeout?: number;
  /** See {@linkcode Socket.heartbeatTimeToLive}. */
  heartbeatTimeToLive?: number;
  /** See {@linkcode Socket.tcpKeepalive}. */
  tcpKeepalive?: number;
  /** See {@linkcode Socket.tcpKeepaliveIdle}. */
  tcpKeepaliveIdle?: number;
  /** See {@linkcode Socket.tcpKeepaliveCount}. */
  tcpKeepaliveCount?: number;
  /** See {@linkcode Socket.tcpKeepaliveInterval}. */
  tcpKeepaliveInterval?: number;
  /** See {@linkcode Socket.immediate}. */
  immediate?: boolean;
  /** See {@linkcode Socket.maxMessageSize}. */
  maxMessageSize?: number;
  /** See {@linkcode Socket.routingId}. */
  routingId?: string | Uint8Array | null;
  /** See {@linkcode Socket.ipv6}. */
  ipv6?: boolean;
  /** See {@linkcode Socket.holdsProcess}. */
  holdsProcess?: boolean;
  /** See {@linkcode Socket.plainServer}. */
  plainServer?: boolean;
  /** See {@linkcode Socket.plainUsername}. */
  plainUsername?: string | Uint8Array | null;
  /** See {@linkcode Socket.plainPassword}. */
  plainPassword?: string | Uint8Array | null;
  /** See {@linkcode Socket.curveServer}. */
  curveServer?: boolean;
  /** See {@linkcode Socket.curvePublicKey}. */
  curvePublicKey?: string | Uint8Array | null;
  /** See {@linkcode Socket.curveSecretKey}. */
  curveSecretKey?: string | Uint8Array | null;
  /** See {@linkcode Socket.curveServerKey}. */
  curveServerKey?: string | Uint8Array | null;
  /** See {@linkcode Socket.zapDomain}. */
  zapDomain?: string | Uint8Array | null;
  /** See {@linkcode Socket.metadata}. */
  metadata?: Record<string, string | Uint8Array> | null;
  /** See {@linkcode Socket.receiveProperties}. */
  receiveProperties?: boolean;
  /** See {@linkcode Socket.reconnectStop}. */
  reconnectStop?: number;
  /** See {@linkcode Socket.zapEnforceDomain}. */
  zapEnforceDomain?: boolean;
  /** See {@linkcode Socket.backlog}. */
  backlog?: number;
  /** See {@linkcode Socket.tcpAcceptFilter}. */
  tcpAcceptFilter?: string | readonly string[] | null;
  /** See {@linkcode Socket.socksProxy}. */
  socksProxy?: string | null;
  /** See {@linkcode Socket.socksUsername}. */
  socksUsername?: string | Uint8Array | null;
  /** See {@linkcode Socket.socksPassword}. */
  socksPassword?: string | Uint8Array | null;
  /** See {@linkcode Socket.typeOfService}. */
  typeOfService?: number;
  /** See {@linkcode Socket.priority}. */
  priority?: number;
  /** See {@linkcode Socket.interface}. */
  interface?: string | Uint8Array | null;
  /** See {@linkcode Socket.sendBufferSize}. */
  sendBufferSize?: number;
  /** See {@linkcode Socket.receiveBufferSize}. */
  receiveBufferSize?: number;
  /** See {@linkcode Socket.tcpMaxRetransmitTimeout}. */
  tcpMaxRetransmitTimeout?: number;
  /** See {@linkcode Socket.wssCertPem}. */
  wssCertPem?: string | Uint8Array | null;
  /** See {@linkcode Socket.wssKeyPem}. */
  wssKeyPem?: string | Uint8Array | null;
  /** See {@linkcode Socket.wssTrustPem}. */
  wssTrustPem?: string | Uint8Array | null;
  /** See {@linkcode Socket.wssHostname}. */
  wssHostname?: string | null;
  /** See {@linkcode Socket.wssTrustSystem}. */
  wssTrustSystem?: boolean;
}

/** Options of `connect` (ROUTER and STREAM name the peer they connect to). */
export interface ConnectOptions {
  /** The routing id this socket will know the connected peer by [ZMQ_CONNECT_ROUTING_ID]. */
  routingId?: FrameLike;
}

/** The option of the types that offer libzmq's ZMQ_CONFLATE: Push, Pull, Publisher, Subscriber, Dealer. */
export interface ConflateOptions {
  /** Every queue keeps only the newest message [ZMQ_CONFLATE]; for multipart messages, use it only where they are single frames. */
  conflate?: boolean;
}

/**
 * Gives a socket type libzmq's ZMQ_CONFLATE: a `conflate` option under which
 * every queue keeps only the newest message (PUSH, PULL, PUB, SUB, DEALER in libzmq).
 */
export function offerConflate(cls: { prototype: object }): void {
  defineOptions(cls, { conflate: { kind: "bool", default: false } });
}

/**
 * libzmq's draft messages for a peer's comings and goings, each on the socket types libzmq gives it:
 * `helloMessage` (ROUTER, DEALER, CLIENT, SERVER, PEER), `disconnectMessage` (ROUTER, SERVER, PEER)
 * and `hiccupMessage` (DEALER, CLIENT, PEER).
 */
export interface PeerMessageOptions {
  /** Sent to each new peer first, on every connection and reconnection [ZMQ_HELLO_MSG]. */
  helloMessage?: string | Uint8Array | null;
  /** Received as if from a peer whose accepted connection ended [ZMQ_DISCONNECT_MSG]. */
  disconnectMessage?: string | Uint8Array | null;
  /** Received as if from a connected peer whose connection dropped (a reconnect follows) [ZMQ_HICCUP_MSG]. */
  hiccupMessage?: string | Uint8Array | null;
}

/**
 * Gives a socket type some of libzmq's peer messages (see `PeerMessageOptions`), read back as bytes.
 *
 * @example
 * ```ts ignore
 * offerPeerMessages(Dealer, ["helloMessage", "hiccupMessage"]);
 * ```
 */
export function offerPeerMessages(cls: { prototype: object }, names: readonly (keyof PeerMessageOptions)[]): void {
  const spec: OptionSpec = { kind: "bytes", default: null, maxLength: 0x7fffffff };
  defineOptions(cls, Object.fromEntries(names.map((name) => [name, spec])));
}

const encoder = new TextEncoder();

/**
 * ZMQ_METADATA's rule: property names start with "X-" (the application's own, RFC 23), are at
 * most 255 ASCII characters a metadata name may hold; values are strings or bytes. Kept frozen.
 */
function checkMetadata(name: string, value: unknown): unknown {
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array) {
    throw new TypeError(`option ${name} must be an object of "X-..." properties, or null`);
  }
  const out: Record<string, Uint8Array> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!/^X-[A-Za-z0-9\-_.+]*$/.test(key) || key.length > 255) {
      throw new RangeError(
        `option ${name}: property "${key}" must start with "X-" and be at most 255 of A-Z a-z 0-9 - _ . +`,
      );
    }
    if (typeof v !== "string" && !(v instanceof Uint8Array)) {
      throw new TypeError(`option ${name}: property "${key}" must be a string or Uint8Array`);
    }
    out[key] = typeof v === "string" ? encoder.encode(v) : v;
  }
  return Object.freeze(out);
}

const decoder = new TextDecoder();

/**
 * A PEM option (libzmq's ZMQ_WSS_*_PEM): PEM text, as a string or its UTF-8 bytes, holding a
 * block of the kind `label` names ("CERTIFICATE", "PRIVATE KEY"); kept as a string.
 */
function pemCheck(label: string): (name: string, value: unknown) => unknown {
  return (name, value) => {
    if (value === null) return null;
    const text = typeof value === "string" ? value : value instanceof Uint8Array ? decoder.decode(value) : null;
    if (text === null) throw new TypeError(`option ${name} must be PEM text (a string or Uint8Array), or null`);
    if (!new RegExp(`-----BEGIN [A-Z ]*${label}-----`).test(text)) {
      throw new RangeError(`option ${name} must be PEM text with a "-----BEGIN ...${label}-----" block`);
    }
    return text;
  };
}

/** ZMQ_WSS_HOSTNAME: a host name or address, or null. */
function checkHostname(name: string, value: unknown): unknown {
  if (value === null) return null;
  if (typeof value !== "string" || value === "" || /[\s/]/.test(value)) {
    throw new TypeError(`option ${name} must be a host name, or null`);
  }
  return value;
}

/** Why an option cannot take effect: Node's, Deno's and Bun's tcp sockets have no way to set it. */
function NO_TCP_OPTION(sockopt: string): string {
  return `Node, Deno and Bun give a program no way to set ${sockopt} on a tcp socket`;
}

/** The checks and defaults of the options of `SocketOptions`. */
export const SOCKET_OPTIONS: Record<string, OptionSpec> = {
  sendHighWaterMark: { kind: "int", default: 1000, min: 0 },
  receiveHighWaterMark: { kind: "int", default: 1000, min: 0 },
  sendTimeout: { kind: "int", default: -1, min: -1 },
  receiveTimeout: { kind: "int", default: -1, min: -1 },
  linger: { kind: "int", default: -1, min: -1 },
  reconnectInterval: { kind: "int", default: 100, min: -1 },
  reconnectMaxInterval: { kind: "int", default: 0, min: 0 },
  connectTimeout: { kind: "int", default: 0, min: 0 },
  handshakeInterval: { kind: "int", default: 30_000, min: 0 },
  heartbeatInterval: { kind: "int", default: 0, min: 0 },
  heartbeatTimeout: { kind: "int", default: -1, min: -1 },
  heartbeatTimeToLive: { kind: "int", default: 0, min: 0, max: 6_553_500 },
  tcpKeepalive: { kind: "int", default: -1, min: -1, max: 1 },
  tcpKeepaliveIdle: { kind: "int", default: -1, min: -1 },
  tcpKeepaliveCount: { kind: "int", default: -1, min: -1, unsupported: NO_TCP_OPTION("TCP_KEEPCNT") },
  tcpKeepaliveInterval: { kind: "int", default: -1, min: -1, unsupported: NO_TCP_OPTION("TCP_KEEPINTVL") },
  immediate: { kind: "bool", default: false },
  maxMessageSize: { kind: "int", default: -1, min: -1 },
  // 1 to 255 bytes, as libzmq's ZMQ_ROUTING_ID (null: none).
  routingId: { kind: "bytes", default: null, maxLength: 255, minLength: 1 },
  ipv6: { kind: "bool", default: false },
  holdsProcess: { kind: "bool", default: true },
  plainServer: { kind: "bool", default: false },
  plainUsername: { kind: "bytes", default: null, maxLength: 255 },
  plainPassword: { kind: "bytes", default: null, maxLength: 255 },
  curveServer: { kind: "bool", default: false },
  curvePublicKey: { kind: "key", default: null },
  curveSecretKey: { kind: "key", default: null },
  curveServerKey: { kind: "key", default: null },
  zapDomain: { kind: "bytes", default: null, maxLength: 255 },
  metadata: { kind: "custom", default: null, check: checkMetadata },
  receiveProperties: { kind: "bool", default: false },
  reconnectStop: { kind: "int", default: 0, min: 0, max: 7 },
  zapEnforceDomain: { kind: "bool", default: false },
  backlog: { kind: "int", default: 100, min: 0 },
  tcpAcceptFilter: { kind: "custom", default: null, check: checkAcceptFilter },
  socksProxy: { kind: "custom", default: null, check: checkSocksProxy },
  socksUsername: { kind: "bytes", default: null, maxLength: 255 },
  socksPassword: { kind: "bytes", default: null, maxLength: 255 },
  // libzmq's options no JavaScript runtime lets a program apply (README: "Options that cannot take effect").
  typeOfService: { kind: "int", default: 0, min: 0, max: 255, unsupported: NO_TCP_OPTION("IP_TOS") },
  priority: { kind: "int", default: 0, min: 0, unsupported: NO_TCP_OPTION("SO_PRIORITY") },
  interface: { kind: "bytes", default: null, maxLength: 255, unsupported: NO_TCP_OPTION("SO_BINDTODEVICE") },
  sendBufferSize: { kind: "int", default: -1, min: -1, unsupported: NO_TCP_OPTION("SO_SNDBUF") },
  receiveBufferSize: { kind: "int", default: -1, min: -1, unsupported: NO_TCP_OPTION("SO_RCVBUF") },
  tcpMaxRetransmitTimeout: { kind: "int", default: 0, min: 0, unsupported: NO_TCP_OPTION("TCP_MAXRT") },
  // libzmq's draft wss:// options (ZMQ_WSS_CERT_PEM, _KEY_PEM, _TRUST_PEM, _HOSTNAME, _TRUST_SYSTEM).
  wssCertPem: { kind: "custom", default: null, check: pemCheck("CERTIFICATE") },
  wssKeyPem: { kind: "custom", default: null, check: pemCheck("PRIVATE KEY") },
  wssTrustPem: { kind: "custom", default: null, check: pemCheck("CERTIFICATE") },
  wssHostname: { kind: "custom", default: null, check: checkHostname },
  wssTrustSystem: { kind: "bool", default: true },
};
