/**
 * The one small interface between omq's core and a JavaScript runtime's
 * sockets. Everything above `transports/runtime/` sees only these types, so
 * Node, Deno and Bun differences stop here.
 *
 * @module
 */

/** Where to listen or connect: a TCP host/port or a Unix socket path. */
export type SocketAddress =
  | { readonly kind: "tcp"; readonly host: string; readonly port: number }
  /** `path` starting with "\0" is a Linux abstract-namespace name. */
  | { readonly kind: "ipc"; readonly path: string };

/** What a connection tells its owner. Each is called on the runtime's event loop. */
export interface ConnectionHandlers {
  /** Bytes arrived. The chunk is owned by the receiver from now on: the adapter never reuses its memory. */
  data(chunk: Uint8Array): void;
  /** A `write` that returned false has been fully flushed to the kernel. */
  drain(): void;
  /** The connection is gone (peer closed, error, `end()` or `destroy()`). Called exactly once. */
  close(error?: Error): void;
  /**
   * Where the next read should land, or null (then the adapter picks, and `data`
   * owns what it is given). An adapter that can read into a buffer of its choosing
   * asks before each read and passes `data` a view of the returned buffer's start:
   * consecutive reads then land back to back and large frames in their final place,
   * with no copy after the kernel's.
   */
  readBuffer?(): Uint8Array | null;
}

/** One live byte connection (TCP or Unix socket), already connected. */
export interface ByteConnection {
  /** Starts delivering events. No `data` arrives before this is called. */
  start(handlers: ConnectionHandlers): void;
  /**
   * Queues the chunks, in order, as one write where the runtime allows (writev).
   * Returns false when the runtime's buffer is above its limit: stop writing
   * until `drain`. The caller must not modify the chunks afterwards.
   */
  write(chunks: readonly Uint8Array[]): boolean;
  /**
   * TCP keepalive (SO_KEEPALIVE), with the idle time before the first probe where the
   * runtime can set it (Node, Bun; Deno only switches it on). No effect on Unix sockets.
   */
  setKeepAlive(enable: boolean, idleMs: number): void;
  /** Stops reading from the kernel (receive-side backpressure). */
  pause(): void;
  /** Resumes reading after `pause`. */
  resume(): void;
  /** Closes after queued writes are flushed. */
  end(): void;
  /** Closes at once, dropping unwritten bytes. */
  destroy(): void;
  /**
   * Memory for a buffer whose bytes the caller writes before it hands them out, so it
   * may be uninitialised where the runtime offers that (much cheaper than zeroed).
   */
  allocate?(size: number): Uint8Array;
  /** "host:port" for TCP, the path for Unix sockets; used in events and ZAP. */
  readonly remoteAddress: string;
  /**
   * When the listener accepted it (`performance.now()`), where the adapter hands it over later
   * than that: after its TLS handshake. A deadline that counts from the accept (the ws upgrade's)
   * takes the handshake's time off its own.
   */
  readonly acceptedAt?: number;
}

/** A listening TCP or Unix socket. */
export interface Listener {
  /**
   * The bound address. For TCP, the numeric host it is bound to (a name such as
   * "localhost" resolved, as libzmq reports it) and, for port 0, the port the kernel chose.
   */
  readonly address: SocketAddress;
  /** Stops accepting; removes the socket file for Unix paths. */
  close(): Promise<void>;
}

/** How to listen, beyond the address. */
export interface ListenOptions {
  /** Connections the kernel queues before they are accepted (listen(2)'s backlog) [ZMQ_BACKLOG]. */
  readonly backlog?: number;
  /**
   * TCP only: serve TLS with this certificate and key (PEM text); the connections carry the
   * decrypted bytes. `handshakeTimeout` (ms, 0: none) bounds the TLS handshake where the adapter
   * delivers connections only after it (Node). The Node and Bun adapters (wss:// on Deno and Bun:
   * a Deno TLS connection closed before its handshake keeps its TCP socket open, measured in 2.9).
   */
  readonly tls?: { readonly cert: string; readonly key: string; readonly handshakeTimeout?: number } | undefined;
  /** The listener and every connection it accepts let the process exit (`unref`): an idle socket holds nothing. */
  readonly unref?: boolean;
}

/** How to connect, beyond the address. */
export interface DialOptions {
  /** The local address (port 0: any) to connect from, as libzmq's `tcp://source;destination`. */
  readonly source?: { readonly host: string; readonly port: number };
  /**
   * TCP only: speak TLS, checking the server's certificate against `hostname`, trusting
   * `caCerts` (PEM text) and, unless `trustSystem` is false, the runtime's roots. The Deno adapter
   * (for wss:// there; its roots cannot be left out) and the Bun adapter (for an unreferenced
   * wss:// client: Bun's WebSocket cannot be unreferenced).
   */
  readonly tls?: { readonly hostname: string; readonly caCerts: readonly string[]; readonly trustSystem?: boolean };
  /** The connection lets the process exit (`unref`) once it is connected. */
  readonly unref?: boolean;
}

/** A runtime's sockets and scheduling, as the core needs them. */
export interface Runtime {
  /** Which runtime this adapter is for. */
  readonly name: "node" | "deno" | "bun" | "browser";
  /**
   * Listens; each accepted connection is passed to `onConnection` (TCP with
   * Nagle disabled). Rejects with an error whose `code` is the errno name
   * (`EADDRINUSE`, `EADDRNOTAVAIL`, `EACCES`, `ENOENT`, ...). For a Unix path
   * whose socket file is left over by a dead process (a probe is refused), removes it and
   * binds; a probe failing otherwise fails the bind with its code (see `stale-socket.ts`). A failed accept
   * (EMFILE, ...) goes to `onAcceptError` and listening goes on (Bun reports none).
   */
  listen(
    address: SocketAddress,
    onConnection: (conn: ByteConnection) => void,
    onAcceptError?: (error: Error) => void,
    options?: ListenOptions,
  ): Promise<Listener>;
  /** Connects (TCP with Nagle disabled); rejects with an errno-coded error (`ECONNREFUSED`, `ENOENT`, ...). */
  connect(address: SocketAddress, options?: DialOptions): Promise<ByteConnection>;
  /**
   * The numeric address of a host name, of `family` if given (a literal comes back as it is);
   * rejects with an errno-coded error when it does not resolve. Absent: names go to `listen` and
   * `connect` as they are.
   */
  lookup?(host: string, family?: 4 | 6): Promise<{ readonly host: string; readonly family: 4 | 6 }>;
  /** The address of family `family` a network interface ("eth0", "lo") has, or null: no such interface. */
  interfaceAddress?(name: string, family: 4 | 6): string | null;
  /** Runs `fn` once after the current turn of the event loop, after pending I/O callbacks (like `setImmediate`). */
  defer(fn: () => void): void;
  /**
   * Lets the process exit while `timer` (a `setTimeout`/`setInterval` handle) is pending: Node's and
   * Bun's `unref()`, Deno's `Deno.unrefTimer`. Absent where a timer never holds anything (a browser).
   */
  unrefTimer?(timer: ReturnType<typeof setTimeout>): void;
  /**
   * A fresh private directory for `ipc://*` (libzmq binds such an endpoint in a new
   * temporary directory); `remove` deletes it with what is in it. Absent: no file system.
   */
  tempDir?(): Promise<{ readonly path: string; remove(): Promise<void> }>;
}
