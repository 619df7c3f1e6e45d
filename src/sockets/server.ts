/**
 * SERVER (RFC 41): talks to any number of CLIENT peers with single-part
 * messages. Each received message comes with its peer's routing id, and a
 * reply goes to the peer a routing id names.
 *
 * @module
 */
import { offerPeerMessages, type PeerMessageOptions, type SocketOptions } from "../socket.ts";
import { RoutedSocket } from "./routed.ts";

/**
 * Answers CLIENT sockets, addressing each by a numeric routing id (a libzmq draft type).
 *
 * @example
 * ```ts
 * await using server = new Server();
 * await server.bind("tcp://127.0.0.1:5555");
 * const [request, { routingId }] = await server.receive();
 * await server.send("world", { routingId });
 * ```
 */
export class Server extends RoutedSocket {
  /** Sent to each new peer first, on every connection [ZMQ_HELLO_MSG]. Read back as bytes. */
  declare helloMessage: Uint8Array | string | null;
  /** Received as if from a peer whose accepted connection ended [ZMQ_DISCONNECT_MSG]. Read back as bytes. */
  declare disconnectMessage: Uint8Array | string | null;

  /** Creates a Server; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & Pick<PeerMessageOptions, "helloMessage" | "disconnectMessage">) {
    super("SERVER", options);
  }
}
offerPeerMessages(Server, ["helloMessage", "disconnectMessage"]);
