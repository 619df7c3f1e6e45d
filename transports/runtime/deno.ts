/**
 * The Deno adapter: `Deno.listen` / `Deno.connect` for tcp and unix sockets.
 *
 * @module
 */
import type { ByteConnection, ConnectionHandlers, Listener, Runtime, SocketAddress } from "./types.ts";
import { withErrno } from "./errors.ts";
import { COALESCE_BYTES, WriteQueue } from "./batch.ts";
import { hostPort } from "../address.ts";
import { clearStaleSocketFile, type SocketFiles } from "./stale-socket.ts";
import { nodeRuntime } from "./node.ts";

/** The slice of the Deno namespace this adapter uses (typed here so the file loads on every runtime). */
interface DenoConn {
  readonly remoteAddr: { hostname?: string; port?: number; path?: string | null };
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  closeWrite(): Promise<void> | void;
  close(): void;
  setNoDelay?(noDelay?: boolean): void;
  setKeepAlive?(keepAlive?: boolean): void;
  unref?(): void;
}
interface DenoListener {
  readonly addr: { hostname?: string; port?: number };
  accept(): Promise<DenoConn>;
  close(): void;
  unref(): void;
}
interface DenoApi {
  listen(options: Record<string, unknown>): DenoListener;
  connect(options: Record<string, unknown>): Promise<DenoConn>;
  startTls(conn: DenoConn, options: Record<string, unknown>): Promise<DenoConn>;
  lstat(path: string): Promise<{ isSocket: boolean | null }>;
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  makeTempDir(options?: { prefix?: string }): Promise<string>;
  unrefTimer(id: number): void;
}
const deno = (): DenoApi => (globalThis as unknown as { Deno: DenoApi }).Deno;

/** Bytes asked of the kernel per read at most (what Node reads too). */
const READ_SIZE = 64 * 1024;
/**
 * The adapter's own read buffer starts this small and doubles while reads fill it. A pending
 * read pins its buffer until bytes arrive, and Node's and Bun's allocate theirs only then: a
 * connection that has sent nothing (1,000 silent attackers) must not hold 64 KiB each. A
 * ZMTP greeting is 64 bytes; after it the engine's decoder hands out its own buffers.
 */
const FIRST_READ = 256;
/**
 * Reads up to this size are copied out and the read buffer is reused: the core keeps
 * received chunks as message frames, and a 7-byte message must not pin 64 KiB.
 */
const COPY_BELOW = 16 * 1024;
/** Pause before accepting again after a transient accept error (EMFILE, ECONNABORTED). */
const ACCEPT_RETRY_MS = 50;

class DenoConnection implements ByteConnection {
  readonly remoteAddress: string;
  #conn: DenoConn;
  #handlers: ConnectionHandlers | null = null;
  #reading = false;
  #paused = false;
  /** Wakes the read loop when it waits in a pause. */
  #wake: (() => void) | null = null;
  #out = new WriteQueue();
  #writing = false;
  /** Where small chunks are joined; reused while the write loop runs, dropped when it ends. */
  #scratch: Uint8Array | null = null;
  #joinInto = (size: number): Uint8Array => {
    let scratch = this.#scratch;
    if (!scratch || scratch.byteLength < size) {
      scratch = this.#scratch = new Uint8Array(
        Math.max(size, Math.min(2 * (scratch?.byteLength ?? 0), COALESCE_BYTES)),
      );
    }
    return scratch.subarray(0, size);
  };
  /** `end()` was called: flush, send FIN, then read (and drop) until the peer's FIN. */
  #ending = false;
  #closed = false;
  #closeError: Error | undefined;

  constructor(conn: DenoConn, remoteAddress: string) {
    this.#conn = conn;
    this.remoteAddress = remoteAddress;
  }

  start(handlers: ConnectionHandlers): void {
    if (this.#handlers) return;
    this.#handlers = handlers;
    if (this.#closed) this.#notifyClose();
    else this.#startReading();
  }

  #startReading(): void {
    if (this.#reading) return;
    this.#reading = true;
    void this.#readLoop();
  }

  /** Resolves once the read loop may go on: not paused, or ending/closed (which ignore pause). */
  #unpaused(): Promise<void> | null {
    if (!this.#paused || this.#ending || this.#closed) return null;
    return new Promise((resolve) => (this.#wake = resolve));
  }

  async #readLoop(): Promise<void> {
    // Only for reads the engine has no buffer for (the greeting): its decoder's buffers take the rest.
    let buf: Uint8Array | null = null;
    let size = FIRST_READ;
    try {
      for (;;) {
        // Not reading while paused is what makes the peer feel TCP backpressure.
        for (let wait = this.#unpaused(); wait; wait = this.#unpaused()) await wait;
        if (this.#closed) return;
        // Where the engine's decoder wants the bytes: back to back in its arena, or a large
        // frame's own buffer. Nothing else touches the decoder until this read is pushed.
        const target = this.#ending ? null : this.#handlers?.readBuffer?.() ?? null;
        if (target) buf = null; // the decoder's buffers took over: a quiet connection keeps none of ours
        const into = target ?? (buf ??= new Uint8Array(size));
        const n = await this.#conn.read(into);
        if (n === null) break;
        // A full buffer says more was waiting: ask for more next time (the next buffer made).
        if (into === buf && n === buf.byteLength && n < READ_SIZE) size = Math.min(2 * n, READ_SIZE);
        if (this.#ending) continue; // after end() bytes are read only to reach the peer's FIN
        // A read already in flight at pause() still completes: hold its bytes until resume().
        for (let wait = this.#unpaused(); wait; wait = this.#unpaused()) await wait;
        if (this.#closed) return;
        if (this.#ending) continue;
        let chunk: Uint8Array;
        if (into !== buf) chunk = into.subarray(0, n);
        else if (n < COPY_BELOW) {
          chunk = buf.slice(0, n);
          if (buf.byteLength < size) buf = null; // outgrown: the next read makes a larger one
        } else {
          chunk = buf.subarray(0, n);
          buf = null; // the receiver owns it now
        }
        this.#handlers?.data(chunk);
      }
      this.#finish();
    } catch (err) {
      // After destroy() the pending read rejects (BadResource/Interrupted); #finish ignores it.
      this.#finish(err);
    }
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#closed || this.#ending) return true;
    this.#out.push(chunks);
    if (!this.#writing && !this.#out.empty) void this.#writeLoop();
    return !this.#out.mustWait();
  }

  /** The only writer: Deno has no writev and Conn.write may be partial, so one loop keeps order. */
  async #writeLoop(): Promise<void> {
    this.#writing = true;
    try {
      while (!this.#out.empty && !this.#closed) {
        // Joins the small chunks queued meanwhile: one op and one syscall for many messages.
        // Deno reads a pending write's buffer until the write completes (a change made
        // meanwhile goes out), so the scratch is safe to reuse only because each write is
        // awaited to the end before the next batch is made.
        const chunk = this.#out.take(this.#joinInto);
        for (let at = 0; at < chunk.byteLength;) {
          at += await this.#conn.write(at === 0 ? chunk : chunk.subarray(at));
        }
        this.#out.sent(chunk.byteLength);
      }
      this.#writing = false;
      this.#scratch = null; // a quiet connection holds no write buffer
      if (this.#closed) return;
      if (this.#out.drained()) this.#handlers?.drain(); // may write again, starting a new loop
      if (this.#ending && !this.#writing) await this.#shutdown();
    } catch (err) {
      this.#writing = false;
      this.#finish(err);
    }
  }

  /**
   * Sends FIN and keeps reading until the peer's FIN. Closing the fd right away would
   * send RST if inbound bytes are unread, and RST can discard what we just wrote.
   */
  async #shutdown(): Promise<void> {
    this.#wake?.();
    this.#startReading(); // end() before start(): nobody reads otherwise
    await this.#conn.closeWrite();
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
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  end(): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    if (!this.#writing) this.#shutdown().catch((err) => this.#finish(err));
  }

  destroy(): void {
    this.#finish();
  }

  #finish(err?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = err === undefined ? undefined : withErrno(err);
    this.#out.clear();
    try {
      this.#conn.close();
    } catch { /* already closed */ }
    this.#wake?.();
    this.#wake = null;
    if (this.#handlers) this.#notifyClose();
  }

  /** Never from inside the caller's own destroy()/end() call: Node reports close asynchronously too. */
  #notifyClose(): void {
    const handlers = this.#handlers!;
    const error = this.#closeError;
    queueMicrotask(() => handlers.close(error));
  }
}

function remoteOf(conn: DenoConn, address: SocketAddress): string {
  if (address.kind === "ipc") return address.path;
  const host = conn.remoteAddr.hostname ?? address.host;
  return hostPort(host, conn.remoteAddr.port ?? address.port);
}

function wrap(conn: DenoConn, address: SocketAddress): DenoConnection {
  if (address.kind === "tcp") conn.setNoDelay?.(true);
  return new DenoConnection(conn, remoteOf(conn, address));
}

function options(address: SocketAddress): Record<string, unknown> {
  return address.kind === "tcp"
    ? { transport: "tcp", hostname: address.host, port: address.port }
    : { transport: "unix", path: address.path };
}

const codeOf = (err: unknown): unknown => (err as { code?: unknown }).code;

/** The stale-socket-file rule's view of Deno's own file and socket API. */
const denoSocketFiles: SocketFiles = {
  isSocket: (path) => deno().lstat(path).then((s) => s.isSocket === true, () => false),
  probe: (path) =>
    deno().connect({ transport: "unix", path }).then((conn) => conn.close(), (err) => {
      throw withErrno(err);
    }),
  remove: (path) =>
    deno().remove(path).catch((err) => {
      if (codeOf(withErrno(err)) !== "ENOENT") throw withErrno(err);
    }),
};

function listenNow(address: SocketAddress): DenoListener {
  try {
    return deno().listen(options(address));
  } catch (err) {
    throw withErrno(err);
  }
}

/** The adapter for Deno's own socket API. */
export const denoRuntime: Runtime = {
  name: "deno",

  async listen(address, onConnection, onAcceptError = () => {}, listenOptions): Promise<Listener> {
    if (address.kind === "ipc") await clearStaleSocketFile(address.path, denoSocketFiles);
    const listener = listenNow(address);
    const unref = listenOptions?.unref === true;
    if (unref) listener.unref();
    let open = true;
    let pending: Promise<unknown> = Promise.resolve();
    // A hand-written loop, not `for await`: Deno's iterator ends on the first accept error,
    // and EMFILE must not stop a listener for good (Node's keeps accepting too).
    void (async () => {
      while (open) {
        let conn: DenoConn;
        try {
          const accepted = listener.accept();
          pending = accepted.catch(() => {});
          conn = await accepted;
        } catch (err) {
          const name = (err as Error).name;
          if (!open || name === "BadResource" || name === "Interrupted") return;
          onAcceptError(withErrno(err));
          await new Promise((resolve) => setTimeout(resolve, ACCEPT_RETRY_MS));
          continue;
        }
        if (!open) {
          conn.close();
          return;
        }
        try {
          if (unref) conn.unref?.();
          onConnection(wrap(conn, address));
        } catch (err) {
          // The owner's bug: surface it as Node would (uncaught), but keep accepting.
          queueMicrotask(() => {
            throw err;
          });
        }
      }
    })();
    const actual: SocketAddress = address.kind === "tcp"
      ? { ...address, host: listener.addr.hostname || address.host, port: listener.addr.port ?? address.port }
      : address;
    return {
      address: actual,
      async close(): Promise<void> {
        if (!open) return;
        open = false;
        try {
          listener.close();
        } catch { /* already closed */ }
        // The port is free only once the pending accept has unwound; a rebind right after must work.
        await pending;
        // Deno leaves the socket file behind; libzmq and Node remove it on close, so do we.
        if (address.kind === "ipc" && !address.path.startsWith("\0")) {
          await deno().remove(address.path).catch(() => {});
        }
      },
    };
  },

  async connect(address, dial): Promise<ByteConnection> {
    // Deno.connect cannot bind a source address; node:net on Deno can (measured), so that one goes there.
    if (dial?.source) return await nodeRuntime.connect(address, dial);
    try {
      const conn = await deno().connect(options(address));
      if (dial?.unref) conn.unref?.();
      if (!dial?.tls) return wrap(conn, address);
      const { hostname, caCerts } = dial.tls;
      try {
        const secure = await deno().startTls(conn, { hostname, caCerts: [...caCerts] });
        if (dial.unref) secure.unref?.();
        return wrap(secure, address);
      } catch (err) {
        conn.close();
        throw err;
      }
    } catch (err) {
      throw withErrno(err);
    }
  },

  lookup: nodeRuntime.lookup,
  interfaceAddress: nodeRuntime.interfaceAddress,

  defer(fn: () => void): void {
    // Deno 2 has a global setImmediate (measured ~2 µs per hop, like Node's; setTimeout(0) is ~1-4 ms).
    setImmediate(fn);
  },

  unrefTimer: (timer) => deno().unrefTimer(timer as unknown as number),

  async tempDir() {
    const path = await deno().makeTempDir({ prefix: "omq-" });
    return { path, remove: () => deno().remove(path, { recursive: true }).catch(() => {}) };
  },
};
