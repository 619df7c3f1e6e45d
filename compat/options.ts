/**
 * zeromq.js's option tables: each socket and context option with libzmq's
 * number, its type (which of zeromq.js's typed accessors reads it:
 * `getBoolOption`, `getInt32Option`, ...), whether it may be read and written,
 * and which socket types have it as a property. An option omq's sockets have
 * is read and written there (one source of truth); one omq has not (yet) is
 * kept here with libzmq's default, accepted and without effect, so code that
 * sets it keeps working.
 *
 * @module
 */
import { SocketType } from "./socket-types.ts";

/** Which typed accessor carries an option, as zeromq.js names them. */
export type OptionKind = "Bool" | "Int32" | "Uint32" | "Int64" | "Uint64" | "String";

/** One option. */
export interface OptionDef {
  /** libzmq's option number (ZMQ_...). */
  readonly id: number;
  /** zeromq.js's property name (omq's too, where omq has it). */
  readonly name: string;
  readonly kind: OptionKind;
  readonly read: boolean;
  readonly write: boolean;
  /** libzmq's default, for an option omq does not have. */
  readonly fallback?: unknown;
  /** Takes effect at once: no "will not take effect until next connect/bind" warning (zeromq.js's list). */
  readonly immediate?: boolean;
  /** The socket types with this property (all when absent). */
  readonly types?: readonly number[];
  /**
   * A libzmq draft option zeromq.js has no property for: reached by number through the typed
   * accessors only, and EINVAL on a socket type without it (as libzmq).
   */
  readonly numberOnly?: boolean;
}

const T = SocketType;
const WRITABLES: readonly number[] = [
  ...[T.Pair, T.Publisher, T.Request, T.Reply, T.Dealer, T.Router, T.Push, T.XPublisher],
  ...[T.XSubscriber, T.Stream, T.Server, T.Client, T.Radio, T.Scatter, T.Datagram],
];
const READABLES: readonly number[] = [
  ...[T.Pair, T.Subscriber, T.Request, T.Reply, T.Dealer, T.Router, T.Pull, T.XPublisher],
  ...[T.XSubscriber, T.Stream, T.Server, T.Client, T.Dish, T.Gather, T.Datagram],
];
const CONFLATABLES: readonly number[] = [T.Pull, T.Push, T.Subscriber, T.Publisher, T.Dealer, T.Scatter, T.Gather];

const rw = (id: number, name: string, kind: OptionKind, more: Partial<OptionDef> = {}): OptionDef => ({
  id,
  name,
  kind,
  read: true,
  write: true,
  ...more,
});
const ro = (id: number, name: string, kind: OptionKind, more: Partial<OptionDef> = {}): OptionDef =>
  rw(id, name, kind, { write: false, ...more });

/** Every socket option zeromq.js defines, in libzmq's order. */
export const SOCKET_OPTIONS: readonly OptionDef[] = [
  rw(4, "affinity", "Uint64", { fallback: 0 }),
  rw(5, "routingId", "String", { types: [T.Request, T.Reply, T.Router, T.Dealer] }),
  rw(8, "rate", "Int32", { fallback: 100 }),
  rw(9, "recoveryInterval", "Int32", { fallback: 10000 }),
  rw(11, "sendBufferSize", "Int32", { fallback: -1, types: WRITABLES }),
  rw(12, "receiveBufferSize", "Int32", { fallback: -1, types: READABLES }),
  ro(16, "type", "Int32"),
  rw(17, "linger", "Int32", { immediate: true }),
  rw(18, "reconnectInterval", "Int32"),
  rw(19, "backlog", "Int32", { fallback: 100 }),
  rw(21, "reconnectMaxInterval", "Int32"),
  rw(22, "maxMessageSize", "Int64"),
  rw(23, "sendHighWaterMark", "Int32", { immediate: true, types: WRITABLES }),
  rw(24, "receiveHighWaterMark", "Int32", { immediate: true, types: READABLES }),
  rw(25, "multicastHops", "Int32", { fallback: 1, types: WRITABLES }),
  rw(27, "receiveTimeout", "Int32", { immediate: true, types: READABLES }),
  rw(28, "sendTimeout", "Int32", { immediate: true, types: WRITABLES }),
  ro(32, "lastEndpoint", "String"),
  rw(33, "mandatory", "Bool", { immediate: true, types: [T.Router] }),
  rw(34, "tcpKeepalive", "Int32"),
  rw(35, "tcpKeepaliveCount", "Int32"),
  rw(36, "tcpKeepaliveIdle", "Int32"),
  rw(37, "tcpKeepaliveInterval", "Int32"),
  rw(38, "tcpAcceptFilter", "String", { fallback: null }),
  rw(39, "immediate", "Bool"),
  rw(42, "ipv6", "Bool"),
  ro(43, "securityMechanism", "Int32"),
  rw(44, "plainServer", "Bool"),
  rw(45, "plainUsername", "String"),
  rw(46, "plainPassword", "String"),
  rw(47, "curveServer", "Bool"),
  rw(48, "curvePublicKey", "String"),
  rw(49, "curveSecretKey", "String"),
  rw(50, "curveServerKey", "String"),
  rw(51, "probeRouter", "Bool", { immediate: true, types: [T.Router, T.Dealer, T.Request] }),
  rw(52, "correlate", "Bool", { immediate: true, types: [T.Request] }),
  rw(53, "relaxed", "Bool", { immediate: true, types: [T.Request] }),
  rw(54, "conflate", "Bool", { types: CONFLATABLES }),
  rw(55, "zapDomain", "String"),
  rw(56, "handover", "Bool", { immediate: true, types: [T.Router] }),
  rw(57, "typeOfService", "Uint32", { fallback: 0 }),
  rw(66, "handshakeInterval", "Int32"),
  rw(68, "socksProxy", "String", { fallback: null }),
  rw(69, "noDrop", "Bool", { types: [T.XPublisher, T.Publisher] }),
  rw(71, "manual", "Bool", { types: [T.XPublisher] }),
  rw(72, "welcomeMessage", "String", { types: [T.XPublisher] }),
  rw(73, "notify", "Bool", { types: [T.Stream] }),
  rw(74, "invertMatching", "Bool", { types: [T.Publisher, T.Subscriber, T.XPublisher] }),
  rw(75, "heartbeatInterval", "Int32"),
  rw(76, "heartbeatTimeToLive", "Int32"),
  rw(77, "heartbeatTimeout", "Int32"),
  rw(79, "connectTimeout", "Int32"),
  rw(80, "tcpMaxRetransmitTimeout", "Int32", { fallback: 0 }),
  ro(81, "threadSafe", "Bool"),
  rw(84, "multicastMaxTransportDataUnit", "Int32", { fallback: 1500 }),
  rw(85, "vmciBufferSize", "Uint64", { fallback: 0 }),
  rw(86, "vmciBufferMinSize", "Uint64", { fallback: 0 }),
  rw(87, "vmciBufferMaxSize", "Uint64", { fallback: 0 }),
  rw(88, "vmciConnectTimeout", "Int32", { fallback: -1 }),
  rw(92, "interface", "String", { fallback: null }),
  rw(93, "zapEnforceDomain", "Bool"),
  rw(94, "loopbackFastPath", "Bool", { fallback: false }),
  // libzmq's draft options, by number (zeromq.js has no property for them); omq's socket has each.
  { ...rw(95, "metadata", "String", { numberOnly: true }), read: false },
  rw(97, "routerNotify", "Int32", { numberOnly: true, immediate: true }),
  rw(98, "xpubManualLastValue", "Bool", { numberOnly: true, immediate: true }),
  rw(99, "socksUsername", "String", { numberOnly: true }),
  rw(100, "socksPassword", "String", { numberOnly: true }),
  rw(108, "onlyFirstSubscribe", "Bool", { numberOnly: true, immediate: true }),
  rw(109, "reconnectStop", "Int32", { numberOnly: true, immediate: true }),
  rw(110, "helloMessage", "String", { numberOnly: true }),
  rw(111, "disconnectMessage", "String", { numberOnly: true }),
  rw(112, "priority", "Int32", { numberOnly: true }),
  rw(114, "hiccupMessage", "String", { numberOnly: true }),
  rw(115, "xsubVerboseUnsubscribe", "Bool", { numberOnly: true, immediate: true }),
  ro(116, "topicsCount", "Int32", { numberOnly: true }),
];

/** ZMQ_METADATA: each write adds one "X-name:value" property, as libzmq's. */
export const ZMQ_METADATA = 95;

/** Options that are no property: XPUB verbosity (40, 78), and the SUB/XSUB and connect-time ones (6, 7, 61). */
export const ZMQ_SUBSCRIBE = 6;
export const ZMQ_UNSUBSCRIBE = 7;
export const ZMQ_XPUB_VERBOSE = 40;
export const ZMQ_CONNECT_ROUTING_ID = 61;
export const ZMQ_XPUB_VERBOSER = 78;

/** The options that take effect at once, beyond those flagged `immediate` in the table. */
export const IMMEDIATE_IDS: ReadonlySet<number> = new Set([
  ZMQ_SUBSCRIBE,
  ZMQ_UNSUBSCRIBE,
  ZMQ_XPUB_VERBOSE,
  ZMQ_XPUB_VERBOSER,
  ...SOCKET_OPTIONS.filter((o) => o.immediate).map((o) => o.id),
]);

/** Every context option zeromq.js defines. */
export const CONTEXT_OPTIONS: readonly OptionDef[] = [
  rw(1, "ioThreads", "Int32", { fallback: 1 }),
  rw(2, "maxSockets", "Int32", { fallback: 1023 }),
  ro(3, "maxSocketsLimit", "Int32", { fallback: 65535 }),
  { ...rw(3, "threadPriority", "Int32", { fallback: -1 }), read: false },
  { ...rw(4, "threadSchedulingPolicy", "Int32", { fallback: -1 }), read: false },
  rw(5, "maxMessageSize", "Int32"),
  rw(42, "ipv6", "Bool"),
  rw(70, "blocky", "Bool"),
];

/** Checks a value against an option's kind, with zeromq.js's messages. */
export function checkKind(kind: OptionKind, value: unknown): void {
  if (kind === "Bool") {
    if (typeof value !== "boolean") throw new TypeError("Option value must be a boolean");
  } else if (kind === "String") {
    if (value !== null && typeof value !== "string" && !(value instanceof Uint8Array)) {
      throw new TypeError("Option value must be a string or buffer");
    }
  } else if (typeof value !== "number") {
    throw new TypeError("Option value must be a number");
  }
}

const decoder = new TextDecoder();

/** A value read from omq, as zeromq.js's accessor of that kind returns it (bytes read back as text). */
export function asKind(kind: OptionKind, value: unknown): unknown {
  if (kind === "String") {
    if (value instanceof Uint8Array) return value.byteLength === 0 ? null : decoder.decode(value);
    return value === undefined || value === "" ? null : value;
  }
  if (kind === "Bool") return Boolean(value);
  return value;
}
