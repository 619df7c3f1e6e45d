/**
 * zeromq.js's socket type numbers (libzmq's ZMQ_PAIR ... ZMQ_DGRAM) and, for
 * each, the omq class behind it. The draft rows name omq classes that may not
 * exist yet: a type whose class omq does not export is refused with EINVAL, as
 * zeromq.js refuses a draft type when libzmq was built without drafts.
 *
 * @module
 */
import * as omq from "../mod.ts";
import type { Socket as OmqSocket, SocketOptions as OmqSocketOptions } from "../mod.ts";

/** libzmq's socket type numbers, by zeromq.js's class names. */
export const SocketType = {
  Pair: 0,
  Publisher: 1,
  Subscriber: 2,
  Request: 3,
  Reply: 4,
  Dealer: 5,
  Router: 6,
  Pull: 7,
  Push: 8,
  XPublisher: 9,
  XSubscriber: 10,
  Stream: 11,
  Server: 12,
  Client: 13,
  Radio: 14,
  Dish: 15,
  Gather: 16,
  Scatter: 17,
  Datagram: 18,
} as const;

/** A socket type number. */
export type SocketType = typeof SocketType[keyof typeof SocketType];

/** An omq socket class, as the compat layer constructs it. */
export type OmqSocketClass = new (options?: OmqSocketOptions) => OmqSocket;

/** What the compat layer needs to know of one socket type. */
export interface SocketTypeRow {
  /** zeromq.js's (and omq's) class name. */
  readonly name: keyof typeof SocketType;
  /** The application may send / receive (libzmq's POLLOUT / POLLIN can ever be set). */
  readonly sends: boolean;
  readonly receives: boolean;
  /** libzmq's thread-safe draft types (ZMQ_THREAD_SAFE). */
  readonly threadSafe: boolean;
  /** `send(message, options)` needs its options object (SERVER's routing id, RADIO's group). */
  readonly sendOptions: boolean;
}

const row = (
  name: keyof typeof SocketType,
  sends: boolean,
  receives: boolean,
  threadSafe = false,
  sendOptions = false,
): SocketTypeRow => ({ name, sends, receives, threadSafe, sendOptions });

/** One row per type number. */
export const SOCKET_TYPES: readonly SocketTypeRow[] = [
  row("Pair", true, true),
  row("Publisher", true, false),
  row("Subscriber", false, true),
  row("Request", true, true),
  row("Reply", true, true),
  row("Dealer", true, true),
  row("Router", true, true),
  row("Pull", false, true),
  row("Push", true, false),
  row("XPublisher", true, true),
  row("XSubscriber", true, true),
  row("Stream", true, true),
  row("Server", true, true, true, true),
  row("Client", true, true, true),
  row("Radio", true, false, true, true),
  row("Dish", false, true, true),
  row("Gather", false, true, true),
  row("Scatter", true, false, true),
  row("Datagram", true, true),
];

/**
 * The omq class of a type, or undefined when omq has none (yet): the hook through which
 * the draft classes appear as soon as omq exports them.
 */
export function omqClassOf(type: number): OmqSocketClass | undefined {
  const info = SOCKET_TYPES[type];
  if (!info) return undefined;
  const cls = (omq as unknown as Record<string, unknown>)[info.name];
  return typeof cls === "function" ? cls as OmqSocketClass : undefined;
}

/** True when omq exports every draft class zeromq.js's `zeromq/draft` has. */
export function hasDrafts(): boolean {
  return [12, 13, 14, 15, 16, 17].every((type) => omqClassOf(type) !== undefined);
}
