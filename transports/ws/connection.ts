/**
 * One open WebSocket as a `MessageConnection`: what every runtime's adapter
 * hands the engine. It moves whole binary messages and owns what differs
 * between WebSocket APIs: send-buffer backpressure (`bufferedAmount`, a drain
 * event or polling), cork/uncork, pause/resume where the runtime can stop
 * reading (else a bounded backlog), and reporting the close once. It knows
 * nothing of ZMTP: the engine frames ZWS 2.0 on it.
 *
 * @module
 */
import type { MessageConnection, MessageHandlers, MessageSocket } from "./types.ts";

/** Bytes buffered in the WebSocket above which `write` asks the engine to wait for `drain`. */
const HIGH_WATER = 256 * 1024;
/** How often a blocked writer looks at `bufferedAmount` where the runtime has no drain event. */
const DRAIN_POLL_MS = 2;

/** Most bytes held for a paused engine when the WebSocket cannot pause (the standard client: Deno, Bun, browsers). */
export const MAX_BACKLOG_BYTES: number = 64 << 20;

/**
 * Wraps an adapter's `MessageSocket`; the adapter feeds it with `message`, `textMessage` and `closed`.
 *
 * @example
 * ```ts ignore
 * const conn = new WsConnection(socket, "NULL", "127.0.0.1:5555");
 * ws.on("message", (data) => conn.message(data));
 * ws.on("close", () => conn.closed());
 * ```
 */
export class WsConnection implements MessageConnection {
  readonly kind = "message" as const;
  readonly mechanism: string;
  readonly remoteAddress: string;
  #socket: MessageSocket;
  #handlers: MessageHandlers | null = null;
  /** Messages waiting for `start`, a `resume`, or ones queued before them. */
  #backlog: Uint8Array[] = [];
  #backlogBytes = 0;
  #paused = false;
  #closed = false;
  #closeError: Error | undefined;
  #closeReported = false;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #wantsDrain = false;

  /** `mechanism` is what the negotiated subprotocol names ("" for bare "ZWS2.0"). */
  constructor(socket: MessageSocket, mechanism: string, remoteAddress: string) {
    this.#socket = socket;
    this.mechanism = mechanism;
    this.remoteAddress = remoteAddress;
    socket.onDrain?.(() => this.#drained());
  }

  // --- from the WebSocket (called by the runtime adapter) ---

  /** One binary WebSocket message arrived. */
  message(data: Uint8Array): void {
    if (this.#closed) return;
    const handlers = this.#handlers;
    if (handlers !== null && !this.#paused && this.#backlog.length === 0) return handlers.message(data);
    this.#backlog.push(data);
    this.#backlogBytes += data.byteLength;
    // A standard WebSocket client (Deno, Bun, browsers) cannot stop reading: a peer that keeps sending past our
    // receive high-water mark would grow this queue without end. Bounded memory wins: drop it.
    if (this.#backlogBytes > MAX_BACKLOG_BYTES && this.#socket.pause === undefined) {
      this.#fail(
        new Error(
          `${this.remoteAddress} sent over ${MAX_BACKLOG_BYTES >> 20} MB past the receive high-water mark ` +
            `and this runtime's WebSocket cannot push back: connection dropped`,
        ),
      );
    }
  }

  /** A text message: not ZWS (RFC 45 carries binary messages only). */
  textMessage(): void {
    this.#fail(new Error(`ZWS protocol error from ${this.remoteAddress}: a text WebSocket message`));
  }

  /** The WebSocket closed. Reported to the engine once. */
  closed(error?: Error): void {
    if (this.#closed && this.#closeReported) return;
    this.#closed = true;
    this.#closeError ??= error;
    clearTimeout(this.#drainTimer);
    this.#reportClose();
  }

  // --- MessageConnection (called by the engine) ---

  start(handlers: MessageHandlers): void {
    if (this.#handlers) return;
    this.#handlers = handlers;
    // Not from inside the engine's constructor: it may not be ready for them yet.
    if (this.#backlog.length > 0 || this.#closed) {
      queueMicrotask(() => this.#closed ? this.#reportClose() : this.#pump());
    }
  }

  write(messages: readonly Uint8Array[]): boolean {
    if (this.#closed) return true;
    const socket = this.#socket;
    socket.cork?.();
    try {
      for (let i = 0; i < messages.length; i++) socket.send(messages[i]);
    } catch (err) {
      this.#fail(err as Error);
      return true;
    } finally {
      socket.uncork?.();
    }
    if (socket.bufferedAmount < HIGH_WATER) return true;
    this.#wantsDrain = true;
    if (!socket.onDrain) this.#pollDrain();
    return false;
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause?.();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#socket.resume?.();
    this.#pump();
  }

  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#drainTimer);
    // The close event reports it once the close handshake is done.
    this.#socket.close();
  }

  destroy(): void {
    this.#fail();
  }

  // --- internals ---

  #pump(): void {
    const handlers = this.#handlers;
    if (!handlers) return;
    while (this.#backlog.length > 0 && !this.#paused && !this.#closed) {
      const data = this.#backlog.shift()!;
      this.#backlogBytes -= data.byteLength;
      handlers.message(data);
    }
  }

  #pollDrain(): void {
    if (this.#drainTimer !== undefined) return;
    this.#drainTimer = setTimeout(() => {
      this.#drainTimer = undefined;
      if (this.#closed) return;
      if (this.#socket.bufferedAmount < HIGH_WATER / 4) this.#drained();
      else this.#pollDrain();
    }, DRAIN_POLL_MS);
  }

  #drained(): void {
    if (!this.#wantsDrain || this.#closed) return;
    this.#wantsDrain = false;
    this.#handlers?.drain();
  }

  /** Closes at once and reports it (the runtime's own close event may come much later). */
  #fail(error?: Error): void {
    if (this.#closed && this.#closeReported) return;
    this.#closed = true;
    this.#closeError ??= error;
    clearTimeout(this.#drainTimer);
    try {
      this.#socket.terminate();
    } catch {
      // Already closed.
    }
    queueMicrotask(() => this.#reportClose());
  }

  #reportClose(): void {
    if (this.#closeReported || !this.#handlers) return;
    this.#closeReported = true;
    this.#backlog = [];
    this.#backlogBytes = 0;
    this.#handlers.close(this.#closeError);
  }
}
