/**
 * PEER (RFC 51): talks to any number of PEER peers with single-part
 * messages, each addressed by the non-zero 32-bit routing id this socket
 * gave its queue (SERVER's routing, libzmq's `peer_t`). `connectPeer`
 * connects and tells the routing id at once: the queue exists from the
 * connect on, whether or not the connection is made yet.
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import { offerPeerMessages, type PeerMessageOptions, type SocketOptions } from "../socket.ts";
import { RoutedSocket, routingRulesOf } from "./routed.ts";

/**
 * Both ends of a peer-to-peer link, addressing each other by routing id (a libzmq draft type).
 *
 * @example
 * ```ts
 * await using a = new Peer();
 * await a.bind("tcp://127.0.0.1:5555");
 * await using b = new Peer();
 * const routingId = await b.connectPeer("tcp://127.0.0.1:5555");
 * await b.send("hello", { routingId });
 * const [hello, { routingId: fromB }] = await a.receive();
 * await a.send("hi", { routingId: fromB });
 * ```
 */
export class Peer extends RoutedSocket {
  /** Sent to each new peer first, on every connection [ZMQ_HELLO_MSG]. Read back as bytes. */
  declare helloMessage: Uint8Array | string | null;
  /** Received as if from a peer whose accepted connection ended [ZMQ_DISCONNECT_MSG]. Read back as bytes. */
  declare disconnectMessage: Uint8Array | string | null;
  /** Received as if from a connected peer whose connection dropped [ZMQ_HICCUP_MSG]. Read back as bytes. */
  declare hiccupMessage: Uint8Array | string | null;

  /** Creates a Peer; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & PeerMessageOptions) {
    super("PEER", options);
  }

  /**
   * Connects to `endpoint` (in the background, as `connect`) and resolves with the routing id
   * of the new peer's queue, which messages to it can be sent to at once. Rejects with ENOTSUP
   * when `immediate` is set (libzmq's `zmq_connect_peer` refuses it: the queue would not exist
   * yet), with EINVAL when `endpoint` is connected already.
   *
   * @example
   * ```ts
   * const routingId = await peer.connectPeer("tcp://127.0.0.1:5555");
   * await peer.send("hello", { routingId });
   * ```
   */
  connectPeer(endpoint: string): Promise<number> {
    if (this.immediate) {
      return Promise.reject(new ZmqError("ENOTSUP", `connectPeer ${endpoint}: not with the immediate option`));
    }
    const rules = routingRulesOf(this);
    const before = rules.attached;
    try {
      this.connect(endpoint);
    } catch (err) {
      return Promise.reject(err);
    }
    if (rules.attached === before) {
      return Promise.reject(new ZmqError("EINVAL", `connectPeer ${endpoint}: connected already, or refused`));
    }
    return Promise.resolve(rules.lastId);
  }
}
offerPeerMessages(Peer, ["helloMessage", "disconnectMessage", "hiccupMessage"]);
