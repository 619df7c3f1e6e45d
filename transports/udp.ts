/**
 * The udp:// transport (libzmq's `udp_address` and the socket setup of
 * `udp_engine::plug`): a bound endpoint (DISH, DGRAM) is one UDP socket that
 * receives at its address, joined to its group if it is multicast; a
 * connected one (RADIO) is a socket that sends to the address, with the
 * multicast TTL, loopback and interface set. Either is one "connection" the
 * datagram engine drives; there is no handshake and nothing to accept.
 *
 * @module
 */
import { udp, type UdpFamily, type UdpSocket } from "#omq/udp";
import { ZmqError } from "../src/errors.ts";
import { type DatagramPeer, isIPv4, isIPv6 } from "../src/zmtp/datagram.ts";
import { type SocketType, socketTypeInfo } from "../src/zmtp/socket-type.ts";
import type { Endpoint } from "./endpoint.ts";

/** A parsed `udp://[iface;]host:port` (see `parseEndpoint`). */
export interface UdpAddress {
  readonly kind: "udp";
  /** The interface before ";" (an address, a NIC name or "*"), or null. */
  readonly iface: string | null;
  /** A multicast group, a unicast address or name, or "*" (bind only). */
  readonly host: string;
  /** 0: bind an ephemeral port. */
  readonly port: number;
  readonly multicast: boolean;
}

/** What a udp:// bind ended up on, for `lastEndpoint`. */
export interface UdpBound {
  readonly kind: "udp";
  readonly iface: string | null;
  /** The host as given, a wildcard as the address bound. */
  readonly host: string;
  readonly port: number;
}

/** What the socket's options say about its udp:// endpoints. */
export interface UdpOptions {
  /** TTL of multicast it sends [ZMQ_MULTICAST_HOPS]. */
  readonly multicastHops: number;
  /** Whether this host's own sockets receive the multicast it sends [ZMQ_MULTICAST_LOOP]. */
  readonly multicastLoop: boolean;
  /** "*" and host names mean IPv6 too [ZMQ_IPV6]. */
  readonly ipv6: boolean;
  /** Whether it sends through a bound endpoint (DGRAM; a DISH does not). */
  readonly sends: boolean;
  /** The socket lets the process exit (its `holdsProcess` is false). */
  readonly unref?: boolean;
}

/**
 * The udp:// settings of a socket of `socketType` from its option values (libzmq's defaults,
 * hops 1 and loop on, for a type without the options).
 *
 * @example
 * ```ts ignore
 * const options = udpOptions("RADIO", { multicastHops: 4, multicastLoop: true, ipv6: false });
 * ```
 */
export function udpOptions(socketType: SocketType, values: Record<string, unknown>): UdpOptions {
  return {
    multicastHops: (values.multicastHops as number | undefined) ?? 1,
    multicastLoop: (values.multicastLoop as boolean | undefined) ?? true,
    ipv6: values.ipv6 === true,
    sends: socketTypeInfo(socketType).sends,
    unref: values.holdsProcess === false,
  };
}

/**
 * Throws ENOCOMPATPROTO where a socket type cannot use a transport as asked, as libzmq's
 * socket_base: udp:// only for RADIO (connect), DISH and DGRAM (bind), and DGRAM over udp:// only;
 * and ENODEV for a udp:// interface name this host does not have, so that `connect` says so at once.
 *
 * @example
 * ```ts ignore
 * checkTransport("PUSH", parseEndpoint("udp://*:5555", true), true, "udp://*:5555"); // throws ENOCOMPATPROTO
 * ```
 */
export function checkTransport(socketType: SocketType, ep: Endpoint, forBind: boolean, endpoint: string): void {
  const info = socketTypeInfo(socketType);
  const verb = forBind ? "bind" : "connect";
  if (ep.transport === "udp") {
    if (info.udp === null) {
      throw new ZmqError(
        "ENOCOMPATPROTO",
        `${verb} ${endpoint}: ${socketType} sockets cannot use udp:// (RADIO, DISH and DGRAM can)`,
        {
          address: endpoint,
        },
      );
    }
    if ((info.udp.role === "bind") !== forBind) {
      throw new ZmqError(
        "ENOCOMPATPROTO",
        `${verb} ${endpoint}: a ${socketType} socket can only ${info.udp.role} udp:// endpoints`,
        { address: endpoint },
      );
    }
    const { iface, host } = ep.address;
    if (iface !== null && !isIPv6(host)) resolveInterface(iface, 4, endpoint);
  } else if (info.engine === "datagram") {
    throw new ZmqError("ENOCOMPATPROTO", `${verb} ${endpoint}: ${socketType} sockets take udp:// only`, {
      address: endpoint,
    });
  }
}

/** One open udp:// endpoint: the "connection" the datagram engine drives. */
export class UdpConnection {
  readonly kind = "udp" as const;
  readonly socket: UdpSocket;
  /** Where a RADIO's datagrams go; null where each message names its peer (DGRAM) or nothing is sent (DISH). */
  readonly target: DatagramPeer | null;
  /** The endpoint, for events. */
  readonly remoteAddress: string;
  /** Set by the engine driving it: closes after handing the kernel what the socket queued. */
  closeGracefully: (() => void) | null = null;

  constructor(socket: UdpSocket, target: DatagramPeer | null, remoteAddress: string) {
    this.socket = socket;
    this.target = target;
    this.remoteAddress = remoteAddress;
  }

  destroy(): void {
    void this.socket.close();
  }
}

/** A bound udp:// endpoint: its one connection, and how to close it. */
export interface UdpListener {
  readonly address: UdpBound;
  readonly connection: UdpConnection;
  close(): Promise<void>;
}

/**
 * Whether a transport connection is a udp:// endpoint.
 *
 * @example
 * ```ts ignore
 * if (isUdpConnection(conn)) return new UdpEngine(conn, options, host);
 * ```
 */
export function isUdpConnection(conn: object): conn is UdpConnection {
  return (conn as { kind?: string }).kind === "udp";
}

const anyHost = (family: UdpFamily): string => family === 6 ? "::" : "0.0.0.0";

/** The numeric host and family of `host` (a literal, or a name looked up: IPv4 unless `ipv6`). */
async function resolveHost(
  host: string,
  ipv6: boolean,
  endpoint: string,
): Promise<{ host: string; family: UdpFamily }> {
  if (isIPv4(host)) return { host, family: 4 };
  if (isIPv6(host)) return { host, family: 6 };
  try {
    return await udp.lookup(host, ipv6 ? undefined : 4);
  } catch (err) {
    throw new ZmqError("EINVAL", `${endpoint}: cannot resolve "${host}"`, { address: endpoint, cause: err });
  }
}

/**
 * The interface to join on and multicast from: an IPv4 address (a NIC name resolved), an IPv6
 * interface name as given; undefined for "*" or none (the kernel picks). ENODEV for an unknown NIC.
 */
function resolveInterface(iface: string | null, family: UdpFamily, endpoint: string): string | undefined {
  if (iface === null || iface === "*") return undefined;
  if (isIPv4(iface) || family === 6) return iface;
  const address = udp.interfaceAddress(iface, family);
  if (address === null) {
    throw new ZmqError("ENODEV", `${endpoint}: no network interface "${iface}" with an IPv${family} address`, {
      address: endpoint,
    });
  }
  return address;
}

/** Runs a multicast setting, naming the runtime and the endpoint when it fails. */
function apply(what: string, endpoint: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ZmqError(
      code === "ENOTSUP"
        ? "ENOTSUP"
        : code === "EADDRNOTAVAIL"
        ? "EADDRNOTAVAIL"
        : code === "ENODEV"
        ? "ENODEV"
        : "EINVAL",
      `${endpoint}: cannot ${what} on ${udp.name}: ${(err as Error).message}`,
      { address: endpoint, cause: err },
    );
  }
}

/** Sets what a socket that multicasts sends with (libzmq sets them when the target is a group). */
function multicastSender(socket: UdpSocket, iface: string | undefined, options: UdpOptions, endpoint: string): void {
  apply("set the multicast loopback (multicastLoop)", endpoint, () => socket.setMulticastLoop(options.multicastLoop));
  apply("set the multicast TTL (multicastHops)", endpoint, () => socket.setMulticastHops(options.multicastHops));
  if (iface !== undefined) {
    apply(`send multicast from the interface ${iface}`, endpoint, () => socket.setMulticastInterface(iface));
  }
}

/** Closes `socket` if `fn` throws, and rethrows. */
async function orClose<T>(socket: UdpSocket, fn: () => T): Promise<T> {
  try {
    return fn();
  } catch (err) {
    await socket.close();
    throw err;
  }
}

/**
 * Binds a udp:// endpoint that receives (DISH, DGRAM): the address, or for a multicast group
 * the port on every interface (shared, as libzmq sets SO_REUSEADDR) joined to the group.
 *
 * @example
 * ```ts ignore
 * const listener = await bindUdp(address, options, "udp://239.1.1.1:5555");
 * ```
 */
export async function bindUdp(address: UdpAddress, options: UdpOptions, endpoint: string): Promise<UdpListener> {
  let family: UdpFamily;
  let bindHost: string;
  let shown = address.host;
  if (address.host === "*") {
    family = options.ipv6 ? 6 : 4;
    bindHost = shown = anyHost(family);
  } else {
    const resolved = await resolveHost(address.host, options.ipv6, endpoint);
    family = resolved.family;
    bindHost = address.multicast ? anyHost(family) : resolved.host;
  }
  const iface = address.multicast ? resolveInterface(address.iface, family, endpoint) : undefined;
  const socket = await udp.bind({
    host: bindHost,
    port: address.port,
    family,
    reuseAddress: address.multicast,
    unref: options.unref,
  });
  await orClose(socket, () => {
    if (address.multicast) {
      apply(`join the multicast group ${address.host}`, endpoint, () => socket.addMembership(address.host, iface));
      if (options.sends) multicastSender(socket, iface, options, endpoint);
    }
  });
  const bound: UdpBound = { kind: "udp", iface: address.iface, host: shown, port: socket.port };
  const connection = new UdpConnection(socket, null, endpoint);
  return {
    address: bound,
    connection,
    close: async () => {
      connection.closeGracefully?.();
      await socket.close();
    },
  };
}

/**
 * Opens a udp:// endpoint that sends (RADIO): a socket on an ephemeral port whose datagrams go
 * to the address; for a multicast group, with the socket's TTL, loopback and interface.
 *
 * @example
 * ```ts ignore
 * const conn = await connectUdp(address, options, "udp://239.1.1.1:5555");
 * ```
 */
export async function connectUdp(address: UdpAddress, options: UdpOptions, endpoint: string): Promise<UdpConnection> {
  const target = await resolveHost(address.host, options.ipv6, endpoint);
  const iface = address.multicast ? resolveInterface(address.iface, target.family, endpoint) : undefined;
  const socket = await udp.bind({ host: anyHost(target.family), port: 0, family: target.family, unref: options.unref });
  await orClose(socket, () => {
    if (address.multicast) multicastSender(socket, iface, options, endpoint);
  });
  return new UdpConnection(socket, { host: target.host, port: address.port }, endpoint);
}
