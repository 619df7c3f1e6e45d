/**
 * The Bun adapter: `Bun.listen` / `Bun.connect` for tcp and unix sockets (and TLS, for wss://).
 *
 * @module
 */
import { rootCertificates } from "node:tls";
import type { ByteConnection, ConnectionHandlers, DialOptions, Listener, Runtime, SocketAddress } from "./types.ts";
import { withErrno } from "./errors.ts";
import { WriteQueue } from "./batch.ts";
import { nodeRuntime, nodeSocketFiles } from "./node.ts";
import { hostPort } from "../address.ts";
import { clearStaleSocketFile } from "./stale-socket.ts";

/** The slice of Bun's socket API this adapter uses (typed here so the file loads on every runtime). */
interface BunSocket {
  data: BunConnection | undefined;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  /** Returns the bytes the kernel took (-1 if closed); Bun drops the rest. */
  write(data: Uint8Array): number;
  /** Closes now (close(2): FIN, or RST when inbound bytes are unread); `close` fires synchronously. */
  end(): void;
  /** shutdown(2) of the write side: FIN, reading goes on. */
  shutdown(halfClose?: boolean): void;
  pause(): void;
  resume(): void;
  setNoDelay?(noDelay?: boolean): boolean;
  setKeepAlive?(enable?: boolean, initialDelay?: number): boolean;
  unref?(): void;
}
interface BunHandlers {
  open(s: BunSocket): void;
  data(s: BunSocket, chunk: Uint8Array): void;
  drain(s: BunSocket): void;
  end(s: BunSocket): void;
  close(s: BunSocket, error?: Error): void;
  error(s: BunSocket, error: Error): void;
  handshake(s: BunSocket, success: boolean, authorizationError: Error | null): void;
}
interface BunListener {
  readonly port?: number;
  /** Fills `into` with the bound address (what Bun's own node:net uses; absent in older Bun). */
  getsockname?(into: { address?: string; port?: number }): unknown;
  stop(closeActive?: boolean): void;
  unref?(): void;
}
interface BunApi {
  listen(options: Record<string, unknown>): BunListener;
  connect(options: Record<string, unknown>): Promise<BunSocket>;
  allocUnsafe(size: number): Uint8Array;
}
const bun = (): BunApi => (globalThis as unknown as { Bun: BunApi }).Bun;

class BunConnection implements ByteConnection {
  readonly remoteAddress: string;
  #socket: BunSocket;
  #handlers: ConnectionHandlers | null = null;
  #paused = false;
  /**
   * Chunks that arrived while paused or before start(): Bun may still dispatch bytes
   * it has already read after pause(), and our contract is "no data while paused".
   */
  #held: Uint8Array[] = [];
  #out = new WriteQueue();
  /** A write came up short; Bun dropped the rest, so nothing is written until its `drain`. */
  #blocked = false;
  /** `end()` was called: flush, send FIN, then read (and drop) until the peer's FIN. */
  #ending = false;
  #shut = false;
  #closed = false;
  #closeError: Error | undefined;
  #notified = false;

  constructor(socket: BunSocket, remoteAddress: string) {
    this.#socket = socket;
    this.remoteAddress = remoteAddress;
  }

  start(handlers: ConnectionHandlers): void {
    if (this.#handlers) return;
    this.#handlers = handlers;
    if (!this.#paused && !this.#closed) this.#socket.resume(); // paused since `open`
    this.#scheduleHeld();
  }

  onData(chunk: Uint8Array): void {
    if (this.#closed || this.#ending) return; // after end() bytes are read only to reach the peer's FIN
    if (this.#handlers && !this.#paused && this.#held.length === 0) this.#handlers.data(chunk);
    else this.#held.push(chunk);
  }

  #scheduleHeld(): void {
    if (this.#held.length > 0 || this.#closed) queueMicrotask(() => this.#deliverHeld());
  }

  #deliverHeld(): void {
    const handlers = this.#handlers;
    while (handlers && !this.#paused && this.#held.length > 0) handlers.data(this.#held.shift()!);
    this.#notifyClose();
  }

  allocate(size: number): Uint8Array {
    return bun().allocUnsafe(size);
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#closed || this.#ending) return true;
    this.#out.push(chunks);
    // While blocked, writing would put new bytes ahead of the ones Bun dropped.
    if (!this.#blocked) this.#flush();
    return !this.#out.mustWait();
  }

  /** Writes until the kernel stops taking bytes; the remainder waits for Bun's `drain`. */
  #flush(): void {
    const out = this.#out;
    while (!out.empty) {
      // Joins small chunks: one syscall for many messages (Bun has no writev). The join
      // is overwritten entirely, so it needs no zeroing.
      const chunk = out.take(bun().allocUnsafe);
      const n = this.#socket.write(chunk);
      if (n < chunk.byteLength) {
        const taken = Math.max(0, n);
        out.putBack(taken === 0 ? chunk : chunk.subarray(taken));
        out.sent(taken);
        this.#blocked = true;
        return;
      }
      out.sent(chunk.byteLength);
    }
    this.#blocked = false;
  }

  onDrain(): void {
    if (this.#closed) return;
    this.#flush();
    if (this.#blocked) return;
    if (this.#out.drained()) this.#handlers?.drain(); // may write and block again
    if (this.#ending && !this.#blocked) this.#shutdown();
  }

  /**
   * FIN, then read until the peer's FIN (Bun's `end` event closes us). Bun's own `end()`
   * closes the fd at once, and with unread inbound bytes the kernel sends RST, which can
   * discard what we just wrote at the peer (measured: the peer got 100 kB of 2 MB).
   */
  #shutdown(): void {
    if (this.#shut || this.#closed) return;
    this.#shut = true;
    this.#socket.resume(); // a paused socket would never see the peer's FIN
    this.#socket.shutdown();
  }

  setKeepAlive(enable: boolean, idleMs: number): void {
    this.#socket.setKeepAlive?.(enable, idleMs);
  }

  pause(): void {
    this.#paused = true;
    if (!this.#closed && !this.#ending) this.#socket.pause();
  }

  resume(): void {
    this.#paused = false;
    if (!this.#handlers) return; // start() resumes
    if (!this.#closed) this.#socket.resume();
    this.#scheduleHeld();
  }

  end(): void {
    if (this.#closed || this.#ending) return;
    this.#ending = true;
    this.#held = [];
    if (!this.#blocked) this.#shutdown();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#held = [];
    this.#finish();
    // close(2) like Node's destroy(): bytes already in the kernel still go out. terminate()
    // would send RST (SO_LINGER 0) and throw those away too.
    this.#socket.end();
  }

  /** Bun's `close`/`error`: the socket is gone. */
  onClose(error?: Error): void {
    if (error !== undefined) this.#held = []; // like Node: an error drops buffered input
    this.#finish(error);
  }

  /** A handler of ours (the owner's code) threw: close with that error rather than leak the socket. */
  onError(error: Error): void {
    if (this.#closed) return;
    this.#held = [];
    this.#finish(error);
    this.#socket.end();
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closeError = error === undefined ? undefined : withErrno(error);
    this.#out.clear();
    // Asynchronous, never inside the caller's destroy()/end(): Bun fires `close` synchronously.
    this.#scheduleHeld();
  }

  /** Exactly once, after start(), and after any bytes that arrived before a clean close. */
  #notifyClose(): void {
    if (!this.#closed || this.#notified || !this.#handlers || this.#held.length > 0) return;
    this.#notified = true;
    this.#handlers.close(this.#closeError);
  }
}

/**
 * Bun's socket handlers for connections to or from `address`. `onHandshake`, for a TLS client:
 * called with null when its handshake succeeded, else with why it failed or the socket closed first.
 */
function handlersFor(
  address: SocketAddress,
  onOpen: (conn: BunConnection) => void,
  unref = false,
  onHandshake?: (error: Error | null) => void,
): BunHandlers {
  return {
    open(s) {
      if (unref) s.unref?.();
      // No data before start(); a pause in `open` holds even bytes that came with the accept. Not
      // for a TLS client: paused, its handshake stalls (measured), and it is started only after
      // it; what comes meanwhile waits in the connection's `#held`.
      if (!onHandshake) s.pause();
      if (address.kind === "tcp") s.setNoDelay?.(true);
      const host = s.remoteAddress ?? (address.kind === "tcp" ? address.host : "");
      const remote = address.kind === "ipc" ? address.path : hostPort(host, s.remotePort ?? address.port);
      s.data = new BunConnection(s, remote);
      onOpen(s.data);
    },
    // Bun hands each read a Buffer over its own fresh ArrayBuffer (measured: never reused, not
    // pooled), so no copy; a plain Uint8Array view keeps Buffer out of the public API.
    // binaryType "uint8array" would do that too but measured ~10% slower on receive.
    data: (s, chunk) => s.data?.onData(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)),
    drain: (s) => s.data?.onDrain(),
    // The peer sent FIN. ZMTP has no half-close, so the connection is over: close now
    // (Bun then fires `close`). Unflushed bytes are dropped; the peer is not reading them.
    end: (s) => s.end(),
    close: (s, error) => {
      onHandshake?.(error ?? new Error("the connection closed before its TLS handshake"));
      s.data?.onClose(error);
    },
    // With a handshake handler, a TLS listener's `open` comes at the TCP accept (measured: without
    // one, only once the TLS handshake ends), so a client that never starts TLS can be timed out.
    // A failed handshake closes the socket (a client's too: Bun checks the server's certificate).
    handshake: (_s, success, authorizationError) => {
      onHandshake?.(success ? null : authorizationError ?? new Error("TLS handshake failed"));
    },
    error: (s, error) => s.data?.onError(error),
  };
}

/** Bun.connect's `tls` for `DialOptions.tls`: as in node:tls, `ca` replaces the roots, so they go along unless left out. */
function bunClientTls(tls: NonNullable<DialOptions["tls"]>): Record<string, unknown> {
  const ca = tls.caCerts.length === 0 ? {} : {
    ca: tls.trustSystem === false ? [...tls.caCerts] : [...rootCertificates, ...tls.caCerts],
  };
  return { serverName: tls.hostname, ...ca };
}

function where(address: SocketAddress): Record<string, unknown> {
  return address.kind === "tcp" ? { hostname: address.host, port: address.port } : { unix: address.path };
}

/** The numeric host a tcp listener is bound to ("localhost" becomes "127.0.0.1"), where Bun tells it. */
function boundHost(listener: BunListener): string | undefined {
  const into: { address?: string } = {};
  try {
    listener.getsockname?.(into);
  } catch {
    return undefined;
  }
  return into.address || undefined;
}

function listenNow(options: Record<string, unknown>): ReturnType<BunApi["listen"]> {
  try {
    return bun().listen(options);
  } catch (err) {
    throw withErrno(err);
  }
}

/** The adapter for Bun's own socket API. */
export const bunRuntime: Runtime = {
  name: "bun",

  async listen(address, onConnection, _onAcceptError, listenOptions): Promise<Listener> {
    const tls = listenOptions?.tls;
    const unref = listenOptions?.unref === true;
    const options = {
      ...where(address),
      socket: handlersFor(address, onConnection, unref),
      ...(tls ? { tls } : {}),
    };
    // Bun has no lstat/unlink of its own: node:fs and node:net are its API for them. Bun reports a
    // full backlog (EAGAIN) as ECONNREFUSED, so a live but busy listener can look dead here.
    if (address.kind === "ipc") await clearStaleSocketFile(address.path, nodeSocketFiles);
    const server = listenNow(options);
    if (unref) server.unref?.();
    const actual: SocketAddress = address.kind === "tcp"
      ? { ...address, host: boundHost(server) ?? address.host, port: server.port ?? address.port }
      : address;
    let open = true;
    return {
      address: actual,
      close(): Promise<void> {
        if (open) {
          open = false;
          // false: accepted connections belong to the socket, which closes them itself.
          // Bun removes a Unix socket file on stop (measured), as Node does.
          server.stop(false);
        }
        return Promise.resolve();
      },
    };
  },

  async connect(address, dial): Promise<ByteConnection> {
    // Bun.connect cannot bind a source address; node:net on Bun can (measured), so that one goes there.
    if (dial?.source) return await nodeRuntime.connect(address, dial);
    let opened: BunConnection | undefined;
    // A TLS connection is handed over once its handshake (and Bun's check of the certificate) is done.
    let handshake: ((error: Error | null) => void) | undefined;
    const secured = dial?.tls && new Promise<void>((resolve, reject) => {
      handshake = (error) => {
        handshake = undefined;
        if (error) reject(error);
        else resolve();
      };
    });
    try {
      const socket = await bun().connect({
        ...where(address),
        socket: handlersFor(address, (c) => (opened = c), dial?.unref, secured && ((error) => handshake?.(error))),
        ...(dial?.tls ? { tls: bunClientTls(dial.tls) } : {}),
      });
      await secured;
      return opened ?? socket.data!;
    } catch (err) {
      throw withErrno(err);
    }
  },

  defer(fn: () => void): void {
    setImmediate(fn);
  },

  unrefTimer: (timer) => (timer as unknown as { unref(): void }).unref(),
  lookup: nodeRuntime.lookup,
  interfaceAddress: nodeRuntime.interfaceAddress,

  // Bun has no temp-directory API of its own; the Node adapter's node:fs one is native in Bun.
  tempDir: nodeRuntime.tempDir,
};
