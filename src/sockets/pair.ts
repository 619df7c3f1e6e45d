/**
 * PAIR (RFC 31): exactly one peer, messages both ways. A second peer is
 * refused while the first is attached, as libzmq does.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketRules } from "../socket-rules.ts";

/**
 * An exclusive two-way connection between two sockets.
 *
 * @example
 * ```ts
 * await using a = new Pair();
 * await a.bind("inproc://pair");
 * await using b = new Pair();
 * b.connect("inproc://pair");
 * await a.send("ping");
 * const [ping] = await b.receive();
 * ```
 */
export class Pair extends Socket {
  /** Creates a Pair; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions) {
    super("PAIR", options);
    useRules(this, () => new PairRules());
  }
}

/** Pair's routing rules (see `SocketRules`). */
class PairRules implements SocketRules {
  #peer: Peer | null = null;
  /** A peer that went away while it still had messages for us. */
  #draining: Peer | null = null;

  attach(peer: Peer): boolean {
    if (this.#peer) return false;
    this.#peer = peer;
    return true;
  }

  detach(peer: Peer): void {
    if (this.#peer !== peer) return;
    this.#peer = null;
    if (peer.inbound.size > 0) this.#draining = peer;
  }

  canSend(): boolean {
    return this.#peer !== null && this.#peer.outbound.hasRoom;
  }

  send(message: Message): boolean {
    const peer = this.#peer;
    if (!peer || peer.outbound.full) return false;
    peer.outbound.write(message);
    return true;
  }

  receive(): Message | undefined {
    if (this.#draining) {
      const message = this.#draining.inbound.read();
      if (message !== undefined) return message;
      this.#draining = null;
    }
    return this.#peer?.inbound.read();
  }
}
