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

  whenFlushed(): Promise<void> {
    return Promise.resolve();
  }

  close(graceful = false): void {
    if (this.#closed) return;
    if (graceful) this.#flush();
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

  #flush(): void {
    const peer = this.#peer;
    if (!peer || this.#closed || this.#blocked) return;
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
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#peer) this.#peer.outbound.onReadable = null;
    this.#host.closed(this, { error });
  }
}
