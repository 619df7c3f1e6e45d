/**
 * STREAM: talks to plain TCP peers (no ZeroMQ on the other side). Received
 * messages are `[routingId, data]`; `send([routingId, data])` writes the
 * bytes, and `send([routingId, ""])` closes that connection. With `notify`
 * (the default) a connect and a disconnect each arrive as `[routingId, ""]`.
 * As in libzmq, a connected endpoint has its routing id (and its queue) from
 * `connect` on: what is sent to it before the connection is up waits for it.
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import type { Message } from "../message.ts";
import { defineOptions } from "../options.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { idKey, RoutingIds } from "../routing/routing-ids.ts";
import { Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketRules } from "../socket-rules.ts";

/** Options of a `Stream`. */
export interface StreamOptions extends SocketOptions {
  /** Deliver `[routingId, ""]` when a peer connects or disconnects (default true) [ZMQ_STREAM_NOTIFY]. */
  notify?: boolean;
}

const EMPTY = new Uint8Array(0);

/**
 * A socket for raw TCP peers, such as an HTTP client.
 *
 * @example
 * ```ts
 * await using stream = new Stream();
 * await stream.bind("tcp://127.0.0.1:8080");
 * const [id, request] = await stream.receive(); // [id, ""] first: a client connected
 * await stream.send([id, "HTTP/1.0 200 OK\r\n\r\nhello"]);
 * await stream.send([id, ""]); // close it
 * ```
 */
export class Stream extends Socket {
  /** Deliver `[routingId, ""]` when a peer connects or disconnects [ZMQ_STREAM_NOTIFY]. */
  declare notify: boolean;

  /** Creates a Stream; every option can also be set later as a property of the same name. */
  constructor(options?: StreamOptions) {
    super("STREAM", options);
    useRules(this, () => new StreamRules(this));
  }
}

/** Stream's routing rules (see `SocketRules`). */
class StreamRules implements SocketRules {
  readonly #socket: Stream;
  #byId = new Map<string, Peer>();
  #in = new FairQueue();
  #ids = new RoutingIds();
  /** Peers the application closed with an empty frame. */
  #closedByUs = new WeakSet<Peer>();

  constructor(socket: Stream) {
    this.#socket = socket;
  }

  accepts(_socketType: string): boolean {
    return true;
  }

  attach(peer: Peer): boolean {
    if (peer.link) return false; // inproc has no raw bytes
    const id = peer.assignedId ?? this.#ids.generate();
    peer.routingId = id;
    this.#byId.set(idKey(id), peer);
    this.#in.add(peer);
    return true;
  }

  handshake(peer: Peer): void {
    // libzmq's raw engine notifies each connection as it is made (a connected id outlives it).
    if (this.#socket.notify) peer.inbound.write([EMPTY]);
  }

  disconnected(peer: Peer): void {
    if (this.#closedByUs.delete(peer)) {
      // libzmq neither notifies nor reconnects after the application closed a connection.
      if (!this.#socket.closed) this.#stopDialing(peer.endpoint);
      return;
    }
    // The disconnect notice follows whatever data the peer sent last (the queue drains before the peer is dropped).
    if (this.#socket.notify) peer.inbound.write([EMPTY]);
  }

  detach(peer: Peer): void {
    if (peer.routingId && this.#byId.get(idKey(peer.routingId)) === peer) this.#byId.delete(idKey(peer.routingId));
    this.#closedByUs.delete(peer);
  }

  send(message: Message): boolean {
    if (message.length < 2) throw new ZmqError("EINVAL", "Stream.send needs [routingId, data]");
    const peer = this.#byId.get(idKey(message[0]));
    // libzmq's stream.cpp: an id with no connection behind it is EHOSTUNREACH, whatever the options.
    if (!peer) throw new ZmqError("EHOSTUNREACH", "Stream.send: no connection with that routing id");
    if (message.length === 2 && message[1].byteLength === 0) {
      // Close: the id is gone at once (later sends to it fail), the engine writes what is queued, then closes.
      this.#byId.delete(idKey(message[0]));
      this.#closedByUs.add(peer);
      peer.outbound.write([EMPTY]);
      return true;
    }
    if (peer.outbound.full) return false;
    peer.outbound.write(message.slice(1));
    return true;
  }

  #stopDialing(endpoint: string): void {
    try {
      this.#socket.disconnect(endpoint);
    } catch {
      // A bound endpoint's connection: nothing to stop.
    }
  }

  receive(): Message | undefined {
    const message = this.#in.receive();
    return message === undefined ? undefined : [this.#in.lastPeer!.routingId!, ...message];
  }
}

defineOptions(Stream, {
  notify: { kind: "bool", default: true },
});
