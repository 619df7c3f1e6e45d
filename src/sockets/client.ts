/**
 * CLIENT (RFC 41): single-part messages, each sent to one connected SERVER in
 * round-robin over those with room; replies are fair-queued from all of them.
 * A multipart send is EINVAL, as libzmq.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import { LoadBalancer } from "../routing/load-balancer.ts";
import { offerPeerMessages, type PeerMessageOptions, Socket, type SocketOptions, useRules } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";
import { checkSinglePart, receiveSinglePart } from "./draft-socket.ts";

/**
 * Talks to SERVER sockets: an asynchronous, single-part DEALER (a libzmq draft type).
 *
 * @example
 * ```ts
 * await using client = new Client();
 * client.connect("tcp://127.0.0.1:5555");
 * await client.send("hello");
 * const [reply] = await client.receive();
 * ```
 */
export class Client extends Socket {
  /** Sent to each new peer first, on every connection [ZMQ_HELLO_MSG]. Read back as bytes. */
  declare helloMessage: Uint8Array | string | null;
  /** Received as if from a connected peer whose connection dropped [ZMQ_HICCUP_MSG]. Read back as bytes. */
  declare hiccupMessage: Uint8Array | string | null;

  /** Creates a Client; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & Pick<PeerMessageOptions, "helloMessage" | "hiccupMessage">) {
    super("CLIENT", options);
    useRules(this, (core) => new ClientRules(core));
  }
}

/** Client's routing rules (see `SocketRules`). */
class ClientRules implements SocketRules {
  readonly #core: SocketCore;
  #out = new LoadBalancer();
  #in = new FairQueue();

  constructor(core: SocketCore) {
    this.#core = core;
  }

  attach(peer: Peer): boolean {
    this.#out.add(peer);
    this.#in.add(peer);
    return true;
  }

  detach(peer: Peer): void {
    this.#out.remove(peer);
  }

  canSend(): boolean {
    return this.#out.hasRoom;
  }

  send(message: Message): boolean {
    checkSinglePart(message, "CLIENT");
    return this.#out.send(message);
  }

  receive(): Message | undefined {
    return receiveSinglePart(this.#in, this.#core);
  }
}
offerPeerMessages(Client, ["helloMessage", "hiccupMessage"]);
