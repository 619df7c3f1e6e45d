/**
 * The interface between omq's datagram engines (udp RADIO/DISH/DGRAM, and
 * epgm's PGM-over-UDP) and a runtime's UDP sockets. Everything above
 * `transports/runtime/` sees only these types; one adapter per runtime
 * implements them (`udp-node.ts` for node:dgram, `udp-bun.ts` for
 * `Bun.udpSocket`) and `udp.ts` picks the one for the running runtime.
 *
 * The operations are the socket options a multicast transport needs, as
 * libzmq's `udp_engine` and OpenPGM set them: bind to a port on an
 * interface (sharing it with SO_REUSEADDR), join and leave a group on an
 * interface, the multicast TTL, loopback and outgoing interface, a send to
 * any address, and each received datagram with its source.
 *
 * @module
 */

/** An IP family: 4 or 6. */
export type UdpFamily = 4 | 6;

/** Where a UDP socket binds. */
export interface UdpBindOptions {
  /** A numeric host: "0.0.0.0" or "::" for every interface, else one interface's address. */
  readonly host: string;
  /** 0: the kernel picks one (see `UdpSocket.port`). */
  readonly port: number;
  /** IPv4 or IPv6; the host must be of that family. */
  readonly family: UdpFamily;
  /**
   * SO_REUSEADDR: several sockets may bind the same port, as libzmq sets it on every socket
   * that receives (so several DISH sockets on a host can take one multicast group's port).
   */
  readonly reuseAddress?: boolean;
  /**
   * The socket lets the process exit while it is open (a socket whose `holdsProcess` is false).
   * An option of the bind, not a call after it: Deno's node:dgram takes `unref()` only before
   * its bind completes, and ignores it once it receives (measured on Deno 2.9).
   */
  readonly unref?: boolean;
}

/** What a UDP socket tells its owner. Each is called on the runtime's event loop. */
export interface UdpHandlers {
  /**
   * One datagram arrived from `host` (numeric, as the kernel reports it) and `port`. The bytes are
   * the receiver's from now on: the adapter never reuses their memory.
   */
  datagram(data: Uint8Array, host: string, port: number): void;
  /** `send` returned false, and the runtime's queue has room again. */
  drain?(): void;
  /**
   * A datagram could not be sent (EMSGSIZE, ENETUNREACH, EHOSTUNREACH, ...): it is dropped
   * and the socket carries on. The error has an errno `code`.
   */
  sendError?(error: Error): void;
  /** The socket is closed (by `close`, or by an error it cannot go on after). Called once. */
  close?(error?: Error): void;
}

/** A bound UDP socket. */
export interface UdpSocket {
  /** The bound host, as given to `bind`. */
  readonly host: string;
  /** The bound port (the one the kernel chose for port 0). */
  readonly port: number;
  readonly family: UdpFamily;
  /** Starts delivering events; datagrams that arrive before are dropped. */
  start(handlers: UdpHandlers): void;
  /**
   * Sends one datagram made of `chunks` (gathered in order, with no copy where the runtime can) to
   * a numeric `host` and `port`. Returns false when the runtime's queue is above its limit: the
   * datagram is queued all the same, and `drain` says when to send again. A datagram that cannot
   * be sent goes to `sendError`, never thrown. The caller must not modify the chunks afterwards.
   */
  send(chunks: readonly Uint8Array[], host: string, port: number): boolean;
  /**
   * Joins a multicast `group` on the interface whose address is `iface` (IPv4), or whose name or
   * index is `iface` (IPv6); no `iface`: the kernel picks. Throws an errno-coded error, or one with
   * code "ENOTSUP" naming the runtime when it cannot join groups.
   */
  addMembership(group: string, iface?: string): void;
  /** Leaves a group joined with `addMembership` (same arguments). */
  dropMembership(group: string, iface?: string): void;
  /** IP_MULTICAST_TTL / IPV6_MULTICAST_HOPS for what this socket sends (libzmq's ZMQ_MULTICAST_HOPS). */
  setMulticastHops(hops: number): void;
  /** IP_MULTICAST_LOOP: whether this host's own sockets receive what this one multicasts. */
  setMulticastLoop(loop: boolean): void;
  /** IP_MULTICAST_IF: the interface (its address; for IPv6 its name) multicast goes out on. */
  setMulticastInterface(iface: string): void;
  /**
   * Stops delivering datagrams until `resume`. UDP has no flow control: what arrives meanwhile is
   * dropped, here or in the kernel (where its receive buffer overflows).
   */
  pause(): void;
  resume(): void;
  /** Closes once every datagram given to `send` has been handed to the kernel. */
  close(): Promise<void>;
}

/** A runtime's UDP sockets. */
export interface UdpRuntime {
  /** Which runtime this adapter is for. */
  readonly name: "node" | "deno" | "bun" | "browser";
  /** Binds a socket; rejects with an errno-coded error (`EADDRINUSE`, `EADDRNOTAVAIL`, `EACCES`, ...). */
  bind(options: UdpBindOptions): Promise<UdpSocket>;
  /**
   * The numeric address of a host name (a literal is returned as it is), of `family` if given;
   * rejects with code "ENOENT" or "EINVAL" when it does not resolve.
   */
  lookup(host: string, family?: UdpFamily): Promise<{ host: string; family: UdpFamily }>;
  /**
   * The address of a network interface by name ("eth0", "lo"), of the given family, or null when
   * there is no such interface (libzmq's NIC names in `udp://eth0;239.1.1.1:5555`).
   */
  interfaceAddress(name: string, family: UdpFamily): string | null;
}
