/**
 * `omq/zeromq/draft`: zeromq.js's `zeromq/draft` classes (libzmq's draft
 * socket types) on omq's. Each wraps the omq class of the same name; a type
 * omq does not export (yet) throws EINVAL when constructed, as zeromq.js's do
 * when libzmq was built without drafts, and `capability.draft` says whether
 * omq has them all.
 *
 * @example
 * ```ts
 * import { Client, Server } from "omq/zeromq/draft";
 * const server = new Server();
 * await server.bind("tcp://127.0.0.1:5555");
 * const [request, { routingId }] = await server.receive();
 * await server.send(request, { routingId });
 * ```
 *
 * @module
 */
import { closedError, translate } from "./errors.ts";
import type { Message, MessageLike } from "./frames.ts";
import { omqSocketOf, Socket } from "./socket.ts";
import { installMethods } from "./sockets.ts";
import { SocketType } from "./socket-types.ts";
import type { Readable, SocketOptions, Writable } from "./types.ts";

/** The peer a SERVER message came from or goes to. */
export interface ServerRoutingOptions {
  /** The peer's routing id (a non-zero 32-bit number). */
  routingId: number;
}

/** The group a RADIO message goes to. */
export interface RadioGroupOptions {
  /** The group, up to 255 bytes. */
  group: Uint8Array | string;
}

/** The group a DISH message came in. */
export interface DishGroupOptions {
  /** The group, as a Buffer. */
  group: Message;
}

const encoder = new TextEncoder();

/**
 * A group as libzmq's `zmq_join`/`zmq_leave` take it, a C string: what follows a NUL byte
 * is not part of it (zeromq.js passes groups that way).
 */
function cString(group: Uint8Array | string): Uint8Array {
  const bytes = typeof group === "string" ? encoder.encode(group) : group;
  const end = bytes.indexOf(0);
  return end < 0 ? bytes : bytes.subarray(0, end);
}

/** SERVER: answers CLIENTs, each message with its peer's routing id. */
export class Server extends Socket {
  /** Creates a Server with zeromq.js's options. */
  constructor(options?: SocketOptions<Server>) {
    super(SocketType.Server, options);
  }
}
/** What Server sends and receives, typed as in zeromq.js. */
export interface Server
  extends Readable<[Message, ServerRoutingOptions]>, Writable<MessageLike, [ServerRoutingOptions]> {}

/** CLIENT: talks to SERVERs with single-part messages. */
export class Client extends Socket {
  /** Creates a Client with zeromq.js's options. */
  constructor(options?: SocketOptions<Client>) {
    super(SocketType.Client, options);
  }
}
/** What Client sends and receives, typed as in zeromq.js. */
export interface Client extends Readable<[Message]>, Writable<MessageLike> {}

/** RADIO: sends single-part messages to groups. */
export class Radio extends Socket {
  /** Creates a Radio with zeromq.js's options. */
  constructor(options?: SocketOptions<Radio>) {
    super(SocketType.Radio, options);
  }
}
/** What Radio sends and receives, typed as in zeromq.js. */
export interface Radio extends Writable<MessageLike, [RadioGroupOptions]> {}

/** DISH: receives what RADIOs send to the groups it joined. */
export class Dish extends Socket {
  /** Creates a Dish with zeromq.js's options. */
  constructor(options?: SocketOptions<Dish>) {
    super(SocketType.Dish, options);
  }

  /** Joins groups (EINVAL for one joined already). */
  join(...groups: Array<Uint8Array | string>): void {
    this.#groups("join", groups);
  }

  /** Leaves groups (EINVAL for one not joined). */
  leave(...groups: Array<Uint8Array | string>): void {
    this.#groups("leave", groups);
  }

  #groups(method: "join" | "leave", groups: Array<Uint8Array | string>): void {
    if (this.closed) throw closedError();
    const inner = omqSocketOf(this) as unknown as Record<string, (...groups: unknown[]) => void>;
    try {
      inner[method](...groups.map(cString));
    } catch (err) {
      throw translate(err);
    }
  }
}
/** What Dish sends and receives, typed as in zeromq.js. */
export interface Dish extends Readable<[Message, DishGroupOptions]> {}

/** GATHER: fair-queues single-part messages from SCATTERs. */
export class Gather extends Socket {
  /** Creates a Gather with zeromq.js's options. */
  constructor(options?: SocketOptions<Gather>) {
    super(SocketType.Gather, options);
  }
}
/** What Gather sends and receives, typed as in zeromq.js. */
export interface Gather extends Readable<[Message]> {
  /** Keep only the newest message [ZMQ_CONFLATE]. */
  conflate: boolean;
}

/** SCATTER: load-balances single-part messages to GATHERs. */
export class Scatter extends Socket {
  /** Creates a Scatter with zeromq.js's options. */
  constructor(options?: SocketOptions<Scatter>) {
    super(SocketType.Scatter, options);
  }
}
/** What Scatter sends and receives, typed as in zeromq.js. */
export interface Scatter extends Writable<MessageLike> {
  /** Keep only the newest message [ZMQ_CONFLATE]. */
  conflate: boolean;
}

/** DGRAM: raw udp datagrams, `[address, body]` both ways. */
export class Datagram extends Socket {
  /** Creates a Datagram with zeromq.js's options. */
  constructor(options?: SocketOptions<Datagram>) {
    super(SocketType.Datagram, options);
  }
}
/** What Datagram sends and receives, typed as in zeromq.js. */
export interface Datagram extends Readable<[Message, Message]>, Writable<[MessageLike, MessageLike]> {}

installMethods(Server, SocketType.Server);
installMethods(Client, SocketType.Client);
installMethods(Radio, SocketType.Radio);
installMethods(Dish, SocketType.Dish);
installMethods(Gather, SocketType.Gather);
installMethods(Scatter, SocketType.Scatter);
installMethods(Datagram, SocketType.Datagram);
