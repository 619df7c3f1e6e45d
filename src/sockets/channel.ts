/**
 * CHANNEL (libzmq's `channel.cpp`, the thread-safe PAIR): exactly one peer,
 * single-part messages both ways. A second peer is refused while the first
 * is attached; a multipart send is EINVAL and a multipart message from the
 * peer is dropped, as libzmq does.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";
import { checkSinglePart } from "./draft-socket.ts";

/**
 * An exclusive two-way link of single-part messages (a libzmq draft type).
 *
 * @example
 * ```ts
 * await using a = new Channel();
 * await a.bind("inproc://channel");
 * await using b = new Channel();
 * b.connect("inproc://channel");
 * await a.send("ping");
 * const [ping] = await b.receive();
 * ```
 */
export class Channel extends Socket {
  /** Creates a Channel; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions) {
    super("CHANNEL", options);
    useRules(this, (core) => new ChannelRules(core));
  }
}

/** Channel's routing rules (see `SocketRules`); PAIR's, for single-part messages. */
class ChannelRules implements SocketRules {
  readonly #core: SocketCore;
  #peer: Peer | null = null;
  /** A peer that went away while it still had messages for us. */
  #draining: Peer | null = null;

  constructor(core: SocketCore) {
    this.#core = core;
  }

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
    checkSinglePart(message, "CHANNEL");
    const peer = this.#peer;
    if (!peer || peer.outbound.full) return false;
    peer.outbound.write(message);
    return true;
  }

  receive(): Message | undefined {
    let message: Message | undefined;
    while ((message = this.#next()) !== undefined && message.length !== 1) this.#core.dropped(1);
    return message;
  }

  #next(): Message | undefined {
    if (this.#draining) {
      const message = this.#draining.inbound.read();
      if (message !== undefined) return message;
      this.#draining = null;
    }
    return this.#peer?.inbound.read();
  }
}
