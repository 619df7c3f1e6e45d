/**
 * The Node adapter (also what `node:net` gives on Deno and Bun).
 *
 * @module
 */
import * as net from "node:net";
import { lstatSync, unlinkSync } from "node:fs";
import type { ByteConnection, ConnectionHandlers, Listener, Runtime, SocketAddress } from "./types.ts";

/** Unwritten bytes above which `write` asks the engine to wait for `drain`. */
const WRITE_HIGH_WATER = 1024 * 1024;

class NodeConnection implements ByteConnection {
  readonly remoteAddress: string;
  #socket: net.Socket;
  #closed = false;
  #ending = false;

  constructor(socket: net.Socket, remoteAddress: string) {
    this.#socket = socket;
    this.remoteAddress = remoteAddress;
    // Data must not flow before start(); net.Socket starts paused only if we pause it now.
    socket.pause();
  }

  start(handlers: ConnectionHandlers): void {
    const socket = this.#socket;
    socket.on("data", (buf: Buffer) => {
      if (this.#ending) return; // after end() input is read only to reach the peer's FIN
      // Node allocates a fresh buffer per read; a plain Uint8Array view keeps
      // Buffer's prototype (and its toString) out of the public API.
      handlers.data(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
    });
    socket.on("drain", () => handlers.drain());
    let error: Error | undefined;
    socket.on("error", (err) => (error = err));
    socket.on("end", () => socket.end());
    socket.on("close", () => {
      this.#closed = true;
      handlers.close(error);
    });
    socket.resume();
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

  setKeepAlive(enable: boolean, idleMs: number): void {
    this.#socket.setKeepAlive(enable, idleMs);
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  end(): void {
    this.#ending = true;
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
  return `${host.includes(":") ? `[${host}]` : host}:${socket.remotePort ?? address.port}`;
}

/** Removes a Unix socket file nobody listens on any more (left by a dead process). */
async function removeStaleSocketFile(path: string): Promise<boolean> {
  if (path.startsWith("\0")) return false;
  try {
    if (!lstatSync(path).isSocket()) return false;
  } catch {
    return false;
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect({ path });
    probe.once("connect", () => {
      probe.destroy();
      resolve(true);
    });
    probe.once("error", () => resolve(false));
  });
  if (alive) return false;
  try {
    unlinkSync(path);
    return true;
  } catch {
    return false;
  }
}

function listenOnce(
  address: SocketAddress,
  onConnection: (conn: ByteConnection) => void,
  onAcceptError: (error: Error) => void,
): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer({ allowHalfOpen: false, pauseOnConnect: true }, (socket) => {
      if (address.kind === "tcp") socket.setNoDelay(true);
      onConnection(new NodeConnection(socket, remoteOf(socket, address)));
    });
    server.once("error", reject);
    const ready = () => {
      server.off("error", reject);
      // After listening, errors are failed accepts (EMFILE): reported, never thrown into the host.
      server.on("error", (err) => onAcceptError(err));
      resolve(server);
    };
    if (address.kind === "tcp") server.listen({ host: address.host, port: address.port }, ready);
    else server.listen({ path: address.path }, ready);
  });
}

/** The adapter for Node's `node:net`. */
export const nodeRuntime: Runtime = {
  name: "node",

  async listen(address, onConnection, onAcceptError = () => {}): Promise<Listener> {
    let server: net.Server;
    try {
      server = await listenOnce(address, onConnection, onAcceptError);
    } catch (err) {
      if (
        address.kind === "ipc" && (err as { code?: string }).code === "EADDRINUSE" &&
        await removeStaleSocketFile(address.path)
      ) {
        server = await listenOnce(address, onConnection, onAcceptError);
      } else throw err;
    }
    const bound = server.address();
    const actual: SocketAddress = address.kind === "tcp" && bound && typeof bound === "object"
      ? { kind: "tcp", host: address.host, port: bound.port }
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

  connect(address): Promise<ByteConnection> {
    return new Promise((resolve, reject) => {
      const socket = address.kind === "tcp"
        ? net.connect({ host: address.host, port: address.port, noDelay: true })
        : net.connect({ path: address.path });
      socket.once("connect", () => {
        socket.off("error", reject);
        resolve(new NodeConnection(socket, remoteOf(socket, address)));
      });
      socket.once("error", reject);
    });
  },

  defer(fn: () => void): void {
    setImmediate(fn);
  },
};
