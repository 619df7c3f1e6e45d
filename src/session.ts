/**
 * A socket's endpoints and connections (libzmq's `session_base` plus the
 * listener bookkeeping): bind, connect and reconnect, the engine of each live
 * connection, and the peers (pipe pairs) the socket type routes over. One
 * record per connected endpoint. The socket's public API and its waiting
 * sends and receives stay in `socket.ts`.
 *
 * @module
 */
import { formatEndpoint, parseEndpoint } from "../transports/endpoint.ts";
import { checkConnectWs } from "../transports/ws/listen.ts";
import { checkTransport } from "../transports/udp.ts";
import { acceptRefusal } from "../transports/accept-filter.ts";
import { checkEpgm } from "../transports/epgm.ts";
import { type Context, runtimeOf } from "./context.ts";
import { within } from "./deadline.ts";
import { Dialer } from "./dialer.ts";
import { type Connection, createEngine, type EngineEnd, type TransportConnection } from "./engine/mod.ts";
import { closedError, ZmqError } from "./errors.ts";
import type { SocketEvent } from "./events.ts";
import { inprocOf } from "./inproc.ts";
import type { SocketCounters } from "./observe/counters.ts";
import type { Peer } from "./peer.ts";
import { PeerSet } from "./peer-set.ts";
import { type Authenticated, securityOf } from "./security.ts";
import { type AnyListener, dialerFor, listenOn, type OpenContext, transportError } from "./transport-open.ts";
import type { SocketRules } from "./socket-rules.ts";
import type { Metadata } from "./zmtp/command.ts";
import { metadataText } from "./zmtp/command.ts";
import type { SocketType } from "./zmtp/socket-type.ts";

/** What the session needs from its socket. */
export interface SessionOwner {
  readonly socketType: SocketType;
  readonly context: Context;
  /** Adds a monitor event. */
  emit(event: SocketEvent): void;
  /** The socket's option values, read when they are needed so that changes apply. */
  readonly options: Record<string, unknown>;
  /** The socket type's routing rules. */
  rules(): SocketRules;
  /** True once the socket's `close()` began. */
  closed(): boolean;
  /** Some peer's queue has room again: retry waiting sends. */
  writable(): void;
  /** Some peer has messages: resolve waiting receives. */
  readable(): void;
  /** The socket's counters; the session adds its connections to them. */
  readonly counters: SocketCounters;
}

interface Binding {
  readonly endpoint: string;
  readonly listener: AnyListener | null;
  readonly inproc: string | null;
  /** The connections accepted on it: libzmq's listener owns their sessions, so unbind ends them. */
  readonly accepted: Set<Connection>;
}

/** One connected endpoint: its dialer (none for inproc), its peer and its live engine. */
interface Connected {
  readonly endpoint: string;
  readonly dialer: Dialer | null;
  readonly inproc: string | null;
  /** The id given with `connect(endpoint, { routingId })` [ZMQ_CONNECT_ROUTING_ID]. */
  readonly assignedId: Uint8Array | null;
  /** Outlives its connection (queued messages wait for the reconnect), unless `immediate`. */
  peer: Peer | null;
  engine: Connection | null;
  /** Connections made to it so far: past the first, each is a reconnect. */
  connects: number;
}

/** ZMQ_RECONNECT_STOP bits (libzmq's draft ZMQ_RECONNECT_STOP_*). */
export const RECONNECT_STOP_CONN_REFUSED = 1;
export const RECONNECT_STOP_HANDSHAKE_FAILED = 2;
export const RECONNECT_STOP_AFTER_DISCONNECT = 4;

/** The endpoints, connections and peers of one socket. */
export class Session {
  readonly #owner: SessionOwner;
  #bindings = new Map<string, Binding>();
  #connected = new Map<string, Connected>();
  #engines = new Set<Connection>();
  readonly #peers: PeerSet;
  #handshakeWaiters: (() => void)[] = [];
  /** `disconnect` was called with RECONNECT_STOP_AFTER_DISCONNECT set (libzmq's `_disconnected`). */
  #disconnected = false;
  #lastEndpoint: string | null = null;

  constructor(owner: SessionOwner) {
    this.#owner = owner;
    this.#peers = new PeerSet(owner);
  }

  /** Whether any endpoint is bound or connected (a proxy needs both its sockets to be). */
  get inUse(): boolean {
    return this.#bindings.size > 0 || this.#connected.size > 0;
  }

  /** The peers the socket routes over now. */
  get peers(): ReadonlySet<Peer> {
    return this.#peers.live;
  }

  /** The endpoint of the last successful bind, as resolved (the port the OS chose for `:*`). */
  get lastEndpoint(): string | null {
    return this.#lastEndpoint;
  }

  // --- bind ---

  async bind(endpoint: string): Promise<void> {
    const owner = this.#owner;
    const ep = parseEndpoint(endpoint, true);
    checkTransport(owner.socketType, ep, true, endpoint);
    if (ep.transport === "epgm") checkEpgm(owner.socketType, ep.address, "bind", endpoint);
    if (ep.transport === "inproc") {
      inprocOf(owner.context).bind(ep.name, this);
      this.#addBinding(endpoint, { endpoint, listener: null, inproc: ep.name, accepted: new Set() });
      return;
    }
    let listener: AnyListener;
    let resolved = "";
    const accepted = new Set<Connection>();
    const accept = (conn: TransportConnection) => this.#accept(conn, resolved, accepted);
    // A failed accept (EMFILE, ...) costs that one connection; the listener keeps going.
    const acceptError = (err: Error) => owner.emit({ type: "accept:error", address: resolved, error: err });
    try {
      listener = await listenOn(ep, endpoint, this.#opening(), accept, acceptError);
    } catch (err) {
      const error = transportError("bind", endpoint, err);
      owner.emit({ type: "bind:error", address: endpoint, error });
      throw error;
    }
    resolved = formatEndpoint(ep, listener.address);
    if (owner.closed()) {
      await listener.close();
      throw closedError(`bind ${endpoint}`);
    }
    this.#addBinding(endpoint, { endpoint: resolved, listener, inproc: null, accepted });
    // udp, epgm: the bound socket is the endpoint's one connection (libzmq's session); nothing is accepted.
    if ("connection" in listener) this.#startEngine(listener.connection, resolved, null);
  }

  async unbind(endpoint: string): Promise<void> {
    const binding = this.#bindings.get(endpoint);
    if (!binding) parseEndpoint(endpoint, true); // a malformed endpoint is EINVAL, as libzmq, not "not bound"
    if (!binding) throw new ZmqError("ENOENT", `unbind ${endpoint}: not bound`);
    for (const [key, b] of this.#bindings) if (b === binding) this.#bindings.delete(key);
    await this.#closeBinding(binding);
    // As libzmq, whose listener owns the sessions it accepted: they end with it.
    const linger = this.#owner.options.linger as number;
    for (const engine of [...binding.accepted]) engine.close(linger !== 0);
  }

  #addBinding(given: string, binding: Binding): void {
    this.#bindings.set(given, binding);
    this.#bindings.set(binding.endpoint, binding);
    this.#lastEndpoint = binding.endpoint;
    this.#owner.emit({ type: "bind", address: binding.endpoint });
  }

  async #closeBinding(binding: Binding): Promise<void> {
    const emit = (event: SocketEvent) => this.#owner.emit(event);
    if (binding.inproc !== null) inprocOf(this.#owner.context).unbind(binding.inproc, this);
    try {
      await binding.listener?.close();
      emit({ type: "close", address: binding.endpoint });
    } catch (err) {
      emit({ type: "close:error", address: binding.endpoint, error: err as Error });
    }
  }

  #accept(conn: TransportConnection, endpoint: string, accepted: Set<Connection>): void {
    if (this.#owner.closed()) return conn.destroy();
    const refusal = acceptRefusal(this.#owner.options.tcpAcceptFilter, endpoint, conn.remoteAddress);
    if (refusal) {
      // As libzmq's tcp_listener: closed at once, reported as a failed accept.
      conn.destroy();
      this.#owner.emit({ type: "accept:error", address: endpoint, error: refusal });
      return;
    }
    this.#owner.emit({ type: "accept", address: endpoint });
    this.#owner.counters.accepted++;
    this.#startEngine(conn, endpoint, null, accepted);
  }

  // --- connect ---

  connect(endpoint: string, assignedId: Uint8Array | null): void {
    const owner = this.#owner;
    const ep = parseEndpoint(endpoint, false);
    checkTransport(owner.socketType, ep, false, endpoint);
    if (ep.transport === "epgm") checkEpgm(owner.socketType, ep.address, "connect", endpoint);
    if (ep.transport === "ws") checkConnectWs(ep.address, owner.options);
    if (this.#connected.has(endpoint)) return;
    // As libzmq's ZMQ_CONNECT_ROUTING_ID, which refuses an empty one.
    if (assignedId?.byteLength === 0) throw new RangeError(`connect ${endpoint}: option routingId must not be empty`);
    if (ep.transport === "inproc") {
      const record: Connected = {
        endpoint,
        dialer: null,
        inproc: ep.name,
        assignedId,
        peer: null,
        engine: null,
        connects: 0,
      };
      this.#connected.set(endpoint, record);
      record.peer = inprocOf(owner.context).connect(ep.name, this, assignedId);
      return;
    }
    // As libzmq without `immediate`: the peer (and its queue) exists from now on, so sends are queued.
    let peer = owner.options.immediate ? null : this.#peers.create(endpoint, assignedId);
    if (peer && !this.#peers.attach(peer)) {
      // A routing id already in use (libzmq asserts on it).
      if (assignedId !== null) throw new ZmqError("EINVAL", `connect ${endpoint}: socket refuses more peers`);
      // A socket that takes no more peers (PAIR) still connects, as libzmq's (which drops the extra
      // pipe): as with `immediate`, the peer comes with a handshake, and is refused while it has one.
      peer = null;
    }
    const o = owner.options;
    const record: Connected = {
      endpoint,
      inproc: null,
      assignedId,
      peer,
      engine: null,
      connects: 0,
      dialer: new Dialer(endpoint, ep.address, {
        connect: dialerFor(ep, endpoint, this.#opening()),
        start: (conn) => this.#startEngine(conn, endpoint, record),
        reconnectInterval: () => o.reconnectInterval as number,
        reconnectMaxInterval: () => o.reconnectMaxInterval as number,
        connectTimeout: () => o.connectTimeout as number,
        emit: (event) => owner.emit(event),
        givesUp: (error) => this.#givesUp(record, error),
        unrefTimer: this.#unrefTimer(),
      }),
    };
    this.#connected.set(endpoint, record);
    record.dialer!.start();
  }

  /** The runtime's `unrefTimer` when the socket does not hold the process (`holdsProcess` false). */
  #unrefTimer(): ((timer: ReturnType<typeof setTimeout>) => void) | undefined {
    return this.#owner.options.holdsProcess === false ? runtimeOf(this.#owner.context).unrefTimer : undefined;
  }

  /**
   * ZMQ_RECONNECT_STOP for a failed connection attempt: a refused tcp connection ends the endpoint
   * (libzmq terminates its session, dropping what was queued); after a `disconnect` on this
   * socket, a refused ipc connection stops the dialing only.
   */
  #givesUp(record: Connected, error: unknown): boolean {
    const stop = this.#owner.options.reconnectStop as number;
    if ((error as { code?: string })?.code !== "ECONNREFUSED") return false;
    if (stop & RECONNECT_STOP_CONN_REFUSED && record.dialer?.address.kind === "tcp") {
      queueMicrotask(() => this.#drop(record));
      return true;
    }
    return (stop & RECONNECT_STOP_AFTER_DISCONNECT) !== 0 && this.#disconnected &&
      record.dialer?.address.kind === "ipc";
  }

  /** Lets go of a connected endpoint that gave up, as `disconnect` would (unless that happened already). */
  #drop(record: Connected): void {
    if (this.#connected.get(record.endpoint) === record) this.disconnect(record.endpoint);
  }

  disconnect(endpoint: string): void {
    const record = this.#connected.get(endpoint);
    if (!record) parseEndpoint(endpoint, false); // a malformed endpoint is EINVAL, as libzmq, not "not connected"
    if (!record) throw new ZmqError("ENOENT", `disconnect ${endpoint}: not connected`);
    if ((this.#owner.options.reconnectStop as number) & RECONNECT_STOP_AFTER_DISCONNECT) this.#disconnected = true;
    this.#connected.delete(endpoint);
    record.dialer?.stop();
    record.engine?.close();
    if (record.peer) {
      if (record.inproc !== null) inprocOf(this.#owner.context).cancelPending(record.peer);
      this.#peers.detach(record.peer, true);
    }
  }

  // --- engines ---

  #security() {
    const owner = this.#owner;
    return securityOf(owner.options, owner.socketType, owner.context);
  }

  #opening(): OpenContext {
    const owner = this.#owner;
    return {
      socketType: owner.socketType,
      options: owner.options,
      runtime: runtimeOf(owner.context),
      mechanism: () => this.#security().name,
    };
  }

  #startEngine(
    conn: TransportConnection,
    endpoint: string,
    record: Connected | null,
    accepted: Set<Connection> | null = null,
  ): void {
    const o = this.#owner.options;
    let peer: Peer | null = null;
    if ((o.tcpKeepalive as number) >= 0 && endpoint.startsWith("tcp:") && "setKeepAlive" in conn) {
      const idle = o.tcpKeepaliveIdle as number;
      conn.setKeepAlive(o.tcpKeepalive === 1, idle > 0 ? idle * 1000 : 0);
    }
    const counters = this.#owner.counters;
    if (record) {
      counters.connected++;
      if (record.connects++ > 0) counters.reconnects++;
    }
    // Aborted when the connection ends: a ZAP request still waiting for its handler is forgotten.
    const gone = new AbortController();
    const security = this.#security();
    const auth: Authenticated = { userId: null, metadata: null };
    const mechanism = security.create(conn.remoteAddress, gone.signal, auth);
    const dialer = record?.dialer ?? null;
    const options = {
      mechanism,
      asServer: mechanism.asServer ?? record === null,
      maxMessageSize: o.maxMessageSize as number,
      handshakeInterval: o.handshakeInterval as number,
      socketType: this.#owner.socketType,
      heartbeatInterval: o.heartbeatInterval as number,
      heartbeatTimeout: o.heartbeatTimeout as number,
      heartbeatTimeToLive: o.heartbeatTimeToLive as number,
      helloMessage: (o.helloMessage as Uint8Array | null | undefined) ?? null,
      defer: runtimeOf(this.#owner.context).defer,
      unrefTimer: this.#unrefTimer(),
    };
    const host = {
      ready: (_engine: Connection, metadata: Metadata) => {
        peer = this.#peerReady(metadata, endpoint, record);
        if (peer) {
          peer.remoteAddress = conn.remoteAddress || null;
          peer.mechanism = security.name;
          peer.userId = auth.userId;
          peer.zapMetadata = auth.metadata;
          peer.metadata = metadata;
          peer.connectedAt = Date.now();
          dialer?.established();
          this.#owner.emit({ type: "handshake", address: endpoint });
          this.#wakeHandshakeWaiters();
        }
        return peer;
      },
      closed: (engine: Connection, end: EngineEnd) => {
        ended = true;
        gone.abort();
        accepted?.delete(engine);
        this.#engineClosed(engine, end, endpoint, record, peer);
      },
      lost: (_engine: Connection, loss: { packets: number; source: string }) =>
        this.#owner.emit({
          type: "loss",
          address: endpoint,
          error: new ZmqError(
            "ECONNRESET",
            `${endpoint}: ${loss.packets} packet(s) from source ${loss.source} lost beyond repair; ` +
              "messages were skipped up to the next whole one",
            { address: endpoint },
          ),
        }),
    };
    let ended = false;
    const engine = createEngine(conn, options, host);
    // An engine may end inside its constructor (a STREAM refusing an inproc peer): nothing to keep then.
    if (ended) return;
    this.#engines.add(engine);
    accepted?.add(engine);
    if (record) record.engine = engine;
  }

  #peerReady(metadata: Metadata, endpoint: string, record: Connected | null): Peer | null {
    const theirs = metadataText(metadata.get("socket-type")) ?? "";
    if (!this.#peers.accepts(theirs)) {
      this.#owner.emit({
        type: "handshake:error:protocol",
        address: endpoint,
        error: new ZmqError(
          "EPROTO",
          `${endpoint}: a ${theirs || "nameless"} peer cannot talk to a ${this.#owner.socketType} socket`,
        ),
      });
      return null;
    }
    let peer = record?.peer ?? null;
    const fresh = peer === null;
    if (!peer) peer = this.#peers.create(endpoint, record?.assignedId ?? null);
    peer.socketType = theirs;
    const id = metadata.get("identity");
    peer.announcedId = id && id.byteLength > 0 ? id.slice() : null;
    if (fresh) {
      if (!this.#peers.attach(peer)) return null;
      if (record) record.peer = peer;
    }
    this.#owner.rules().handshake?.(peer);
    return peer;
  }

  #engineClosed(
    engine: Connection,
    end: EngineEnd,
    endpoint: string,
    record: Connected | null,
    peer: Peer | null,
  ): void {
    const owner = this.#owner;
    this.#engines.delete(engine);
    if (record?.engine === engine) record.engine = null;
    if (end.handshake) {
      owner.counters.handshakeFailures++;
      const error = end.error ?? new Error(`${endpoint}: connection closed during the handshake`);
      // Every protocol failure carries a name a program can match (libzmq's ZMQ_PROTOCOL_ERROR_*).
      if (end.handshake === "protocol" && typeof (error as { code?: unknown }).code !== "string") {
        Object.assign(error, { code: "ERR_ZMTP_UNSPECIFIED" });
      }
      owner.emit({ type: `handshake:error:${end.handshake}`, address: endpoint, error });
    }
    // Every connection that ends, handshake or not, as libzmq's engine reports it.
    owner.emit({ type: "disconnect", address: endpoint });
    if (peer) {
      owner.counters.disconnects++;
      peer.connectedAt = null;
    }
    if (peer && !peer.detached) {
      owner.rules().disconnected?.(peer);
      // libzmq's session: an accepted connection that ends leaves its disconnect message (ROUTER,
      // SERVER, PEER), a connected one its hiccup message (DEALER, CLIENT, PEER), as if the peer sent it.
      const note = (record === null ? owner.options.disconnectMessage : owner.options.hiccupMessage) as
        | Uint8Array
        | null
        | undefined;
      if (note && note.byteLength > 0) peer.inbound.write([note]);
    }
    // Still connected unless `disconnect` dropped the record meanwhile.
    const current = record !== null && this.#connected.get(record.endpoint) === record;
    if (peer && (!current || owner.options.immediate)) {
      // A bound endpoint's (or an immediate connection's) peer ends with its connection.
      this.#peers.detach(peer, false);
      if (current) record!.peer = null;
    }
    // ZMQ_RECONNECT_STOP_HANDSHAKE_FAILED: a connection that fails its handshake is not tried again.
    if (end.handshake && record && (owner.options.reconnectStop as number) & RECONNECT_STOP_HANDSHAKE_FAILED) {
      record.dialer?.stop();
      queueMicrotask(() => this.#drop(record));
      return;
    }
    if (record?.dialer && !owner.closed()) record.dialer.lost();
  }

  // --- options ---

  /** An option changed: the high-water marks apply to live pipes at once, as libzmq 4.3 updates them. */
  optionChanged(name: string): void {
    if (name === "sendHighWaterMark" || name === "receiveHighWaterMark") this.#peers.markChanged(name);
  }

  // --- inproc (the registry calls these) ---

  get socketType(): SocketType {
    return this.#owner.socketType;
  }

  inprocOptions(): {
    sendHighWaterMark: number;
    receiveHighWaterMark: number;
    routingId: Uint8Array | null;
    conflate: boolean;
    linger: number;
    reconnect: boolean;
    holdsProcess: boolean;
  } {
    const o = this.#owner.options;
    return {
      conflate: o.conflate === true,
      sendHighWaterMark: o.sendHighWaterMark as number,
      receiveHighWaterMark: o.receiveHighWaterMark as number,
      routingId: o.routingId as Uint8Array | null,
      linger: o.linger as number,
      holdsProcess: o.holdsProcess !== false,
      reconnect: (o.reconnectInterval as number) >= 0,
    };
  }

  inprocEvent(event: SocketEvent): void {
    this.#owner.emit(event);
  }

  inprocAttach(peer: Peer): void {
    if (
      this.#owner.closed() || (peer.socketType && !this.#peers.accepts(peer.socketType)) || !this.#peers.attach(peer)
    ) {
      peer.outbound.end();
      peer.inbound.end();
      peer.link?.onGone?.();
      return;
    }
    // Linked now when the other end is known (a connect that waits for its bind is linked later).
    if (peer.socketType !== null) peer.connectedAt = Date.now();
    peer.remoteAddress = peer.endpoint.slice("inproc://".length);
    // As libzmq's inproc link: each side's hello message first, the binder's disconnect message when
    // the connecting side leaves.
    const hello = this.#owner.options.helloMessage as Uint8Array | null | undefined;
    if (hello && hello.byteLength > 0) peer.outbound.write([hello]);
    const farewell = this.#owner.options.disconnectMessage as Uint8Array | null | undefined;
    if (farewell && farewell.byteLength > 0 && !this.#connectedPeer(peer)) {
      peer.onGone = () => {
        if (!peer.detached) peer.inbound.write([farewell]);
        this.#peers.detach(peer, false);
      };
    }
  }

  #connectedPeer(peer: Peer): boolean {
    for (const record of this.#connected.values()) if (record.peer === peer) return true;
    return false;
  }

  // --- close ---

  /** Stops listening on every endpoint. */
  async closeBindings(): Promise<void> {
    const bindings = new Set(this.#bindings.values());
    this.#bindings.clear();
    await Promise.all([...bindings].map((b) => this.#closeBinding(b)));
  }

  /**
   * Ends every connection: first waits up to `linger` ms for queued messages to be written
   * (dialers keep reconnecting meanwhile, as libzmq's, so messages for a peer not yet
   * connected still go out), then closes engines and lets go of every peer.
   */
  async close(linger: number): Promise<void> {
    const deadline = linger > 0 ? Date.now() + linger : Infinity;
    if (linger !== 0) await within(this.#drained(), deadline);
    for (const record of this.#connected.values()) {
      record.dialer?.stop();
      if (record.inproc !== null && record.peer) inprocOf(this.#owner.context).cancelPending(record.peer);
    }
    this.#wakeHandshakeWaiters();
    const engines = [...this.#engines];
    for (const engine of engines) engine.close(linger !== 0);
    // A graceful close is done when the bytes are written, not when they are handed to the runtime.
    if (linger !== 0) await within(Promise.all(engines.map((e) => e.gone)), deadline);
    this.#peers.detachAll();
    this.#connected.clear();
  }

  /** Resolves once every queued outgoing message has been handed to a connection. */
  async #drained(): Promise<void> {
    for (;;) {
      await Promise.all([...this.#engines].map((e) => e.whenFlushed()));
      const waiting = [...this.#connected.values()].some((r) =>
        r.dialer && !r.dialer.stopped && r.peer && r.peer.outbound.size > 0
      );
      if (!waiting) return;
      await new Promise<void>((resolve) => this.#handshakeWaiters.push(resolve));
    }
  }

  #wakeHandshakeWaiters(): void {
    for (const w of this.#handshakeWaiters.splice(0)) w();
  }
}
