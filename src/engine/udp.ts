/**
 * The datagram engine of udp:// (libzmq's `udp_engine`): one UDP socket per
 * endpoint, one datagram per message, no handshake. RADIO and DISH carry
 * `[group, body]` as one datagram (the group's length byte, the group, the
 * body); DGRAM carries `[address, body]`, the address (`"host:port"`) being
 * where the body came from or goes. A RADIO's socket only sends, a DISH's
 * only receives (what the DISH queues for its peer, its joins, is dropped:
 * it filters what arrives itself), a DGRAM's does both.
 *
 * A datagram that cannot be a message is dropped, never thrown: an empty or
 * truncated one, a body over `maxMessageSize`, one that arrives while the
 * receive queue is full (as libzmq, which drops it when its pipe is full);
 * going out, one the kernel refuses (over 65507 bytes: EMSGSIZE), and a DGRAM
 * message whose address is not `host:port`.
 *
 * @module
 */
import type { UdpConnection } from "../../transports/udp.ts";
import type { Message } from "../message.ts";
import type { Pipe } from "../pipe.ts";
import {
  datagramAddress,
  DatagramAddresses,
  type DatagramPeer,
  groupDatagram,
  parseGroupDatagram,
} from "../zmtp/datagram.ts";
import { socketTypeInfo } from "../zmtp/socket-type.ts";
import { EngineBase, type Link } from "./base.ts";
import type { EngineHost, EngineOptions } from "./types.ts";

const encoder = new TextEncoder();

/** The base's link over a UDP socket: a write is one datagram, its chunks gathered, sent to `to`. */
class UdpLink implements Link {
  readonly remoteAddress: string;
  /** Where the next write goes (a DGRAM sets it per message); null: nowhere (a DISH). */
  to: DatagramPeer | null;
  readonly #conn: UdpConnection;

  constructor(conn: UdpConnection) {
    this.#conn = conn;
    this.remoteAddress = conn.remoteAddress;
    this.to = conn.target;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    const to = this.to;
    return to === null || this.#conn.socket.send(chunks, to.host, to.port);
  }

  pause(): void {
    this.#conn.socket.pause();
  }

  resume(): void {
    this.#conn.socket.resume();
  }

  // UDP has no graceful end: closing waits only for the datagrams handed over to leave.
  end(): void {
    void this.#conn.socket.close();
  }

  destroy(): void {
    void this.#conn.socket.close();
  }
}

/**
 * Drives one udp:// endpoint for a RADIO, DISH or DGRAM socket.
 *
 * @example
 * ```ts ignore
 * const engine = new UdpEngine(await connectUdp(address, udpOptions, endpoint), options, host);
 * ```
 */
export class UdpEngine extends EngineBase {
  readonly #udpLink: UdpLink;
  readonly #sends: boolean;
  readonly #receives: boolean;
  /** DGRAM: the first frame is the peer's address; RADIO/DISH: the group. */
  readonly #addressed: boolean;
  readonly #maxMessageSize: number;
  /** The last DGRAM source and its address frame: a peer that sends many datagrams is named once. */
  #lastHost = "";
  #lastPort = 0;
  #lastFrame: Uint8Array = new Uint8Array(0);
  #addresses = new DatagramAddresses();

  constructor(conn: UdpConnection, options: EngineOptions, host: EngineHost) {
    const link = new UdpLink(conn);
    // Graceful close hands over everything queued: a datagram is never waited for by anyone.
    super(link, host, options.defer, false, true);
    this.#udpLink = link;
    const info = socketTypeInfo(options.socketType);
    const use = info.udp!;
    this.#sends = info.sends;
    this.#receives = info.receives;
    this.#addressed = use.datagram === "address";
    this.#maxMessageSize = options.maxMessageSize;
    conn.socket.start({
      datagram: (data, from, port) => this.#datagram(data, from, port),
      drain: () => this.transportDrained(),
      // Dropped, as libzmq drops what its sendto refuses; the socket carries on.
      sendError: () => {},
      close: (error) => this.transportClosed(error),
    });
    conn.closeGracefully = () => this.close(true);
    // No handshake: the far end is taken to be the type the table names.
    const peer = host.ready(this, new Map([["socket-type", encoder.encode(use.peer)]]));
    if (!peer || this.closed) {
      this.close();
      return;
    }
    this.attach(peer);
  }

  #datagram(data: Uint8Array, host: string, port: number): void {
    if (!this.#receives || this.peer === null || this.closed) return;
    const max = this.#maxMessageSize;
    if (this.#addressed) {
      if (max >= 0 && data.byteLength > max) return;
      this.deliver([this.#addressFrame(host, port), data]);
      return;
    }
    const message = parseGroupDatagram(data);
    if (message === null || (max >= 0 && message[1].byteLength > max)) return;
    this.deliver(message);
  }

  #addressFrame(host: string, port: number): Uint8Array {
    if (host !== this.#lastHost || port !== this.#lastPort) {
      this.#lastHost = host;
      this.#lastPort = port;
      this.#lastFrame = encoder.encode(datagramAddress(host, port));
    }
    return this.#lastFrame;
  }

  protected writeQueued(outbound: Pipe): void {
    let message: Message | undefined;
    if (!this.#sends) {
      // A DISH's joins: it filters what arrives itself, as libzmq's udp engine drops them.
      while (outbound.read() !== undefined);
      return;
    }
    while ((message = outbound.read()) !== undefined) {
      if (message.length !== 2) continue;
      let chunks: Uint8Array[] | null;
      if (this.#addressed) {
        // Not a numeric host:port (Datagram.send checks, but a frame may change after it): dropped.
        const to = this.#addresses.peerOf(message[0]);
        if (to === null) continue;
        this.#udpLink.to = to;
        chunks = [message[1]];
      } else {
        chunks = groupDatagram(message[0], message[1]);
        if (chunks === null) continue;
      }
      if (!this.write(chunks)) return;
    }
  }
}
