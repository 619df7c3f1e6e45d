/**
 * omq: ZeroMQ for Deno, Bun and Node, written in TypeScript. Speaks ZMTP 3.1
 * to any libzmq peer over tcp and ipc, and passes messages in-process over
 * inproc.
 *
 * @example
 * ```ts
 * import { Pull, Push } from "./mod.ts";
 * await using pull = new Pull();
 * await pull.bind("tcp://127.0.0.1:*");
 * await using push = new Push();
 * push.connect(pull.lastEndpoint!);
 * await push.send("hello");
 * console.log(await pull.receive());
 * ```
 *
 * @module
 */
export {
  type ConflateOptions,
  type ConnectOptions,
  type PeerMessageOptions,
  Socket,
  type SocketOptionFields,
  type SocketOptions,
} from "./src/socket.ts";
export { Pair } from "./src/sockets/pair.ts";
export { Push } from "./src/sockets/push.ts";
export { Pull } from "./src/sockets/pull.ts";
export { Request, type RequestOptions } from "./src/sockets/request.ts";
export { Reply } from "./src/sockets/reply.ts";
export { Dealer, type DealerOptions } from "./src/sockets/dealer.ts";
export { Router, type RouterOptions } from "./src/sockets/router.ts";
export { Publisher } from "./src/sockets/publisher.ts";
export { Subscriber, type SubscriberOptions } from "./src/sockets/subscriber.ts";
export { XPublisher, type XPublisherOptions, type XPublisherVerbosity } from "./src/sockets/xpublisher.ts";
export { XSubscriber, type XSubscriberOptions } from "./src/sockets/xsubscriber.ts";
export { Stream, type StreamOptions } from "./src/sockets/stream.ts";
// libzmq's draft socket types (zeromq.js's `zeromq/draft` names), and the old names of DEALER and ROUTER.
export { Client } from "./src/sockets/client.ts";
export { Server } from "./src/sockets/server.ts";
export { RoutedSocket, type RoutingIdOptions } from "./src/sockets/routed.ts";
export { Scatter } from "./src/sockets/scatter.ts";
export { Gather } from "./src/sockets/gather.ts";
export { Radio, type RadioGroupOptions } from "./src/sockets/radio.ts";
export { Dish, type DishGroupOptions } from "./src/sockets/dish.ts";
export type { GroupLike } from "./src/sockets/groups.ts";
export { Peer } from "./src/sockets/peer.ts";
export { Channel } from "./src/sockets/channel.ts";
export { Datagram } from "./src/sockets/datagram.ts";
export type { MulticastOptions } from "./src/multicast-options.ts";
export type { PgmOptions } from "./src/pgm/socket-options.ts";
export { DraftSocket } from "./src/sockets/draft-socket.ts";
export { Dealer as XREQ } from "./src/sockets/dealer.ts";
export { Router as XREP } from "./src/sockets/router.ts";
export type { PublishingOptions, PublishingSocket } from "./src/sockets/publishing.ts";
export type { SubscribingSocket } from "./src/sockets/subscribing.ts";
export type { SocketType } from "./src/zmtp/socket-type.ts";
export { Proxy, proxy, type ProxyCounters, type ProxyStatistics } from "./src/proxy.ts";
export { Context, context, type ContextOptions } from "./src/context.ts";
export type { SocketStats } from "./src/observe/stats.ts";
export type { PeerInfo } from "./src/observe/peer-info.ts";
export type { MessageProperties } from "./src/observe/properties.ts";
export { contextStats } from "./src/observe/context-stats.ts";
export type {
  ByteConnection,
  ConnectionHandlers,
  DialOptions,
  Listener,
  ListenOptions,
  Runtime,
  SocketAddress,
} from "./transports/runtime/types.ts";
export { type CurveKeyPair, curveKeyPair, curvePublicKey } from "./src/curve-keys.ts";
export * as z85 from "./src/zmtp/z85.ts";
export { ZAP_ENDPOINT } from "./src/zap.ts";
export type { ProtocolErrorCode } from "./src/zmtp/mechanism.ts";
export { type ErrorCode, ZmqError } from "./src/errors.ts";
export type { SocketEvent, SocketEventOfType, SocketEvents, SocketEventType } from "./src/events.ts";
export type { Frame, FrameLike, Message, MessageLike } from "./src/message.ts";
export { version } from "./src/version.ts";
