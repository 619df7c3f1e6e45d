/**
 * DGRAM (libzmq's draft `dgram_t`): raw UDP datagrams, no ZeroMQ framing on
 * the wire. A message is always two frames, `[address, body]`: received, the
 * address (`"host:port"`) says where the datagram came from; sent, where the
 * body goes, as one datagram. A DGRAM socket binds one udp:// endpoint and
 * sends through it (libzmq's has a single pipe); it connects nowhere, and
 * takes no other transport (ENOCOMPATPROTO).
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import { type MulticastOptions, offerMulticast } from "../multicast-options.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketRules } from "../socket-rules.ts";
import { DatagramAddresses, MAX_DATAGRAM } from "../zmtp/datagram.ts";

/**
 * Sends and receives raw UDP datagrams as `[address, body]` messages (a libzmq draft type,
 * zeromq.js's `Datagram`).
 *
 * @example
 * ```ts
 * await using echo = new Datagram();
 * await echo.bind("udp://127.0.0.1:*");
 * for await (const [address, body] of echo) await echo.send([address, body]);
 * ```
 */
export class Datagram extends Socket {
  /** The TTL of the multicast it sends; 1 stays on the local network [ZMQ_MULTICAST_HOPS]. */
  declare multicastHops: number;
  /** Whether sockets on this host receive the multicast it sends [ZMQ_MULTICAST_LOOP]. */
  declare multicastLoop: boolean;
  readonly #rules: DatagramRules;

  /** Creates a Datagram; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & MulticastOptions) {
    super("DGRAM", options);
    this.#rules = useRules(this, () => new DatagramRules());
  }

  /**
   * Binds a udp:// endpoint (`udp://127.0.0.1:*`, `udp://*:5555`, or a multicast group, which it
   * joins); EINVAL while one is bound, ENOCOMPATPROTO for another transport.
   *
   * @example
   * ```ts
   * await dgram.bind("udp://127.0.0.1:*");
   * console.log(dgram.lastEndpoint); // udp://127.0.0.1:40731
   * ```
   */
  override bind(endpoint: string): Promise<void> {
    if (this.#rules.bound) {
      return Promise.reject(
        new ZmqError("EINVAL", `bind ${endpoint}: a DGRAM socket binds one endpoint (${this.lastEndpoint})`),
      );
    }
    return super.bind(endpoint);
  }
}

/** Datagram's routing rules (see `SocketRules`): one peer, its bound udp:// endpoint. */
class DatagramRules implements SocketRules {
  #peer: Peer | null = null;
  #in = new FairQueue();
  #addresses = new DatagramAddresses();

  get bound(): boolean {
    return this.#peer !== null;
  }

  attach(peer: Peer): boolean {
    if (this.#peer !== null) return false;
    this.#peer = peer;
    this.#in.add(peer);
    return true;
  }

  detach(peer: Peer): void {
    if (peer === this.#peer) this.#peer = null;
  }

  /** `[address, body]`: checked here, so a bad one fails the send rather than vanish on the wire. */
  send(message: Message): boolean {
    if (message.length !== 2) {
      throw new ZmqError("EINVAL", `DGRAM sockets send [address, body], not ${message.length} frames`);
    }
    if (this.#addresses.peerOf(message[0]) === null) {
      const text = new TextDecoder().decode(message[0].subarray(0, 64));
      throw new ZmqError(
        "EINVAL",
        `DGRAM address "${text}" is not a numeric host:port ("127.0.0.1:5555", "[::1]:5555")`,
      );
    }
    if (message[1].byteLength > MAX_DATAGRAM) {
      throw new ZmqError("EMSGSIZE", `DGRAM body of ${message[1].byteLength} bytes is over UDP's ${MAX_DATAGRAM}`);
    }
    const peer = this.#peer;
    // Not bound yet, or the queue is full: wait (up to sendTimeout), as any socket without room.
    if (peer === null || peer.outbound.full) return false;
    peer.outbound.write(message);
    return true;
  }

  receive(): Message | undefined {
    return this.#in.receive();
  }
}

offerMulticast(Datagram);
