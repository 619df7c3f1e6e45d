/**
 * The epgm:// transport (libzmq's pgm_socket over OpenPGM with UDP
 * encapsulation): `epgm://interface;group:port` opens one UDP socket on the
 * port, the PGM session's every packet in UDP datagrams to and from it. A
 * publisher's socket is bound to the interface's address, where receivers'
 * NAKs come (unicast) and whence its multicast leaves; a subscriber's is bound
 * to the group, joined on the interface, and hears only the group's packets —
 * so both, and any number of subscribers, share one port on one host without
 * taking each other's unicast. libzmq's `bind` and `connect` do the same for
 * epgm, and so do omq's.
 *
 * `pgm://` (PGM straight over IP, protocol 113) needs raw IP sockets, which no
 * JavaScript runtime offers: it is refused with EPROTONOSUPPORT.
 *
 * @module
 */
import { udp, type UdpFamily, type UdpSocket } from "#omq/udp";
import { ZmqError } from "../src/errors.ts";
import type { PgmConnection } from "../src/engine/pgm.ts";
import { isIPv4, isIPv6 } from "../src/zmtp/datagram.ts";
import { type SocketType, socketTypeInfo } from "../src/zmtp/socket-type.ts";

/** A parsed `epgm://interface;group:port`. */
export interface EpgmAddress {
  readonly kind: "epgm";
  /** The interface: its address or its name ("eth0"). */
  readonly iface: string;
  /** The multicast group. */
  readonly group: string;
  readonly port: number;
}

/**
 * Throws ENOCOMPATPROTO unless `socketType` can use epgm:// (libzmq's socket_base: PUB, SUB, XPUB
 * and XSUB, the types that send or take subscriptions; multicast cannot carry a request/reply or
 * a pipeline), and ENODEV for an interface name this host does not have, so that `connect` says
 * so at once.
 *
 * @example
 * ```ts ignore
 * checkEpgm("PUSH", address, "connect", "epgm://eth0;239.192.1.1:5555"); // throws ENOCOMPATPROTO
 * ```
 */
export function checkEpgm(socketType: SocketType, address: EpgmAddress, verb: string, endpoint: string): void {
  const info = socketTypeInfo(socketType);
  if (!info.receivesSubscriptions && !info.sendsSubscriptions) {
    throw new ZmqError(
      "ENOCOMPATPROTO",
      `${verb} ${endpoint}: ${socketType} sockets cannot use epgm:// (PUB, SUB, XPUB and XSUB can)`,
      { address: endpoint },
    );
  }
  interfaceAddress(address.iface, isIPv6(address.group) ? 6 : 4, endpoint);
}

/** What the socket's options say about its epgm:// endpoints. */
export interface EpgmOptions {
  readonly rate: number;
  readonly recoveryInterval: number;
  readonly maxTpdu: number;
  readonly multicastHops: number;
  readonly multicastLoop: boolean;
  /** The socket lets the process exit (its `holdsProcess` is false). */
  readonly unref?: boolean;
}

/**
 * The epgm:// settings from a socket's option values (libzmq's defaults where a value is missing).
 *
 * @example
 * ```ts ignore
 * const options = epgmOptions(optionValues(socket));
 * ```
 */
export function epgmOptions(values: Record<string, unknown>): EpgmOptions {
  return {
    rate: (values.rate as number | undefined) ?? 100,
    recoveryInterval: (values.recoveryInterval as number | undefined) ?? 10_000,
    maxTpdu: (values.multicastMaxTpdu as number | undefined) ?? 1500,
    multicastHops: (values.multicastHops as number | undefined) ?? 1,
    multicastLoop: (values.multicastLoop as boolean | undefined) ?? true,
    unref: values.holdsProcess === false,
  };
}

/** One open epgm:// endpoint: the connection the PGM engine drives. */
export class EpgmConnection implements PgmConnection {
  readonly kind = "epgm" as const;
  readonly socket: UdpSocket;
  readonly remoteAddress: string;
  readonly group: string;
  readonly port: number;
  readonly nla: string;
  readonly rate: number;
  readonly recoveryInterval: number;
  readonly maxTpdu: number;

  constructor(socket: UdpSocket, endpoint: string, address: EpgmAddress, nla: string, options: EpgmOptions) {
    this.socket = socket;
    this.remoteAddress = endpoint;
    this.group = address.group;
    this.port = address.port;
    this.nla = nla;
    this.rate = options.rate;
    this.recoveryInterval = options.recoveryInterval;
    this.maxTpdu = options.maxTpdu;
  }

  destroy(): void {
    void this.socket.close();
  }
}

/** A bound epgm:// endpoint: its one connection (as for udp://, nothing is accepted). */
export interface EpgmListener {
  readonly address: EpgmAddress;
  readonly connection: EpgmConnection;
  close(): Promise<void>;
}

/** The interface's address: a literal as it is, a NIC name looked up; ENODEV for an unknown one. */
function interfaceAddress(iface: string, family: UdpFamily, endpoint: string): string {
  if (isIPv4(iface) || isIPv6(iface)) return iface;
  const address = udp.interfaceAddress(iface, family);
  if (address === null) {
    throw new ZmqError("ENODEV", `${endpoint}: no network interface "${iface}" with an IPv${family} address`, {
      address: endpoint,
    });
  }
  return address;
}

/** Runs a socket setting, naming the runtime and the endpoint when it fails. */
function apply(what: string, endpoint: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ZmqError(
      code === "ENOTSUP" || code === "EADDRNOTAVAIL" || code === "ENODEV" ? code : "EINVAL",
      `${endpoint}: cannot ${what} on ${udp.name}: ${(err as Error).message}`,
      { address: endpoint, cause: err },
    );
  }
}

/**
 * Opens an epgm:// endpoint: for a PUB or XPUB a PGM source's socket, for a SUB or XSUB a
 * receiver's.
 *
 * @example
 * ```ts ignore
 * const conn = await openEpgm(address, epgmOptions(values), "PUB", "epgm://eth0;239.192.1.1:5555");
 * ```
 */
export async function openEpgm(
  address: EpgmAddress,
  options: EpgmOptions,
  socketType: SocketType,
  endpoint: string,
): Promise<EpgmConnection> {
  // The publishing side (PUB, XPUB: the one that takes subscriptions) is the PGM source.
  const sends = socketTypeInfo(socketType).receivesSubscriptions;
  const family: UdpFamily = isIPv6(address.group) ? 6 : 4;
  const nla = interfaceAddress(address.iface, family, endpoint);
  let socket: UdpSocket;
  if (sends) {
    // At the interface's address: receivers' NAKs are unicast there, and it wins them over a
    // socket bound to the wildcard on the same port.
    socket = await udp.bind({ host: nla, port: address.port, family, reuseAddress: true, unref: options.unref });
    try {
      apply(
        "send multicast from the interface",
        endpoint,
        () => socket.setMulticastInterface(family === 6 ? address.iface : nla),
      );
      apply("set the multicast TTL (multicastHops)", endpoint, () => socket.setMulticastHops(options.multicastHops));
      apply(
        "set the multicast loopback (multicastLoop)",
        endpoint,
        () => socket.setMulticastLoop(options.multicastLoop),
      );
    } catch (err) {
      await socket.close();
      throw err;
    }
  } else {
    // At the group: only its datagrams arrive, none of the unicast meant for a source on this host.
    const unref = options.unref;
    socket = await udp.bind({ host: address.group, port: address.port, family, reuseAddress: true, unref })
      .catch(() =>
        udp.bind({ host: family === 6 ? "::" : "0.0.0.0", port: address.port, family, reuseAddress: true, unref })
      );
    try {
      apply(
        `join the multicast group ${address.group}`,
        endpoint,
        () => socket.addMembership(address.group, family === 6 ? address.iface : nla),
      );
    } catch (err) {
      await socket.close();
      throw err;
    }
  }
  return new EpgmConnection(socket, endpoint, address, nla, options);
}

/**
 * Opens an epgm:// endpoint at `bind` (libzmq's bind is its connect for epgm): its one connection.
 *
 * @example
 * ```ts ignore
 * const listener = await bindEpgm(address, epgmOptions(values), "SUB", "epgm://eth0;239.192.1.1:5555");
 * ```
 */
export async function bindEpgm(
  address: EpgmAddress,
  options: EpgmOptions,
  socketType: SocketType,
  endpoint: string,
): Promise<EpgmListener> {
  const connection = await openEpgm(address, options, socketType, endpoint);
  return { address, connection, close: () => connection.socket.close() };
}
