// An in-memory runtime adapter, injected with `new Context({ runtime })`, so tests can make the
// network misbehave on purpose: bytes delivered in small pieces, writes that report "full" and
// drain late, accepts that fail with EMFILE. No sockets, no child processes, no ulimit.
import type {
  ByteConnection,
  ConnectionHandlers,
  Listener,
  ListenOptions,
  Runtime,
  SocketAddress,
} from "../../transports/runtime/types.ts";

/** How the fake network misbehaves; change the fields at any time. */
export interface FakeFaults {
  /** Most bytes handed to the reader in one `data` call (the rest follows on later ticks). */
  chunkBytes: number;
  /** Every `write` returns false (above the limit) and `drain` comes this many ms later; -1: never full. */
  drainAfterMs: number;
  /** Accepts that fail with EMFILE before the next one succeeds. */
  failAccepts: number;
}

function errno(code: string, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

class FakeConnection implements ByteConnection {
  readonly remoteAddress: string;
  other!: FakeConnection;
  #handlers: ConnectionHandlers | null = null;
  #inbox: Uint8Array[] = [];
  #paused = false;
  #closed = false;
  #pumping = false;
  #faults: FakeFaults;
  /** Bytes written by this end. */
  written = 0;

  constructor(remoteAddress: string, faults: FakeFaults) {
    this.remoteAddress = remoteAddress;
    this.#faults = faults;
  }

  start(handlers: ConnectionHandlers): void {
    this.#handlers = handlers;
    this.#pump();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#closed) return true;
    for (const c of chunks) {
      this.written += c.byteLength;
      this.other.#receive(c.slice());
    }
    const delay = this.#faults.drainAfterMs;
    if (delay < 0) return true;
    setTimeout(() => !this.#closed && this.#handlers?.drain(), delay);
    return false;
  }

  setKeepAlive(): void {}

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#pump();
  }

  end(): void {
    this.destroy();
  }

  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.other.#peerClosed();
    queueMicrotask(() => this.#handlers?.close());
  }

  #receive(bytes: Uint8Array): void {
    if (this.#closed) return;
    this.#inbox.push(bytes);
    this.#pump();
  }

  #peerClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    // What was in flight is still read, then the close.
    setTimeout(() => {
      this.#inbox = [];
      this.#handlers?.close();
    }, 5);
  }

  /** Hands queued bytes over in pieces of at most `chunkBytes`, one piece per task. */
  #pump(): void {
    if (this.#pumping || !this.#handlers) return;
    this.#pumping = true;
    setTimeout(() => {
      this.#pumping = false;
      if (this.#paused || this.#closed || !this.#handlers) return;
      const first = this.#inbox[0];
      if (!first) return;
      const n = Math.min(first.byteLength, this.#faults.chunkBytes);
      this.#handlers.data(first.subarray(0, n));
      if (n === first.byteLength) this.#inbox.shift();
      else this.#inbox[0] = first.subarray(n);
      if (this.#inbox.length > 0) this.#pump();
    }, 0);
  }
}

/** A runtime whose tcp and ipc live in memory, with the faults given. */
export function fakeRuntime(
  faults: Partial<FakeFaults> = {},
): Runtime & { faults: FakeFaults; listenOptions: (ListenOptions | undefined)[] } {
  const all: FakeFaults = { chunkBytes: 1 << 20, drainAfterMs: -1, failAccepts: 0, ...faults };
  const listeners = new Map<string, (conn: ByteConnection) => void>();
  const acceptErrors = new Map<string, ((error: Error) => void) | undefined>();
  let nextPort = 40000;
  const key = (a: SocketAddress) => (a.kind === "tcp" ? `tcp:${a.port}` : `ipc:${a.path}`);
  const listenOptions: (ListenOptions | undefined)[] = [];
  return {
    name: "node",
    faults: all,
    listenOptions,
    listen(address, onConnection, onAcceptError, options): Promise<Listener> {
      listenOptions.push(options);
      const bound: SocketAddress = address.kind === "tcp"
        ? { kind: "tcp", host: "127.0.0.1", port: address.port || nextPort++ }
        : address;
      if (listeners.has(key(bound))) return Promise.reject(errno("EADDRINUSE", key(bound)));
      listeners.set(key(bound), onConnection);
      acceptErrors.set(key(bound), onAcceptError);
      return Promise.resolve({
        address: bound,
        close: () => {
          listeners.delete(key(bound));
          return Promise.resolve();
        },
      });
    },
    connect(address): Promise<ByteConnection> {
      const accept = listeners.get(key(address));
      if (!accept) return Promise.reject(errno("ECONNREFUSED", key(address)));
      const client = new FakeConnection(key(address), all);
      const server = new FakeConnection("127.0.0.1:50000", all);
      client.other = server;
      server.other = client;
      if (all.failAccepts > 0) {
        all.failAccepts--;
        acceptErrors.get(key(address))?.(errno("EMFILE", "too many open files"));
        server.destroy();
      } else queueMicrotask(() => accept(server));
      return Promise.resolve(client);
    },
    defer: (fn) => setTimeout(fn, 0),
  };
}
