/**
 * A tcp connection through a SOCKS5 proxy, handed to the engine as any byte connection once the
 * proxy has opened the tunnel: the proxy connection is started here, its bytes feed the SOCKS
 * handshake, and whatever follows the proxy's reply is kept for the engine's `start`.
 *
 * @module
 */
import type { ByteConnection, ConnectionHandlers, DialOptions, Runtime, SocketAddress } from "./runtime/types.ts";
import type { Socks5Client } from "./socks.ts";

/** The proxy connection, carrying the handshake and then the engine's bytes. */
class SocksTunnel implements ByteConnection {
  readonly remoteAddress: string;
  readonly #inner: ByteConnection;
  #handlers: ConnectionHandlers | null = null;
  #held: Uint8Array[] = [];
  /** The proxy connection closed before the engine started: its error (or none). */
  #closedEarly: { error?: Error } | null = null;

  constructor(inner: ByteConnection, rest: Uint8Array) {
    this.#inner = inner;
    this.remoteAddress = inner.remoteAddress;
    if (rest.byteLength > 0) this.#held.push(rest);
  }

  /** The handlers the proxy connection was started with, for after the handshake. */
  take(handlers: { data?: (chunk: Uint8Array) => void; close?: (error?: Error) => void }): void {
    handlers.data = (chunk) => (this.#handlers ? this.#handlers.data(chunk) : this.#held.push(chunk));
    handlers.close = (error) => (this.#handlers ? this.#handlers.close(error) : (this.#closedEarly = { error }));
  }

  start(handlers: ConnectionHandlers): void {
    // What came early goes in a microtask, as the adapters deliver held bytes: never inside the
    // caller's start(), before it has written its own greeting.
    queueMicrotask(() => {
      for (const chunk of this.#held.splice(0)) handlers.data(chunk);
      this.#handlers = handlers;
      if (this.#closedEarly) handlers.close(this.#closedEarly.error);
    });
  }

  /** The engine's buffer, once it has started (the handshake reads into the runtime's own). */
  readBuffer(): Uint8Array | null {
    return this.#handlers?.readBuffer?.() ?? null;
  }

  drain(): void {
    this.#handlers?.drain();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    return this.#inner.write(chunks);
  }

  setKeepAlive(enable: boolean, idleMs: number): void {
    this.#inner.setKeepAlive(enable, idleMs);
  }

  pause(): void {
    this.#inner.pause();
  }

  resume(): void {
    this.#inner.resume();
  }

  end(): void {
    this.#inner.end();
  }

  destroy(): void {
    this.#inner.destroy();
  }

  allocate(size: number): Uint8Array {
    return this.#inner.allocate ? this.#inner.allocate(size) : new Uint8Array(size);
  }
}

/**
 * Connects to `proxy` and has it open a tunnel as `client` asks; resolves with the tunnel once
 * the proxy says it is open, rejects with an errno-coded error when it refuses or goes away.
 *
 * @example
 * ```ts ignore
 * const conn = await openSocksTunnel(runtime, { kind: "tcp", host: "127.0.0.1", port: 1080 },
 *   new Socks5Client({ host: "broker", port: 5555 }));
 * ```
 */
export async function openSocksTunnel(
  runtime: Runtime,
  proxy: SocketAddress,
  client: Socks5Client,
  dial?: DialOptions,
): Promise<ByteConnection> {
  const inner = await runtime.connect(proxy, dial);
  return await new Promise<ByteConnection>((resolve, reject) => {
    let tunnel: SocksTunnel | null = null;
    const failed = (code: string, message: string) => {
      inner.destroy();
      reject(Object.assign(new Error(`SOCKS proxy ${inner.remoteAddress}: ${message}`), { code }));
    };
    const handlers: ConnectionHandlers = {
      data: (chunk) => {
        const step = client.input(chunk);
        if (step.send) inner.write([step.send]);
        if (step.error) return failed(step.error.code, step.error.message);
        if (step.open) {
          tunnel = new SocksTunnel(inner, step.open.rest);
          tunnel.take(handlers);
          resolve(tunnel);
        }
      },
      drain: () => tunnel?.drain(),
      close: (error) => failed((error as { code?: string } | undefined)?.code ?? "ECONNRESET", "closed the connection"),
      readBuffer: () => tunnel?.readBuffer() ?? null,
    };
    inner.start(handlers);
    inner.write([client.start()]);
  });
}
