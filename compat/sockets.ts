/**
 * zeromq.js's socket classes (`Pair` ... `Stream`), each an omq socket of the
 * same type behind the compat `Socket`: its constructor, its own methods, and
 * (through declaration merging, as zeromq.js types them) the `send`/`receive`
 * and options its type has. `installMethods` puts the runtime `send`/`receive`
 * on the types that have them; `defineOptionAccessors` their option properties.
 *
 * @module
 */
import type { Message, MessageLike } from "./frames.ts";
import { defineOptionAccessors } from "./option-access.ts";
import { SOCKET_OPTIONS } from "./options.ts";
import { connectWithId, receiveOn, sendOn, Socket } from "./socket.ts";
import { SOCKET_TYPES, SocketType } from "./socket-types.ts";
import type { Readable, SocketOptions, Writable } from "./types.ts";

/** Options of `Router.connect`. */
export interface RouterConnectOptions {
  /** The routing id this socket will know the peer by [ZMQ_CONNECT_ROUTING_ID]. */
  routingId?: string;
}

/** Options of `Stream.connect`. */
export interface StreamConnectOptions {
  /** The routing id this socket will know the peer by [ZMQ_CONNECT_ROUTING_ID]. */
  routingId?: string;
}

/**
 * PAIR: one peer, both ways.
 *
 * @example
 * ```ts
 * const pair = new Pair();
 * await pair.bind("inproc://pair");
 * ```
 */
export class Pair extends Socket {
  /** Creates a Pair with zeromq.js's options. */
  constructor(options?: SocketOptions<Pair>) {
    super(SocketType.Pair, options);
  }
}
/** What Pair sends and receives, typed as in zeromq.js. */
export interface Pair extends Writable, Readable {}

/**
 * PUB: sends to every subscriber whose subscription matches.
 *
 * @example
 * ```ts
 * const pub = new Publisher();
 * await pub.bind("tcp://*:5556");
 * await pub.send(["topic", "data"]);
 * ```
 */
export class Publisher extends Socket {
  /** Wait (or fail with EAGAIN) instead of dropping at the high-water mark [ZMQ_XPUB_NODROP]. */
  declare noDrop: boolean;
  /** Keep only the newest message [ZMQ_CONFLATE]. */
  declare conflate: boolean;
  /** Send to subscribers whose subscription does NOT match [ZMQ_INVERT_MATCHING]. */
  declare invertMatching: boolean;
  /** Creates a Publisher with zeromq.js's options. */
  constructor(options?: SocketOptions<Publisher>) {
    super(SocketType.Publisher, options);
  }
}
/** What Publisher sends and receives, typed as in zeromq.js. */
export interface Publisher extends Writable {}

/**
 * SUB: receives what publishers send to its subscriptions.
 *
 * @example
 * ```ts
 * const sub = new Subscriber();
 * sub.connect("tcp://127.0.0.1:5556");
 * sub.subscribe("topic");
 * const [topic, data] = await sub.receive();
 * ```
 */
export class Subscriber extends Socket {
  /** Keep only the newest message [ZMQ_CONFLATE]. */
  declare conflate: boolean;
  /** Receive what does NOT match the subscriptions [ZMQ_INVERT_MATCHING]. */
  declare invertMatching: boolean;
  /** Creates a Subscriber with zeromq.js's options. */
  constructor(options?: SocketOptions<Subscriber>) {
    super(SocketType.Subscriber, options);
  }

  /** Subscribes to messages starting with each prefix; none means everything [ZMQ_SUBSCRIBE]. */
  subscribe(...prefixes: Array<Uint8Array | string>): void {
    if (prefixes.length === 0) prefixes = [""];
    for (const prefix of prefixes) (this as unknown as StringOptions).setStringOption(6, prefix);
  }

  /** Cancels subscriptions; none cancels the subscription to everything [ZMQ_UNSUBSCRIBE]. */
  unsubscribe(...prefixes: Array<Uint8Array | string>): void {
    if (prefixes.length === 0) prefixes = [""];
    for (const prefix of prefixes) (this as unknown as StringOptions).setStringOption(7, prefix);
  }
}
/** What Subscriber sends and receives, typed as in zeromq.js. */
export interface Subscriber extends Readable {}

/** The protected accessor the subscription methods go through, as zeromq.js's do. */
interface StringOptions {
  setStringOption(option: number, value: string | Uint8Array | null): void;
}

/**
 * REQ: sends a request, then receives its reply, in turn.
 *
 * @example
 * ```ts
 * const req = new Request();
 * req.connect("tcp://127.0.0.1:5555");
 * await req.send("hello");
 * const [reply] = await req.receive();
 * ```
 */
export class Request extends Socket {
  /** The identity announced to peers [ZMQ_ROUTING_ID]. */
  declare routingId: string | null;
  /** Send an empty message to each new peer [ZMQ_PROBE_ROUTER]. */
  declare probeRouter: boolean;
  /** Match replies to requests [ZMQ_REQ_CORRELATE]. */
  declare correlate: boolean;
  /** Allow a new request before the reply [ZMQ_REQ_RELAXED]. */
  declare relaxed: boolean;
  /** Creates a Request with zeromq.js's options. */
  constructor(options?: SocketOptions<Request>) {
    super(SocketType.Request, options);
  }
}
/** What Request sends and receives, typed as in zeromq.js. */
export interface Request extends Readable, Writable {}

/**
 * REP: receives a request, then sends its reply, in turn.
 *
 * @example
 * ```ts
 * const rep = new Reply();
 * await rep.bind("tcp://*:5555");
 * for await (const [request] of rep) await rep.send(request);
 * ```
 */
export class Reply extends Socket {
  /** The identity announced to peers [ZMQ_ROUTING_ID]. */
  declare routingId: string | null;
  /** Creates a Reply with zeromq.js's options. */
  constructor(options?: SocketOptions<Reply>) {
    super(SocketType.Reply, options);
  }
}
/** What Reply sends and receives, typed as in zeromq.js. */
export interface Reply extends Readable, Writable {}

/**
 * DEALER: load-balances to its peers, fair-queues from them.
 *
 * @example
 * ```ts
 * const dealer = new Dealer({ routingId: "worker-1" });
 * dealer.connect("tcp://127.0.0.1:5555");
 * ```
 */
export class Dealer extends Socket {
  /** The identity announced to peers [ZMQ_ROUTING_ID]. */
  declare routingId: string | null;
  /** Send an empty message to each new peer [ZMQ_PROBE_ROUTER]. */
  declare probeRouter: boolean;
  /** Keep only the newest message [ZMQ_CONFLATE]. */
  declare conflate: boolean;
  /** Creates a Dealer with zeromq.js's options. */
  constructor(options?: SocketOptions<Dealer>) {
    super(SocketType.Dealer, options);
  }
}
/** What Dealer sends and receives, typed as in zeromq.js. */
export interface Dealer extends Readable, Writable {}

/**
 * ROUTER: messages come with their peer's routing id first; a reply names the peer it goes to.
 *
 * @example
 * ```ts
 * const router = new Router();
 * await router.bind("tcp://*:5555");
 * for await (const [id, request] of router) await router.send([id, request]);
 * ```
 */
export class Router extends Socket {
  /** The identity announced to peers [ZMQ_ROUTING_ID]. */
  declare routingId: string | null;
  /** Fail a send to an unknown peer with EHOSTUNREACH [ZMQ_ROUTER_MANDATORY]. */
  declare mandatory: boolean;
  /** Send an empty message to each new peer [ZMQ_PROBE_ROUTER]. */
  declare probeRouter: boolean;
  /** A new peer with a routing id in use takes it over [ZMQ_ROUTER_HANDOVER]. */
  declare handover: boolean;
  /** Creates a Router with zeromq.js's options. */
  constructor(options?: SocketOptions<Router>) {
    super(SocketType.Router, options);
  }

  /** Connects, knowing the peer by `routingId` if given [ZMQ_CONNECT_ROUTING_ID]. */
  override connect(address: string, options: RouterConnectOptions = {}): void {
    if (options.routingId) connectWithId(this, address, options.routingId);
    else super.connect(address);
  }
}
/** What Router sends and receives, typed as in zeromq.js. */
export interface Router extends Readable, Writable {}

/**
 * PULL: fair-queues messages from its pushers.
 *
 * @example
 * ```ts
 * const pull = new Pull();
 * await pull.bind("tcp://*:5557");
 * for await (const [work] of pull) console.log(work.toString());
 * ```
 */
export class Pull extends Socket {
  /** Creates a Pull with zeromq.js's options. */
  constructor(options?: SocketOptions<Pull>) {
    super(SocketType.Pull, options);
  }
}
/** What Pull sends and receives, typed as in zeromq.js. */
export interface Pull extends Readable {
  /** Keep only the newest message [ZMQ_CONFLATE]. */
  conflate: boolean;
}

/**
 * PUSH: load-balances messages to its pullers.
 *
 * @example
 * ```ts
 * const push = new Push();
 * push.connect("tcp://127.0.0.1:5557");
 * await push.send("work");
 * ```
 */
export class Push extends Socket {
  /** Creates a Push with zeromq.js's options. */
  constructor(options?: SocketOptions<Push>) {
    super(SocketType.Push, options);
  }
}
/** What Push sends and receives, typed as in zeromq.js. */
export interface Push extends Writable {
  /** Keep only the newest message [ZMQ_CONFLATE]. */
  conflate: boolean;
}

/**
 * XPUB: a publisher that receives its subscribers' subscriptions as messages.
 *
 * @example
 * ```ts
 * const xpub = new XPublisher();
 * await xpub.bind("tcp://*:5558");
 * const [subscription] = await xpub.receive(); // 0x01 + prefix
 * ```
 */
export class XPublisher extends Socket {
  /** Wait instead of dropping at the high-water mark [ZMQ_XPUB_NODROP]. */
  declare noDrop: boolean;
  /** Subscriptions apply only through `subscribe`/`unsubscribe` [ZMQ_XPUB_MANUAL]. */
  declare manual: boolean;
  /** Sent to each new subscriber [ZMQ_XPUB_WELCOME_MSG]. */
  declare welcomeMessage: string | null;
  /** Send to subscribers whose subscription does NOT match [ZMQ_INVERT_MATCHING]. */
  declare invertMatching: boolean;
  /** Creates an XPublisher with zeromq.js's options. */
  constructor(options?: SocketOptions<XPublisher>) {
    super(SocketType.XPublisher, options);
  }

  /**
   * Which subscriptions are passed up: null only changes, "allSubs" every subscribe,
   * "allSubsUnsubs" every subscribe and unsubscribe [ZMQ_XPUB_VERBOSE/VERBOSER].
   */
  set verbosity(value: null | "allSubs" | "allSubsUnsubs") {
    const options = this as unknown as BoolOptions;
    if (value === null) options.setBoolOption(40, false);
    else if (value === "allSubs") options.setBoolOption(40, true);
    else if (value === "allSubsUnsubs") options.setBoolOption(78, true);
  }
}
/** What XPublisher sends and receives, typed as in zeromq.js. */
export interface XPublisher extends Readable, Writable {}

/** The protected accessor `verbosity` goes through, as zeromq.js's does. */
interface BoolOptions {
  setBoolOption(option: number, value: boolean): void;
}

/**
 * XSUB: a subscriber that sends its subscriptions as messages.
 *
 * @example
 * ```ts
 * const xsub = new XSubscriber();
 * xsub.connect("tcp://127.0.0.1:5556");
 * await xsub.send(Buffer.from("\x01topic"));
 * ```
 */
export class XSubscriber extends Socket {
  /** Creates an XSubscriber with zeromq.js's options. */
  constructor(options?: SocketOptions<XSubscriber>) {
    super(SocketType.XSubscriber, options);
  }
}
/** What XSubscriber sends and receives, typed as in zeromq.js. */
export interface XSubscriber extends Readable, Writable {}

/**
 * STREAM: raw TCP peers; messages are `[routingId, data]`.
 *
 * @example
 * ```ts
 * const stream = new Stream();
 * await stream.bind("tcp://*:8080");
 * const [id, request] = await stream.receive();
 * await stream.send([id, "HTTP/1.0 200 OK\r\n\r\nhello"]);
 * ```
 */
export class Stream extends Socket {
  /** Deliver `[routingId, ""]` when a peer connects or disconnects [ZMQ_STREAM_NOTIFY]. */
  declare notify: boolean;
  /** Creates a Stream with zeromq.js's options. */
  constructor(options?: SocketOptions<Stream>) {
    super(SocketType.Stream, options);
  }

  /** Connects, knowing the peer by `routingId` if given [ZMQ_CONNECT_ROUTING_ID]. */
  override connect(address: string, options: StreamConnectOptions = {}): void {
    if (options.routingId) connectWithId(this, address, options.routingId);
    else super.connect(address);
  }
}
/** What Stream sends and receives, typed as in zeromq.js. */
export interface Stream extends Readable<[Message, Message]>, Writable<[MessageLike, MessageLike]> {}

/** `send`, as installed on a type that sends. */
function send(this: Socket, message: unknown, ...options: unknown[]): Promise<void> {
  return sendOn(this, message, options);
}

/** `receive`, as installed on a type that receives. */
function receive(this: Socket): Promise<unknown[]> {
  return receiveOn(this);
}

/**
 * Gives a socket class of type `type` its option properties (those of the table naming that
 * type), and takes `receive` away from a type that cannot receive. `send` stays on every
 * type, rejecting with ENOTSUP where the type cannot send: zeromq.js's own tests expect
 * "Message must be present" from `send()` on a Subscriber and "receive is not a function" on
 * a Publisher.
 */
export function installMethods(cls: { prototype: object }, type: number): void {
  if (!SOCKET_TYPES[type].receives) (cls.prototype as Record<string, unknown>).receive = undefined;
  defineOptionAccessors(
    cls,
    SOCKET_OPTIONS,
    "Socket",
    (def) => !def.numberOnly && (def.types?.includes(type) ?? false),
  );
}

const CLASSES: [{ prototype: object }, number][] = [
  [Pair, SocketType.Pair],
  [Publisher, SocketType.Publisher],
  [Subscriber, SocketType.Subscriber],
  [Request, SocketType.Request],
  [Reply, SocketType.Reply],
  [Dealer, SocketType.Dealer],
  [Router, SocketType.Router],
  [Pull, SocketType.Pull],
  [Push, SocketType.Push],
  [XPublisher, SocketType.XPublisher],
  [XSubscriber, SocketType.XSubscriber],
  [Stream, SocketType.Stream],
];
for (const [cls, type] of CLASSES) installMethods(cls, type);

// `new Socket(type)` with a type number (zeromq.js allows it) has both, as zeromq.js's native base.
Object.assign(Socket.prototype, { send, receive });
