/**
 * The Deno adapter: `Deno.listen` / `Deno.connect` for tcp and unix sockets.
 *
 * @module
 */
import type { ByteConnection, ConnectionHandlers, Listener, Runtime, SocketAddress } from "./types.ts";
import { withErrno } from "./errors.ts";
import { takeBatch } from "./batch.ts";

/** The slice of the Deno namespace this adapter uses (typed here so the file loads on every runtime). */
interface DenoConn {
  readonly remoteAddr: { hostname?: string; port?: number; path?: string | null };
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
  setKeepAlive?(keepAlive?: boolean): void;
}
interface DenoListener extends AsyncIterable<DenoConn> {
  readonly addr: { port?: number };
  close(): void;
}
interface DenoApi {
  listen(options: Record<string, unknown>): DenoListener;
  connect(options: Record<string, unknown>): Promise<DenoConn>;
  lstat(path: string): Promise<{ isSocket: boolean | null }>;
  remove(path: string): Promise<void>;
  removeSync(path: string): void;
}
const deno = (): DenoApi => (globalThis as unknown as { Deno: DenoApi }).Deno;

const READ_SIZE = 64 * 1024;
/** Above this many unwritten bytes `write` asks the caller to wait for `drain`. */
const HIGH_WATER = 256 * 1024;

class DenoConnection implements ByteConnection {
  readonly remoteAddress: string;
  #conn: DenoConn;
  #handlers: ConnectionHandlers | null = null;
  #paused = false;
  #resume: (() => void) | null = null;
  #closed = false;
  #queue: Uint8Array[] = [];
  #queued = 0;
  #writing = false;
  #wantsDrain = false;
  #ending = false;

  constructor(conn: DenoConn, remoteAddress: string) {
    this.#conn = conn;
    this.remoteAddress = remoteAddress;
  }

  start(handlers: ConnectionHandlers): void {
    this.#handlers = handlers;
    void this.#readLoop();
  }

  async #readLoop(): Promise<void> {
    try {
      while (!this.#closed) {
        if (this.#paused) await new Promise<void>((resolve) => (this.#resume = resolve));
        if (this.#closed) return;
        // A fresh buffer per read: the core keeps views of it as frames.
        const buf = new Uint8Array(READ_SIZE);
        const n = await this.#conn.read(buf);
        if (n === null) break;
        this.#handlers!.data(buf.subarray(0, n));
      }
      this.#finish();
    } catch (err) {
      this.#finish(err);
    }
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#closed) return true;
    for (const c of chunks) {
      this.#queue.push(c);
      this.#queued += c.byteLength;
    }
    if (!this.#writing) void this.#writeLoop();
    if (this.#queued > HIGH_WATER) {
      this.#wantsDrain = true;
      return false;
    }
    return true;
  }

  async #writeLoop(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const chunk = takeBatch(this.#queue);
        // Conn.write may write only part of the buffer.
        for (let at = 0; at < chunk.byteLength;) at += await this.#conn.write(chunk.subarray(at));
        this.#queued -= chunk.byteLength;
      }
    } catch (err) {
      this.#writing = false;
      this.#finish(err);
      return;
    }
    this.#writing = false;
    if (this.#closed) return;
    if (this.#wantsDrain) {
      this.#wantsDrain = false;
      this.#handlers?.drain();
    }
    if (this.#ending && this.#queue.length === 0) this.#finish();
  }

  setKeepAlive(enable: boolean, _idleMs: number): void {
    // Deno can switch keepalive on but not set its timing; the OS defaults apply.
    this.#conn.setKeepAlive?.(enable);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#resume?.();
    this.#resume = null;
  }

  end(): void {
    this.#ending = true;
    if (!this.#writing) this.#finish();
  }

  destroy(): void {
    this.#finish();
  }

  #finish(err?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch { /* already closed by the peer */ }
    this.#resume?.();
    this.#handlers?.close(err === undefined ? undefined : withErrno(err));
  }
}

function remoteOf(conn: DenoConn, address: SocketAddress): string {
  if (address.kind === "ipc") return address.path;
  const host = conn.remoteAddr.hostname ?? address.host;
  return `${host.includes(":") ? `[${host}]` : host}:${conn.remoteAddr.port ?? address.port}`;
}

function wrap(conn: DenoConn, address: SocketAddress): DenoConnection {
  if (address.kind === "tcp") conn.setNoDelay?.(true);
  return new DenoConnection(conn, remoteOf(conn, address));
}

function listenOptions(address: SocketAddress): Record<string, unknown> {
  return address.kind === "tcp"
    ? { transport: "tcp", hostname: address.host, port: address.port }
    : { transport: "unix", path: address.path };
}

/** Removes a Unix socket file nobody listens on any more (left by a dead process, or by Deno itself). */
async function removeStaleSocketFile(path: string): Promise<boolean> {
  if (path.startsWith("\0")) return false;
  try {
    if (!(await deno().lstat(path)).isSocket) return false;
  } catch {
    return false;
  }
  try {
    (await deno().connect({ transport: "unix", path })).close();
    return false;
  } catch {
    await deno().remove(path).catch(() => {});
    return true;
  }
}

/** The adapter for Deno's own socket API. */
export const denoRuntime: Runtime = {
  name: "deno",

  async listen(address, onConnection): Promise<Listener> {
    let listener: DenoListener;
    try {
      listener = deno().listen(listenOptions(address));
    } catch (err) {
      const error = withErrno(err);
      if (address.kind !== "ipc" || (error as { code?: string }).code !== "EADDRINUSE") throw error;
      if (!(await removeStaleSocketFile(address.path))) throw error;
      try {
        listener = deno().listen(listenOptions(address));
      } catch (err2) {
        throw withErrno(err2);
      }
    }
    let open = true;
    const accepting = (async () => {
      try {
        for await (const conn of listener) onConnection(wrap(conn, address));
      } catch { /* the listener was closed */ }
    })();
    const actual: SocketAddress = address.kind === "tcp" ? { ...address, port: listener.addr.port ?? address.port } : address;
    return {
      address: actual,
      async close(): Promise<void> {
        if (!open) return;
        open = false;
        listener.close();
        // The port is free only once the pending accept has unwound; a rebind right after must work.
        await accepting;
        // Deno leaves the socket file behind; libzmq removes it on close, so do we.
        if (address.kind === "ipc" && !address.path.startsWith("\0")) {
          try {
            deno().removeSync(address.path);
          } catch { /* already gone */ }
        }
      },
    };
  },

  async connect(address): Promise<ByteConnection> {
    try {
      const options = address.kind === "tcp"
        ? { transport: "tcp", hostname: address.host, port: address.port }
        : { transport: "unix", path: address.path };
      return wrap(await deno().connect(options), address);
    } catch (err) {
      throw withErrno(err);
    }
  },

  defer(fn: () => void): void {
    setImmediate(fn);
  },
};
