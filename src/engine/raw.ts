/**
 * The engine of a STREAM socket (libzmq's `raw_engine`): no ZMTP, no
 * handshake. Each chunk read becomes a one-frame message; each message
 * queued is written as it is, and an empty frame closes the connection.
 * Over a message connection (ws) a chunk is one WebSocket message.
 *
 * @module
 */
import type { ByteConnection } from "../../transports/runtime/types.ts";
import type { MessageConnection } from "../../transports/ws/types.ts";
import type { Pipe } from "../pipe.ts";
import { EngineBase } from "./base.ts";
import { type EngineHost, type EngineOptions, isMessageConnection } from "./types.ts";

/**
 * Drives one raw connection for a STREAM socket.
 *
 * @example
 * ```ts ignore
 * const engine = new RawEngine(conn, options, { ready: () => peer, closed: () => {} });
 * ```
 */
export class RawEngine extends EngineBase {
  constructor(conn: ByteConnection | MessageConnection, options: EngineOptions, host: EngineHost) {
    // Graceful close hands the transport everything left, drained or not: an HTTP reply must not be cut.
    super(conn, host, options.defer, false, true);
    const data = (chunk: Uint8Array) => this.#data(chunk);
    const drain = () => this.transportDrained();
    const close = (error?: Error) => this.transportClosed(error);
    if (isMessageConnection(conn)) conn.start({ message: data, drain, close });
    else conn.start({ data, drain, close });
    // No handshake: the connection is ready at once, and any socket type may be on the other end.
    const peer = host.ready(this, new Map());
    if (!peer || this.closed) {
      this.close();
      return;
    }
    this.attach(peer);
  }

  #data(chunk: Uint8Array): void {
    if (this.peer === null || this.closed) return;
    this.deliver([chunk]);
  }

  protected writeQueued(outbound: Pipe): void {
    const chunks: Uint8Array[] = [];
    let message;
    while ((message = outbound.read()) !== undefined) {
      if (message.length === 1 && message[0].byteLength === 0) {
        // libzmq: sending an empty frame to a STREAM peer closes its connection.
        if (chunks.length > 0) this.link.write(chunks);
        this.stop({}, true);
        return;
      }
      for (const frame of message) if (frame.byteLength > 0) chunks.push(frame);
    }
    if (chunks.length > 0) this.write(chunks);
  }
}
