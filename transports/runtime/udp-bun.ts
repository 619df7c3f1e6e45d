/**
 * The UDP adapter on `Bun.udpSocket`, Bun's native UDP (node:dgram on Bun is
 * a layer over it).
 *
 * @module
 */
import { withErrno } from "./errors.ts";
import { interfaceAddressOf, lookupHost } from "./udp-node.ts";
import type { UdpBindOptions, UdpFamily, UdpHandlers, UdpRuntime, UdpSocket } from "./udp-types.ts";

/**
 * Bun's listen flag for SO_REUSEADDR, which `Bun.udpSocket` takes but does not document (its
 * node:dgram passes it for `reuseAddr`).
 */
const LISTEN_REUSE_ADDR = 16;

/** What omq uses of a socket `Bun.udpSocket` resolves with. */
interface BunUdp {
  readonly port: number;
  send(data: Uint8Array, port: number, address: string): boolean;
  setMulticastTTL(ttl: number): number;
  setMulticastLoopback(enabled: boolean): boolean;
  setMulticastInterface(interfaceAddress: string): boolean;
  addMembership(multicastAddress: string, interfaceAddress?: string): boolean;
  dropMembership(multicastAddress: string, interfaceAddress?: string): boolean;
  close(): void;
  unref?(): void;
}

/** A datagram `send` could not hand over yet (Bun returns false and drops it), kept for `drain`. */
interface Unsent {
  data: Uint8Array;
  host: string;
  port: number;
}

/** One datagram of `chunks`: Bun sends one buffer, so several are joined. */
function joined(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  let size = 0;
  for (const c of chunks) size += c.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** One bound `Bun.udpSocket`. */
class BunUdpSocket implements UdpSocket {
  readonly host: string;
  readonly family: UdpFamily;
  #socket!: BunUdp;
  #handlers: UdpHandlers | null = null;
  #paused = false;
  #closed = false;
  #unsent: Unsent[] = [];
  #whenSent: (() => void) | null = null;

  constructor(options: UdpBindOptions) {
    this.host = options.host;
    this.family = options.family;
  }

  get port(): number {
    return this.#socket.port;
  }

  /** Binds; the handlers below are Bun's, set once for the socket's life. */
  async bind(options: UdpBindOptions): Promise<this> {
    const bunOptions: Bun.udp.SocketOptions<"uint8array"> & { flags?: number } = {
      hostname: options.host,
      port: options.port,
      binaryType: "uint8array",
      socket: {
        data: (_socket, data, port, address) => {
          if (this.#handlers !== null && !this.#paused && !this.#closed) this.#handlers.datagram(data, address, port);
        },
        drain: () => this.#drain(),
        error: (_socket, error) => this.#handlers?.sendError?.(withErrno(error)),
      },
    };
    if (options.reuseAddress) bunOptions.flags = LISTEN_REUSE_ADDR;
    const socket = await Bun.udpSocket(bunOptions);
    this.#socket = socket as unknown as BunUdp;
    if (options.unref) this.#socket.unref?.();
    return this;
  }

  start(handlers: UdpHandlers): void {
    this.#handlers = handlers;
  }

  send(chunks: readonly Uint8Array[], host: string, port: number): boolean {
    if (this.#closed) return true;
    const data = joined(chunks);
    if (this.#unsent.length > 0) {
      this.#unsent.push({ data, host, port });
      return false;
    }
    if (this.#sendNow(data, host, port)) return true;
    this.#unsent.push({ data, host, port });
    return false;
  }

  addMembership(group: string, iface?: string): void {
    this.#call(() => this.#socket.addMembership(group, iface));
  }

  dropMembership(group: string, iface?: string): void {
    this.#call(() => this.#socket.dropMembership(group, iface));
  }

  setMulticastHops(hops: number): void {
    this.#call(() => this.#socket.setMulticastTTL(hops));
  }

  setMulticastLoop(loop: boolean): void {
    this.#call(() => this.#socket.setMulticastLoopback(loop));
  }

  setMulticastInterface(iface: string): void {
    this.#call(() => this.#socket.setMulticastInterface(iface));
  }

  pause(): void {
    // Bun's UDP socket cannot stop reading: datagrams are dropped here instead of in the kernel.
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#unsent.length > 0) await new Promise<void>((resolve) => (this.#whenSent = resolve));
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
    this.#handlers?.close?.();
  }

  /** True when Bun took the datagram; false when its buffer is full (then it was not sent). */
  #sendNow(data: Uint8Array, host: string, port: number): boolean {
    try {
      return this.#socket.send(data, port, host);
    } catch (error) {
      // EMSGSIZE and friends are thrown at once: that datagram is lost, the socket carries on.
      this.#handlers?.sendError?.(withErrno(error));
      return true;
    }
  }

  #drain(): void {
    const unsent = this.#unsent;
    let i = 0;
    while (i < unsent.length && this.#sendNow(unsent[i].data, unsent[i].host, unsent[i].port)) i++;
    unsent.splice(0, i);
    if (unsent.length > 0) return;
    this.#whenSent?.();
    if (!this.#closed) this.#handlers?.drain?.();
  }

  #call(fn: () => unknown): void {
    try {
      fn();
    } catch (error) {
      throw withErrno(error);
    }
  }
}

/**
 * UDP on `Bun.udpSocket`.
 *
 * @example
 * ```ts ignore
 * const socket = await bunUdp.bind({ host: "127.0.0.1", port: 0, family: 4 });
 * socket.start({ datagram: (data, host, port) => console.log(data, host, port) });
 * socket.send([new TextEncoder().encode("hi")], "127.0.0.1", socket.port);
 * ```
 */
export const bunUdp: UdpRuntime = {
  name: "bun",
  bind: async (options) => {
    try {
      return await new BunUdpSocket(options).bind(options);
    } catch (error) {
      throw withErrno(error);
    }
  },
  lookup: lookupHost,
  interfaceAddress: interfaceAddressOf,
};
