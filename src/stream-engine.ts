/**
 * The engine of a STREAM socket: raw bytes, no ZMTP. Each chunk read becomes
 * a one-frame message; each message queued is written as it is, and an
 * empty frame closes the connection (libzmq's raw engine).
 *
 * @module
 */
import type { ByteConnection } from "../transports/runtime/types.ts";
import { runtime } from "../transports/runtime/mod.ts";
import type { Connection, EngineHost } from "./engine.ts";
import type { Peer } from "./peer.ts";

/** Drives one raw TCP connection for a STREAM socket. */
export class StreamEngine implements Connection {
  readonly remoteAddress: string;
  readonly gone: Promise<void>;
  #conn: ByteConnection;
  #host: EngineHost;
  #peer: Peer | null = null;
  #closed = false;
  #scheduled = false;
  #blocked = false;
  #paused = false;
  #flushWaiters: (() => void)[] = [];

  constructor(conn: ByteConnection, host: EngineHost) {
    this.#conn = conn;
    this.#host = host;
    this.remoteAddress = conn.remoteAddress;
    let markGone!: () => void;
    this.gone = new Promise((resolve) => (markGone = resolve));
    conn.start({
      data: (chunk) => this.#data(chunk),
      drain: () => {
        this.#blocked = false;
        this.#flush();
      },
      close: (error) => {
        markGone();
        this.#finish(error);
      },
    });
    // No handshake: the connection is ready at once, and any socket type may be on the other end.
    const peer = host.ready(this, new Map());
    if (!peer || this.#closed) {
      this.close();
      return;
    }
    this.#peer = peer;
    peer.outbound.onReadable = () => this.#schedule();
    peer.inbound.onWritable = () => {
      if (this.#paused && !this.#closed) {
        this.#paused = false;
        conn.resume();
      }
    };
    if (peer.outbound.size > 0) this.#schedule();
  }

  /** Resolves once every queued message has been handed to the transport (or the connection is gone). */
  whenFlushed(): Promise<void> {
    if (this.#flushed) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push(resolve));
  }

  get #flushed(): boolean {
    return this.#closed ||
      (!this.#blocked && !this.#scheduled && (this.#peer === null || this.#peer.outbound.size === 0));
  }

  close(graceful = false): void {
    if (this.#closed) return;
    // The runtime queues what it is given even above its limit, so a graceful close hands it everything left.
    if (graceful) this.#flush(true);
    if (this.#closed as boolean) return; // the queue held a close request
    this.#finish();
    if (graceful) this.#conn.end();
    else this.#conn.destroy();
  }

  #data(chunk: Uint8Array): void {
    const peer = this.#peer;
    if (!peer || this.#closed) return;
    peer.inbound.write([chunk]);
    if (!this.#paused && peer.inbound.full) {
      this.#paused = true;
      this.#conn.pause();
    }
  }

  #schedule(): void {
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    runtime.defer(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(force = false): void {
    const peer = this.#peer;
    if (!peer || this.#closed || (this.#blocked && !force)) return;
    const chunks: Uint8Array[] = [];
    let message;
    while ((message = peer.outbound.read()) !== undefined) {
      if (message.length === 1 && message[0].byteLength === 0) {
        // libzmq: sending an empty frame to a STREAM peer closes its connection.
        if (chunks.length > 0) this.#conn.write(chunks);
        this.close(true);
        return;
      }
      for (const frame of message) if (frame.byteLength > 0) chunks.push(frame);
    }
    if (chunks.length > 0 && !this.#conn.write(chunks)) this.#blocked = true;
    if (this.#flushed) this.#wakeFlushWaiters();
  }

  #wakeFlushWaiters(): void {
    for (const w of this.#flushWaiters.splice(0)) w();
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wakeFlushWaiters();
    if (this.#peer) this.#peer.outbound.onReadable = null;
    this.#host.closed(this, { error });
  }
}
