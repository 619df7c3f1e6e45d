/**
 * The Bun adapter: `Bun.listen` / `Bun.connect` for tcp and unix sockets.
 *
 * @module
 */
import type { ByteConnection, ConnectionHandlers, Listener, Runtime, SocketAddress } from "./types.ts";
import { withErrno } from "./errors.ts";
import { takeBatch } from "./batch.ts";

/** The slice of Bun's socket API this adapter uses (typed here so the file loads on every runtime). */
interface BunSocket {
  data: BunConnection | undefined;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  write(data: Uint8Array): number;
  end(): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  setNoDelay?(noDelay?: boolean): boolean;
  setKeepAlive?(enable?: boolean, initialDelay?: number): boolean;
}
interface BunHandlers {
  open(s: BunSocket): void;
  data(s: BunSocket, chunk: Uint8Array): void;
  drain(s: BunSocket): void;
  end(s: BunSocket): void;
  close(s: BunSocket, error?: Error): void;
  error(s: BunSocket, error: Error): void;
  connectError?(s: BunSocket, error: Error): void;
}
interface BunApi {
  listen(options: Record<string, unknown>): { readonly port?: number; stop(closeActive?: boolean): void };
  connect(options: Record<string, unknown>): Promise<BunSocket>;
}
const bun = (): BunApi => (globalThis as unknown as { Bun: BunApi }).Bun;

class BunConnection implements ByteConnection {
  readonly remoteAddress: string;
  #socket: BunSocket;
  #handlers: ConnectionHandlers | null = null;
  #early: Uint8Array[] = [];
  #queue: Uint8Array[] = [];
  #closed = false;
  #ending = false;
  #closeError: Error | undefined;
  #closedEarly = false;

  constructor(socket: BunSocket, remoteAddress: string) {
    this.#socket = socket;
    this.remoteAddress = remoteAddress;
  }

  start(handlers: ConnectionHandlers): void {
    this.#handlers = handlers;
    const early = this.#early;
    this.#early = [];
    for (const chunk of early) if (!this.#closed) handlers.data(chunk);
    if (this.#closedEarly) this.#finish(this.#closeError);
  }

  /** Bun hands each read its own Buffer; a plain Uint8Array view keeps Buffer out of the public API. */
  onData(chunk: Uint8Array): void {
    const view = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.#handlers) this.#handlers.data(view);
    else this.#early.push(view);
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#closed) return true;
    for (const c of chunks) if (c.byteLength > 0) this.#queue.push(c);
    return this.#flush();
  }

  /** Writes what the kernel takes; Bun's write drops what it did not take, so the rest stays queued. */
  #flush(): boolean {
    const queue = this.#queue;
    while (queue.length > 0) {
      const chunk = takeBatch(queue);
      const n = this.#socket.write(chunk);
      if (n < chunk.byteLength) {
        queue.unshift(chunk.subarray(Math.max(0, n)));
        return false;
      }
    }
    if (this.#ending) this.#socket.end();
    return true;
  }

  onDrain(): void {
    if (this.#closed || this.#queue.length === 0) return;
    if (this.#flush()) this.#handlers?.drain();
  }

  setKeepAlive(enable: boolean, idleMs: number): void {
    this.#socket.setKeepAlive?.(enable, idleMs);
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  end(): void {
    this.#ending = true;
    if (this.#queue.length === 0) this.#socket.end();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#socket.terminate();
    this.#finish();
  }

  onClose(error?: Error): void {
    if (!this.#handlers) {
      this.#closedEarly = true;
      this.#closeError = error;
      return;
    }
    this.#finish(error);
  }

  #finish(error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue = [];
    this.#handlers?.close(error === undefined ? undefined : withErrno(error));
  }
}

function handlersFor(address: SocketAddress, onOpen: (conn: BunConnection) => void): BunHandlers {
  return {
    open(s) {
      if (address.kind === "tcp") s.setNoDelay?.(true);
      const host = s.remoteAddress ?? (address.kind === "tcp" ? address.host : "");
      const remote = address.kind === "ipc"
        ? address.path
        : `${host.includes(":") ? `[${host}]` : host}:${s.remotePort ?? address.port}`;
      s.data = new BunConnection(s, remote);
      onOpen(s.data);
    },
    data: (s, chunk) => s.data?.onData(chunk),
    drain: (s) => s.data?.onDrain(),
    // The peer finished sending: ZMTP has no half-close, so the connection is over.
    end: (s) => s.end(),
    close: (s, error) => s.data?.onClose(error),
    error: (s, error) => s.data?.onClose(error),
  };
}

function where(address: SocketAddress): Record<string, unknown> {
  return address.kind === "tcp" ? { hostname: address.host, port: address.port } : { unix: address.path };
}

async function socketFileIsStale(path: string): Promise<boolean> {
  if (path.startsWith("\0")) return false;
  const { lstatSync } = await import("node:fs");
  try {
    if (!lstatSync(path).isSocket()) return false;
  } catch {
    return false;
  }
  try {
    const probe = await bun().connect({ unix: path, socket: { data() {}, open() {}, close() {}, error() {} } });
    probe.end();
    return false;
  } catch {
    return true;
  }
}

/** The adapter for Bun's own socket API. */
export const bunRuntime: Runtime = {
  name: "bun",

  async listen(address, onConnection): Promise<Listener> {
    const options = { ...where(address), socket: handlersFor(address, onConnection) };
    let server: ReturnType<BunApi["listen"]>;
    try {
      server = bun().listen(options);
    } catch (err) {
      const error = withErrno(err);
      if (address.kind !== "ipc" || !(await socketFileIsStale(address.path))) throw error;
      // Bun has no unlink of its own; node:fs is what it offers for that.
      (await import("node:fs")).rmSync(address.path, { force: true });
      try {
        server = bun().listen(options);
      } catch (err2) {
        throw withErrno(err2);
      }
    }
    const actual: SocketAddress = address.kind === "tcp" ? { ...address, port: server.port ?? address.port } : address;
    let open = true;
    return {
      address: actual,
      close(): Promise<void> {
        if (open) {
          open = false;
          // false: accepted connections belong to the socket, which closes them itself.
          server.stop(false);
        }
        return Promise.resolve();
      },
    };
  },

  async connect(address): Promise<ByteConnection> {
    let opened: BunConnection | undefined;
    try {
      const socket = await bun().connect({ ...where(address), socket: handlersFor(address, (c) => (opened = c)) });
      return opened ?? socket.data!;
    } catch (err) {
      throw withErrno(err);
    }
  },

  defer(fn: () => void): void {
    setImmediate(fn);
  },
};
