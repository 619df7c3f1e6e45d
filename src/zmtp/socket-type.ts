/**
 * Every fact about a socket type that code outside its own socket file needs,
 * in one table (zmq.rs's `COMPATIBILITY_MATRIX`, RFC 23/37 §"Socket
 * compatibility"). The engine, the session, proxies, the ws transport and the
 * CLI read flags from a row; none of them tests a type name. Adding a type is
 * one row here plus its socket file.
 *
 * @module
 */

/** The socket type names as they appear in the READY command. */
export type SocketType =
  | "PAIR"
  | "PUB"
  | "SUB"
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "PULL"
  | "PUSH"
  | "XPUB"
  | "XSUB"
  | "STREAM"
  // libzmq's draft types (RFC 41, 48, 49, 51):
  | "SERVER"
  | "CLIENT"
  | "RADIO"
  | "DISH"
  | "GATHER"
  | "SCATTER"
  | "PEER"
  | "CHANNEL"
  // libzmq's raw udp type (draft), which never speaks ZMTP:
  | "DGRAM";

/** One row of the table: what a socket of this type is and does on the wire. */
export interface SocketTypeInfo {
  /** Types a peer may announce in its READY; anything else is refused at the handshake. */
  readonly peers: readonly SocketType[];
  /** Whether the application may send on it (PULL and SUB may not). */
  readonly sends: boolean;
  /** Whether the application may receive on it (PUSH and PUB may not). */
  readonly receives: boolean;
  /** Whether its READY carries the Identity property (libzmq: REQ, DEALER, ROUTER). */
  readonly announcesIdentity: boolean;
  /** One message per connection in flight: nothing joins a write batch, so the engine flushes in a microtask. */
  readonly lockstep: boolean;
  /** Sends (un)subscriptions: its 0x01/0x00 messages go out as SUBSCRIBE/CANCEL commands on ZMTP 3.1 (RFC 37). */
  readonly sendsSubscriptions: boolean;
  /** Takes (un)subscriptions: the peer's SUBSCRIBE/CANCEL commands reach it as 0x01/0x00 messages. */
  readonly receivesSubscriptions: boolean;
  /** Sends group joins: its 0x01/0x00 messages go out as JOIN/LEAVE commands on ZMTP 3.1 (RFC 48). */
  readonly sendsJoins: boolean;
  /** Takes group joins: the peer's JOIN/LEAVE commands reach it as 0x01/0x00 messages. */
  readonly receivesJoins: boolean;
  /**
   * The engine that drives its tcp/ipc connections: ZMTP, or raw bytes (STREAM); "datagram": it has
   * none, and takes udp:// only (DGRAM).
   */
  readonly engine: "zmtp" | "raw" | "datagram";
  /**
   * How it uses udp:// (libzmq's socket_base and udp_engine), or null where udp:// is refused with
   * ENOCOMPATPROTO: whether it binds (receives at the address: DISH, DGRAM) or connects (sends to
   * it: RADIO); what each datagram carries besides the body (RADIO/DISH: a group, DGRAM: the
   * peer's address as its first frame); and the type the far end is taken to be (udp has no
   * handshake).
   */
  readonly udp: UdpUse | null;
  /**
   * Bare "ZWS2.0" carries no socket type (RFC 45 §"No Mechanism"): the type the peer is
   * taken to be. null: the type cannot talk bare ZWS (or ws at all).
   */
  readonly wsBarePeer: SocketType | null;
}

/** How a socket type uses udp:// (see `SocketTypeInfo.udp`). */
export interface UdpUse {
  readonly role: "bind" | "connect";
  readonly datagram: "group" | "address";
  readonly peer: SocketType;
}

const row = (
  peers: readonly SocketType[],
  flags: Partial<Omit<SocketTypeInfo, "peers">>,
): SocketTypeInfo => ({
  peers,
  sends: true,
  receives: true,
  announcesIdentity: false,
  lockstep: false,
  sendsSubscriptions: false,
  receivesSubscriptions: false,
  sendsJoins: false,
  receivesJoins: false,
  engine: "zmtp",
  udp: null,
  wsBarePeer: peers[0] ?? null,
  ...flags,
});

/** The table. Flags not given take the defaults of `row`: sends, receives, ZMTP, nothing else. */
export const SOCKET_TYPES: Readonly<Record<SocketType, SocketTypeInfo>> = {
  PAIR: row(["PAIR"], {}),
  PUB: row(["SUB", "XSUB"], { receives: false, receivesSubscriptions: true }),
  SUB: row(["PUB", "XPUB"], { sends: false, sendsSubscriptions: true }),
  REQ: row(["REP", "ROUTER"], { announcesIdentity: true, lockstep: true, wsBarePeer: "ROUTER" }),
  REP: row(["REQ", "DEALER"], { lockstep: true, wsBarePeer: "DEALER" }),
  DEALER: row(["REP", "DEALER", "ROUTER"], { announcesIdentity: true, wsBarePeer: "ROUTER" }),
  ROUTER: row(["REQ", "DEALER", "ROUTER"], { announcesIdentity: true, wsBarePeer: "DEALER" }),
  PULL: row(["PUSH"], { sends: false }),
  PUSH: row(["PULL"], { receives: false }),
  XPUB: row(["SUB", "XSUB"], { receivesSubscriptions: true, wsBarePeer: "SUB" }),
  XSUB: row(["PUB", "XPUB"], { sendsSubscriptions: true, wsBarePeer: "PUB" }),
  STREAM: row([], { engine: "raw", wsBarePeer: null }),
  SERVER: row(["CLIENT"], {}),
  CLIENT: row(["SERVER"], {}),
  RADIO: row(["DISH"], {
    receives: false,
    receivesJoins: true,
    udp: { role: "connect", datagram: "group", peer: "DISH" },
  }),
  DISH: row(["RADIO"], { sends: false, sendsJoins: true, udp: { role: "bind", datagram: "group", peer: "RADIO" } }),
  GATHER: row(["SCATTER"], { sends: false }),
  SCATTER: row(["GATHER"], { receives: false }),
  PEER: row(["PEER"], {}),
  CHANNEL: row(["CHANNEL"], {}),
  DGRAM: row(["DGRAM"], {
    engine: "datagram",
    udp: { role: "bind", datagram: "address", peer: "DGRAM" },
    wsBarePeer: null,
  }),
};

/** The row of a socket type. */
export function socketTypeInfo(type: SocketType): SocketTypeInfo {
  return SOCKET_TYPES[type];
}

/** Whether a socket of type `ours` accepts a peer that says it is `theirs`. */
export function compatible(ours: SocketType, theirs: string): boolean {
  return (SOCKET_TYPES[ours].peers as readonly string[]).includes(theirs);
}
