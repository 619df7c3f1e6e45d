/**
 * The Node adapter (also what `node:net` gives on Deno and Bun).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import * as net from "node:net";
import * as tls from "node:tls";
import { existsSync } from "node:fs";
import { lstat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type {
  ByteConnection,
  ConnectionHandlers,
  DialOptions,
  Listener,
  ListenOptions,
  Runtime,
  SocketAddress,
} from "./types.ts";
import { interfaceAddressOf, lookupHost } from "./udp-node.ts";
import { hostPort } from "../address.ts";
import { clearStaleSocketFile, type SocketFiles } from "./stale-socket.ts";
import { Accepted } from "./accepted.ts";

/** Unwritten bytes above which `write` asks the engine to wait for `drain`. */
const WRITE_HIGH_WATER = 1024 * 1024;

/** The read buffer for connections whose engine has no buffer to offer (the greeting). */
const SHARED_READ_SIZE = 64 * 1024;
let sharedReadBuffer: Uint8Array | null = null;

/**
 * Chooses where each read lands (Node's `onread` option): where the engine's
 * decoder asks (see `readBuffer`), so reads land back to back in its buffer and
 * large frames in their final place. Node's default allocates 64 KiB per read
 * and omq copied every split frame once more; this reads about twice as fast.
 * Otherwise (before the engine has a buffer to offer, while paused, while
 * chunks are held) reads go to one buffer all connections share, copied out at once.
 */
class NodeReader {
  handlers: ConnectionHandlers | null = null;
  paused = false;
  /** After end(): input is read only to reach the peer's FIN. */
  ignore = false;
  /** Chunks read before start() or while paused, delivered in order before any new read. */
  #held: Uint8Array[] = [];

  /** What Node's `onread.buffer` calls before each read. */
  next = (): Uint8Array =>
    (this.paused || this.#held.length > 0 ? null : this.handlers?.readBuffer?.()) ??
      (sharedReadBuffer ??= new Uint8Array(SHARED_READ_SIZE));

  /** What Node's `onread.callback` calls after each read; false stops reading. */
  read = (n: number, buf: Uint8Array): boolean => {
    if (this.ignore) return true;
    const chunk = buf === sharedReadBuffer ? buf.slice(0, n) : buf.subarray(0, n);
    if (this.handlers && !this.paused && this.#held.length === 0) {
      this.handlers.data(chunk);
      return true;
    }
    // Node may start reading behind pause() (its stream's own resume is a tick late).
    this.#held.push(chunk);
    return false;
  };

  /** True while chunks wait to be delivered. */
  get holding(): boolean {
    return this.#held.length > 0;
  }

  /** Delivers held chunks until paused again; true when none are left. */
  flush(): boolean {
    const handlers = this.handlers;
    while (handlers && !this.paused && !this.ignore && this.#held.length > 0) handlers.data(this.#held.shift()!);
    return this.#held.length === 0 || this.ignore;
  }
}

/**
 * An accepted connection rebuilt over the same handle with `onread`, which
 * `net.Server` does not offer. Relies on `_handle` (what Node's cluster uses);
 * without it the accepted socket is kept as it is.
 */
function adoptAccepted(accepted: net.Socket, reader: NodeReader): net.Socket {
  const internal = accepted as unknown as { _handle?: object | null };
  const handle = internal._handle;
  if (!handle) return accepted;
  internal._handle = null;
  accepted.destroy(); // only releases the server's count of it: it has no handle now
  return new net.Socket({
    handle,
    readable: true,
    writable: true,
    pauseOnCreate: true,
    onread: { buffer: reader.next, callback: reader.read },
  } as net.SocketConstructorOpts);
}

class NodeConnection implements ByteConnection {
  readonly remoteAddress: string;
  acceptedAt?: number;
  #socket: net.Socket;
  #reader: NodeReader | null;
  #closed = false;
  #ending = false;

  constructor(socket: net.Socket, remoteAddress: string, reader: NodeReader | null) {
    this.#socket = socket;
    this.#reader = reader;
    this.remoteAddress = remoteAddress;
    // Data must not flow before start(); net.Socket starts paused only if we pause it now.
    socket.pause();
  }

  start(handlers: ConnectionHandlers): void {
    const socket = this.#socket;
    const reader = this.#reader;
    if (reader) reader.handlers = handlers;
    else {
      socket.on("data", (buf: Buffer) => {
        if (this.#ending) return; // after end() input is read only to reach the peer's FIN
        // A plain Uint8Array view keeps Buffer's prototype (and its toString) out of the public API.
        handlers.data(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
      });
    }
    socket.on("drain", () => handlers.drain());
    let error: Error | undefined;
    socket.on("error", (err) => (error = err));
    socket.on("end", () => socket.end());
    socket.on("close", () => {
      this.#closed = true;
      handlers.close(error);
    });
    this.#resumeReading();
  }

  /** Held chunks go first, in a microtask rather than inside the caller's call; then reading. */
  #resumeReading(): void {
    const reader = this.#reader;
    if (!reader?.holding) {
      this.#socket.resume();
      return;
    }
    queueMicrotask(() => {
      if (reader.flush() && !reader.paused && !this.#closed) this.#socket.resume();
    });
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#closed || this.#socket.destroyed || this.#socket.writableEnded) return true;
    const socket = this.#socket;
    if (chunks.length === 1) socket.write(chunks[0]);
    else {
      socket.cork();
      for (const chunk of chunks) socket.write(chunk);
      socket.uncork();
    }
    // net.Socket says "wait" beyond 16 kB buffered, which stalls large messages on every
    // batch; our own limit keeps the kernel fed. 'drain' still fires: any write past 16 kB
    // armed it, and it comes once the buffer is empty.
    return socket.writableLength < WRITE_HIGH_WATER;
  }

  allocate(size: number): Uint8Array {
    const buf = Buffer.allocUnsafeSlow(size);
    return new Uint8Array(buf.buffer, buf.byteOffset, size);
  }

  setKeepAlive(enable: boolean, idleMs: number): void {
    this.#socket.setKeepAlive(enable, idleMs);
  }

  pause(): void {
    if (this.#reader) this.#reader.paused = true;
    this.#socket.pause();
  }

  resume(): void {
    if (this.#reader) this.#reader.paused = false;
    this.#resumeReading();
  }

  end(): void {
    this.#ending = true;
    if (this.#reader) this.#reader.ignore = true;
    this.#socket.end();
    // 'close' needs the peer's FIN read; a paused socket never reads it.
    this.#socket.resume();
  }

  destroy(): void {
    this.#socket.destroy();
  }
}

function remoteOf(socket: net.Socket, address: SocketAddress): string {
  if (address.kind === "ipc") return address.path;
  const host = socket.remoteAddress ?? address.host;
  return hostPort(host, socket.remotePort ?? address.port);
}

/** The stale-socket-file rule's view of `node:fs` and `node:net` (Bun's too: same API). */
export const nodeSocketFiles: SocketFiles = {
  isSocket: (path) => lstat(path).then((s) => s.isSocket(), () => false),
  probe: (path) =>
    new Promise((resolve, reject) => {
      const probe = net.connect({ path });
      probe.once("connect", () => {
        probe.destroy();
        resolve();
      });
      probe.once("error", reject);
    }),
  remove: (path) => rm(path, { force: true }),
};

/**
 * libuv reports a Unix socket path in a missing directory as EACCES (for Windows' sake);
 * the kernel, libzmq, Deno and Bun say ENOENT. Only a missing directory is told apart: a
 * real permission error stays EACCES.
 */
function missingDirectory(address: SocketAddress, err: unknown): unknown {
  if (address.kind !== "ipc" || (err as { code?: string }).code !== "EACCES" || address.path.startsWith("\0")) {
    return err;
  }
  const dir = dirname(address.path);
  if (existsSync(dir)) return err;
  return Object.assign(new Error(`listen ENOENT: no such file or directory ${address.path} (${dir} does not exist)`), {
    code: "ENOENT",
  });
}

function listenOnce(
  address: SocketAddress,
  onConnection: (conn: ByteConnection) => void,
  onAcceptError: (error: Error) => void,
  options: ListenOptions | undefined,
): Promise<net.Server> {
  const backlog = options?.backlog;
  const secure = options?.tls;
  const unref = options?.unref === true;
  const acceptTimes = new Accepted<number>();
  return new Promise((resolve, reject) => {
    const server = secure
      // TLS connections come once their handshake is done, within handshakeTimeout (Node's default 120 s).
      ? tls.createServer({
        cert: secure.cert,
        key: secure.key,
        allowHalfOpen: false,
        handshakeTimeout: secure.handshakeTimeout || 120_000,
      }, (socket) => {
        socket.setNoDelay(true);
        if (unref) socket.unref();
        const conn = new NodeConnection(socket, remoteOf(socket, address), null);
        conn.acceptedAt = acceptTimes.take(socket);
        onConnection(conn);
      })
      : net.createServer({ allowHalfOpen: false, pauseOnConnect: true }, (accepted) => {
        const reader = new NodeReader();
        const socket = adoptAccepted(accepted, reader);
        if (address.kind === "tcp") socket.setNoDelay(true);
        if (unref) socket.unref();
        onConnection(new NodeConnection(socket, remoteOf(socket, address), socket === accepted ? null : reader));
      });
    // A client that fails its TLS handshake (or times out) loses its connection: node:tls reports
    // it and leaves the socket open (measured on Node 20, Deno and Bun).
    if (secure) server.on("tlsClientError", (_err: Error, socket: tls.TLSSocket) => socket.destroy());
    // The accept's time goes with the connection, handed over after its handshake.
    if (secure) server.on("connection", (raw: net.Socket) => acceptTimes.set(raw, performance.now()));
    server.once("error", reject);
    const ready = () => {
      server.off("error", reject);
      // After listening, errors are failed accepts (EMFILE): reported, never thrown into the host.
      server.on("error", (err) => onAcceptError(err));
      resolve(server);
    };
    if (address.kind === "tcp") server.listen({ host: address.host, port: address.port, backlog }, ready);
    else server.listen({ path: address.path, backlog }, ready);
  });
}

/** The adapter for Node's `node:net`. */
export const nodeRuntime: Runtime = {
  name: "node",

  async listen(address, onConnection, onAcceptError = () => {}, options?: ListenOptions): Promise<Listener> {
    if (address.kind === "ipc") await clearStaleSocketFile(address.path, nodeSocketFiles);
    let server: net.Server;
    try {
      server = await listenOnce(address, onConnection, onAcceptError, options);
      if (options?.unref) server.unref();
    } catch (err) {
      throw missingDirectory(address, err);
    }
    const bound = server.address();
    const actual: SocketAddress = address.kind === "tcp" && bound && typeof bound === "object"
      ? { kind: "tcp", host: bound.address || address.host, port: bound.port }
      : address;
    return {
      address: actual,
      // server.close() stops listening at once, but its callback waits for every accepted
      // connection to end; those belong to the socket, which closes them separately.
      close: () => {
        server.close();
        return Promise.resolve();
      },
    };
  },

  connect(address, options?: DialOptions): Promise<ByteConnection> {
    return new Promise((resolve, reject) => {
      const reader = new NodeReader();
      const onread = { buffer: reader.next, callback: reader.read };
      const source = options?.source;
      const from = source ? { localAddress: source.host, localPort: source.port || undefined } : {};
      const socket = address.kind === "tcp"
        ? net.connect({ host: address.host, port: address.port, noDelay: true, onread, ...from })
        : net.connect({ path: address.path, onread });
      if (options?.unref) socket.unref();
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new NodeConnection(socket, remoteOf(socket, address), reader));
      });
      socket.once("error", reject);
    });
  },

  defer(fn: () => void): void {
    setImmediate(fn);
  },

  unrefTimer: (timer) => (timer as unknown as { unref(): void }).unref(),

  lookup: lookupHost,
  interfaceAddress: interfaceAddressOf,

  async tempDir() {
    const path = await mkdtemp(join(tmpdir(), "omq-"));
    return { path, remove: () => rm(path, { recursive: true, force: true }) };
  },
};
