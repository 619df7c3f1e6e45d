/**
 * What a socket knows of one peer: the pipe pair to it and what the peer
 * announced. A peer outlives its connection for connected endpoints, so
 * queued messages wait for the reconnect (libzmq's session keeps its pipe).
 *
 * @module
 */
import { Pipe } from "./pipe.ts";

/** One peer of a socket, over tcp, ipc or inproc. */
export class Peer {
  /** Messages from the socket to the peer. */
  readonly outbound: Pipe;
  /** Messages from the peer to the socket. */
  readonly inbound: Pipe;
  /** The endpoint this peer came through, e.g. "tcp://127.0.0.1:5555". */
  readonly endpoint: string;
  /** The peer's socket type, once its handshake is done (inproc: at once). */
  socketType: string | null = null;
  /** The Identity the peer announced, if any. */
  announcedId: Uint8Array | null = null;
  /** The id given locally with `connect(endpoint, { routingId })`, if any. */
  assignedId: Uint8Array | null = null;
  /** Set by routing sockets: the id this peer is addressed by. */
  routingId: Uint8Array | null = null;
  /** Over multicast (epgm): no subscriptions come back, so a publisher sends this peer everything. */
  subscribesToAll = false;
  /** True once the socket has stopped using this peer. */
  detached = false;
  /** For inproc: the other socket's end of the same pipes. */
  link: Peer | null = null;
  /** Set by the owning socket: tells it the peer is gone (the other inproc end closed). */
  onGone: (() => void) | null = null;
  /** Where the live connection comes from: tcp "ip:port", an ipc path, a ws URL, an inproc name; null unknown. */
  remoteAddress: string | null = null;
  /** When the live connection's handshake completed (ms since the epoch); null while not connected. */
  connectedAt: number | null = null;
  /** The security mechanism of the live (or last) connection: "NULL", "PLAIN" or "CURVE". */
  mechanism = "NULL";
  /** The user id the ZAP handler gave the peer (its User-Id property), if one authenticated it. */
  userId: Uint8Array | null = null;
  /** The properties the peer's READY (or INITIATE) carried, names in lowercase; null for inproc. */
  metadata: ReadonlyMap<string, Uint8Array> | null = null;
  /** The properties the ZAP handler's reply gave the connection (names in lowercase), if any. */
  zapMetadata: ReadonlyMap<string, Uint8Array> | null = null;

  constructor(outbound: Pipe, inbound: Pipe, endpoint: string) {
    this.outbound = outbound;
    this.inbound = inbound;
    this.endpoint = endpoint;
    inbound.reader = this;
  }

  /** A peer with a fresh pipe pair, for an engine-backed connection. */
  static withPipes(sendHwm: number, receiveHwm: number, endpoint: string, conflate = false): Peer {
    return new Peer(new Pipe(sendHwm, conflate), new Pipe(receiveHwm, conflate), endpoint);
  }
}
