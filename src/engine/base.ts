/**
 * The plumbing every engine shares, whatever it speaks (libzmq's
 * `stream_engine_base`): the socket's queued messages go out once per turn
 * of the event loop (in a microtask for lockstep types, which have nothing
 * to batch), writes wait while the transport drains, reading pauses while
 * the peer's inbound pipe is full, `whenFlushed`, graceful and abrupt close,
 * `gone`, and the end reported to the socket exactly once.
 *
 * The base assumes no byte stream. A subclass starts its connection with its
 * own input handler and hands whole messages to `deliver`; `writeQueued`
 * turns what the socket queued into the chunks its transport takes, one
 * `write` per batch. The ZMTP engine (over a byte stream, or over ZWS, one
 * WebSocket message per frame) and the raw STREAM engine are built so.
 *
 * A datagram engine (udp RADIO/DISH/DGRAM, epgm) plugs in the same way: its
 * link writes each chunk as one datagram, each datagram it receives is one
 * message for `deliver` (the group or address as its first frame), and
 * `pause`/`resume` stop reading the socket; a NAK-repairing transport such as
 * PGM keeps its repair window below the link, so the engine sees only whole,
 * ordered messages.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import type { Pipe } from "../pipe.ts";
import type { Connection, EngineEnd, EngineHost } from "./types.ts";

/**
 * What the base needs of a transport connection, byte stream or not: chunks out in one write
 * (bytes, or one message each), flow control both ways, and the two ways to close.
 */
export interface Link {
  readonly remoteAddress: string;
  /** Writes the chunks in order; false: wait for the drain the subclass passes to `transportDrained`. */
  write(chunks: readonly Uint8Array[]): boolean;
  pause(): void;
  resume(): void;
  /** Closes after what was written. */
  end(): void;
  /** Closes at once. */
  destroy(): void;
}

/**
 * One connection's plumbing between a peer's pipes and a link; subclasses supply the protocol.
 *
 * @example
 * ```ts ignore
 * class EchoEngine extends EngineBase {
 *   protected writeQueued(outbound: Pipe): void {
 *     let m;
 *     while ((m = outbound.read()) !== undefined) this.write(m);
 *   }
 * }
 * ```
 */
export abstract class EngineBase implements Connection {
  /** The peer's address as the transport reports it. */
  readonly remoteAddress: string;
  /** Resolves when the transport has closed. */
  readonly gone: Promise<void>;
  protected readonly link: Link;
  protected readonly host: EngineHost;
  /** The peer whose pipes this connection carries, once `attach`ed. */
  protected peer: Peer | null = null;
  readonly #defer: (fn: () => void) => void;
  readonly #lockstep: boolean;
  readonly #writesAllOnClose: boolean;
  #markGone!: () => void;
  #attached = false;
  #closed = false;
  #flushScheduled = false;
  #writeBlocked = false;
  #readPaused = false;
  #flushWaiters: (() => void)[] = [];
  #flush = (): void => {
    this.#flushScheduled = false;
    this.#flushNow(false);
  };
  #onReadable = (): void => this.scheduleFlush();
  #onWritable = (): void => this.resumeReading();

  /**
   * `defer` is the per-turn scheduler; `lockstep` flushes in a microtask instead. With
   * `writesAllOnClose`, a graceful close hands the transport everything queued even while it
   * drains (the runtimes queue what they are given past their limit).
   */
  constructor(
    link: Link,
    host: EngineHost,
    defer: (fn: () => void) => void,
    lockstep: boolean,
    writesAllOnClose = false,
  ) {
    this.link = link;
    this.host = host;
    this.remoteAddress = link.remoteAddress;
    this.#defer = defer;
    this.#lockstep = lockstep;
    this.#writesAllOnClose = writesAllOnClose;
    this.gone = new Promise((resolve) => (this.#markGone = resolve));
  }

  /** True when everything the socket queued has been handed to the transport. */
  get flushed(): boolean {
    return !this.#writeBlocked && !this.#flushScheduled && (this.peer === null || this.peer.outbound.size === 0);
  }

  /** Resolves once `flushed` (or the connection is gone). */
  whenFlushed(): Promise<void> {
    if (this.#closed || this.flushed) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push(resolve));
  }

  /**
   * Closes the connection: gracefully after pending writes (`end`) or at once. Even at once,
   * what is queued and the transport takes now goes out first: libzmq's I/O thread would
   * already have written it (a reply sent just before a close with linger 0 reaches the peer).
   */
  close(graceful = false): void {
    if (this.#closed) return;
    this.#flushNow(graceful && this.#writesAllOnClose);
    // Writing what was queued may itself have closed it (STREAM's empty frame).
    if (this.closed) return;
    this.finish({});
    if (graceful) this.link.end();
    else this.link.destroy();
  }

  // --- for subclasses ---

  /** True once the end has been reported. */
  protected get closed(): boolean {
    return this.#closed;
  }

  /** Starts carrying `peer`'s messages: its queued output is flushed, its input paced. */
  protected attach(peer: Peer): void {
    this.peer = peer;
    this.#attached = true;
    peer.outbound.onReadable = this.#onReadable;
    peer.inbound.onWritable = this.#onWritable;
    if (peer.outbound.size > 0) this.scheduleFlush();
  }

  /** Hands a message to the socket; past the inbound high-water mark, reading pauses until it drains. */
  protected deliver(message: Message): void {
    const inbound = this.peer!.inbound;
    inbound.write(message);
    if (!this.#readPaused && inbound.full) {
      // Receive-side backpressure: leave the rest in the kernel until the socket catches up.
      this.pauseReading();
    }
  }

  /** Stops reading from the transport until `resumeReading`. */
  protected pauseReading(): void {
    if (this.#readPaused) return;
    this.#readPaused = true;
    this.link.pause();
  }

  /** Reads again after `pauseReading` (or the inbound pipe draining). */
  protected resumeReading(): void {
    if (this.#readPaused && !this.#closed) {
      this.#readPaused = false;
      this.link.resume();
    }
  }

  /** Flushes at the end of this turn (a microtask for lockstep types). */
  protected scheduleFlush(): void {
    if (this.#flushScheduled || this.#writeBlocked || !this.#attached || this.#closed) return;
    this.#flushScheduled = true;
    // Called bare: through a method call it would get a `this`, which Chromium refuses.
    if (this.#lockstep) queueMicrotask(this.#flush);
    else this.#defer(this.#flush);
  }

  /** Reads the peer's queued messages and writes them; `write` says when to stop. */
  protected abstract writeQueued(outbound: Pipe): void;

  /** Writes one batch; false if the transport asked to wait for `drain` (then flushing stops). */
  protected write(chunks: readonly Uint8Array[]): boolean {
    if (this.link.write(chunks)) return true;
    this.#writeBlocked = true;
    return false;
  }

  /** The transport drained: write on. */
  protected transportDrained(): void {
    this.#writeBlocked = false;
    this.#flushNow(false);
  }

  /** The transport closed (whoever closed it). */
  protected transportClosed(error?: Error): void {
    this.#markGone();
    if (!this.#closed) this.finish(this.closedBy(error));
  }

  /** Why the transport closing ends this engine, as the socket hears it. */
  protected closedBy(error?: Error): EngineEnd {
    return { error };
  }

  /** Ends the engine with `end` and closes the transport: after what was written, or at once. */
  protected stop(end: EngineEnd, graceful: boolean): void {
    if (this.#closed) return;
    this.finish(end);
    if (graceful) this.link.end();
    else this.link.destroy();
  }

  /** Releases what the subclass holds (timers, buffers) when the engine ends. */
  protected cleanUp(): void {}

  /** Marks the engine ended and tells the socket, once; the transport is the caller's to close. */
  protected finish(end: EngineEnd): void {
    if (this.#closed) return;
    this.#closed = true;
    this.cleanUp();
    const peer = this.peer;
    if (peer) {
      // Only our own callbacks: after a reconnect the peer's pipes belong to the next engine.
      if (peer.outbound.onReadable === this.#onReadable) peer.outbound.onReadable = null;
      if (peer.inbound.onWritable === this.#onWritable) peer.inbound.onWritable = null;
    }
    this.#wakeFlushWaiters();
    this.host.closed(this, end);
  }

  #flushNow(force: boolean): void {
    if (!this.#attached || this.#closed || (this.#writeBlocked && !force)) return;
    this.writeQueued(this.peer!.outbound);
    if (this.#flushWaiters.length > 0 && this.flushed) this.#wakeFlushWaiters();
  }

  #wakeFlushWaiters(): void {
    const waiters = this.#flushWaiters;
    if (waiters.length === 0) return;
    this.#flushWaiters = [];
    for (const w of waiters) w();
  }
}
