/**
 * A connected endpoint: connects in the background and reconnects whenever
 * the connection fails or drops, backing off from `reconnectInterval` to
 * `reconnectMaxInterval` (libzmq's `session_base` + `tcp_connecter`).
 *
 * @module
 */
import type { SocketAddress } from "../transports/runtime/types.ts";
import type { WsAddress } from "../transports/ws/types.ts";
import type { UdpAddress } from "../transports/udp.ts";
import type { EpgmAddress } from "../transports/epgm.ts";
import type { SocketEvent } from "./events.ts";
import type { TransportConnection } from "./engine/mod.ts";

/** What a dialer needs from its socket. */
export interface DialerHost {
  connect(address: SocketAddress | WsAddress | UdpAddress | EpgmAddress): Promise<TransportConnection>;
  /** Starts an engine on a fresh connection; the socket calls `dialer.lost()` when it ends. */
  start(conn: TransportConnection, dialer: Dialer): void;
  /** Current option values, read at each retry so changes apply. */
  reconnectInterval(): number;
  reconnectMaxInterval(): number;
  connectTimeout(): number;
  emit(event: SocketEvent): void;
  /** Whether a failed attempt ends the dialing for good (ZMQ_RECONNECT_STOP); the host then lets go of it. */
  givesUp?(error: unknown): boolean;
  /** Set when the socket does not hold the process: its timers then let the process end. */
  unrefTimer?(timer: ReturnType<typeof setTimeout>): void;
}

/** Keeps one endpoint connected until stopped. */
export class Dialer {
  readonly endpoint: string;
  readonly address: SocketAddress | WsAddress | UdpAddress | EpgmAddress;
  #host: DialerHost;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #interval = 0;
  #stopped = false;
  #connecting = false;

  constructor(endpoint: string, address: SocketAddress | WsAddress | UdpAddress | EpgmAddress, host: DialerHost) {
    this.endpoint = endpoint;
    this.address = address;
    this.#host = host;
  }

  /** Connects now (the first attempt is immediate, as in libzmq). */
  start(): void {
    this.#interval = this.#host.reconnectInterval();
    this.#attempt();
  }

  /** Stops connecting; a connection attempt in flight is dropped when it lands. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** The connection (or its handshake) ended: try again after the interval. */
  lost(): void {
    this.#retry();
  }

  /** The handshake succeeded: the next outage starts backing off from the base interval again. */
  established(): void {
    this.#interval = this.#host.reconnectInterval();
  }

  #attempt(): void {
    if (this.#stopped || this.#connecting) return;
    this.#connecting = true;
    this.#host.emit({ type: "connect:delay", address: this.endpoint });
    const timeoutMs = this.#host.connectTimeout();
    let timedOut = false;
    const timer = timeoutMs > 0
      ? setTimeout(() => {
        timedOut = true;
        this.#connecting = false;
        this.#failed();
      }, timeoutMs)
      : undefined;
    if (timer !== undefined) this.#host.unrefTimer?.(timer);
    this.#host.connect(this.address).then(
      (conn) => {
        clearTimeout(timer);
        if (timedOut) return conn.destroy();
        this.#connecting = false;
        if (this.#stopped) return conn.destroy();
        this.#host.emit({ type: "connect", address: this.endpoint });
        this.#host.start(conn, this);
      },
      (error) => {
        clearTimeout(timer);
        if (timedOut) return;
        this.#connecting = false;
        this.#failed(error);
      },
    );
  }

  /** An attempt that got no connection: libzmq's connecter closes its fd (a `close` event), then retries. */
  #failed(error?: unknown): void {
    if (this.#stopped) return;
    this.#host.emit({ type: "close", address: this.endpoint });
    if (error !== undefined && this.#host.givesUp?.(error)) {
      this.stop();
      return;
    }
    this.#retry();
  }

  #retry(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    const base = this.#host.reconnectInterval();
    // libzmq: a negative interval means never reconnect.
    if (base < 0) return;
    const max = this.#host.reconnectMaxInterval();
    // Jitter as libzmq adds it, so many clients do not reconnect in lockstep.
    const delay = this.#interval + Math.floor(Math.random() * Math.max(1, base));
    if (max > base) this.#interval = Math.min(this.#interval * 2, max);
    this.#host.emit({ type: "connect:retry", address: this.endpoint, interval: delay });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#attempt();
    }, delay);
    this.#host.unrefTimer?.(this.#timer);
  }
}
