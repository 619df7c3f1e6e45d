/**
 * The UDP adapter on `node:dgram`: Node's, and Deno's (see `udp-deno.ts`).
 *
 * @module
 */
import * as dgram from "node:dgram";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { networkInterfaces } from "node:os";
import { withErrno } from "./errors.ts";
import type { UdpBindOptions, UdpFamily, UdpHandlers, UdpRuntime, UdpSocket } from "./udp-types.ts";

/** Datagrams handed to node:dgram and not yet sent, above which `send` asks to wait for `drain`. */
const SEND_HIGH_WATER = 1024;

/** A datagram waiting for the one in flight (`oneSendAtATime`). */
interface Queued {
  chunks: readonly Uint8Array[];
  host: string;
  port: number;
}

/** One bound node:dgram socket. */
class DgramSocket implements UdpSocket {
  readonly host: string;
  readonly port: number;
  readonly family: UdpFamily;
  readonly #socket: dgram.Socket;
  readonly #v6: boolean;
  readonly #oneAtATime: boolean;
  #handlers: UdpHandlers | null = null;
  #paused = false;
  #closed = false;
  /** Sends whose callback has not run (node:dgram looks the address up first, a tick later), queued ones too. */
  #pending = 0;
  #queue: Queued[] = [];
  #blocked = false;
  #whenSent: (() => void) | null = null;
  /** One callback for every send, not a closure per datagram. */
  #sent = (error: Error | null): void => {
    this.#pending--;
    if (error && !this.#closed) this.#handlers?.sendError?.(withErrno(error));
    const next = this.#queue.shift();
    if (next !== undefined) this.#hand(next.chunks, next.host, next.port);
    if (this.#blocked && this.#pending <= SEND_HIGH_WATER / 2) {
      this.#blocked = false;
      if (!this.#closed) this.#handlers?.drain?.();
    }
    if (this.#pending === 0) this.#whenSent?.();
  };

  constructor(socket: dgram.Socket, options: UdpBindOptions, oneAtATime: boolean) {
    this.#socket = socket;
    this.#oneAtATime = oneAtATime;
    this.host = options.host;
    this.port = socket.address().port;
    this.family = options.family;
    this.#v6 = options.family === 6;
    socket.on("message", (data: Uint8Array, rinfo: dgram.RemoteInfo) => {
      if (this.#handlers === null || this.#paused) return;
      // A plain view: a Buffer's `slice` shares memory, and the core expects Uint8Array's copy.
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.#handlers.datagram(bytes, rinfo.address, rinfo.port);
    });
    // After bind, node:dgram reports only failures it cannot attribute to a send.
    socket.on("error", (error: Error) => this.#handlers?.sendError?.(withErrno(error)));
    socket.on("close", () => {
      this.#closed = true;
      this.#handlers?.close?.();
    });
  }

  start(handlers: UdpHandlers): void {
    this.#handlers = handlers;
  }

  send(chunks: readonly Uint8Array[], host: string, port: number): boolean {
    if (this.#closed) return true;
    if (this.#oneAtATime && this.#pending > 0) this.#queue.push({ chunks, host, port });
    else this.#hand(chunks, host, port);
    this.#pending++;
    if (this.#pending > SEND_HIGH_WATER) this.#blocked = true;
    return !this.#blocked;
  }

  /** Gives node:dgram one datagram; an array is gathered into it (sendmsg with an iovec), with no copy. */
  #hand(chunks: readonly Uint8Array[], host: string, port: number): void {
    try {
      this.#socket.send(chunks as Uint8Array[], port, host, this.#sent);
    } catch (error) {
      // Thrown for arguments node:dgram refuses (a bad port): that datagram only.
      queueMicrotask(() => this.#sent(withErrno(error)));
    }
  }

  addMembership(group: string, iface?: string): void {
    this.#call(() => this.#socket.addMembership(group, this.#iface(iface)));
  }

  dropMembership(group: string, iface?: string): void {
    this.#call(() => this.#socket.dropMembership(group, this.#iface(iface)));
  }

  setMulticastHops(hops: number): void {
    this.#call(() => this.#socket.setMulticastTTL(hops));
  }

  setMulticastLoop(loop: boolean): void {
    this.#call(() => this.#socket.setMulticastLoopback(loop));
  }

  setMulticastInterface(iface: string): void {
    this.#call(() => this.#socket.setMulticastInterface(this.#iface(iface)!));
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    // node:dgram drops a send still looking its address up when the socket closes.
    if (this.#pending > 0) await new Promise<void>((resolve) => (this.#whenSent = resolve));
    if (this.#closed) return;
    await new Promise<void>((resolve) => this.#socket.close(() => resolve()));
  }

  /** node:dgram names an IPv6 interface as a scope: "::%eth0". */
  #iface(iface: string | undefined): string | undefined {
    if (iface === undefined || !this.#v6 || iface.includes(":")) return iface;
    return `::%${iface}`;
  }

  #call(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      throw withErrno(error);
    }
  }
}

/**
 * Binds a node:dgram socket; rejects with the bind's errno-coded error. With `oneAtATime`, a
 * datagram is handed over only once the one before is sent.
 */
export function bindDgram(options: UdpBindOptions, oneAtATime: boolean): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({
      type: options.family === 6 ? "udp6" : "udp4",
      reuseAddr: options.reuseAddress === true,
    });
    // Before the bind: Deno's node:dgram starts receiving at the bind, and an unref() after that
    // is ignored (measured on Deno 2.9); Node takes it either way.
    if (options.unref) socket.unref();
    const failed = (error: Error) => {
      socket.close();
      reject(withErrno(error));
    };
    socket.once("error", failed);
    socket.bind({ port: options.port, address: options.host, exclusive: true }, () => {
      socket.off("error", failed);
      resolve(new DgramSocket(socket, options, oneAtATime));
    });
  });
}

/** node:dns's lookup, for a host name in a udp:// endpoint (a literal is returned at once). */
export async function lookupHost(host: string, family?: UdpFamily): Promise<{ host: string; family: UdpFamily }> {
  const literal = isIP(host);
  if (literal !== 0) return { host, family: literal as UdpFamily };
  try {
    const found = await dnsLookup(host, { family: family ?? 0 });
    return { host: found.address, family: found.family as UdpFamily };
  } catch (error) {
    const e = withErrno(error);
    if ((e as { code?: string }).code === "ENOTFOUND") Object.defineProperty(e, "code", { value: "ENOENT" });
    throw e;
  }
}

/** The first address of family `family` that the named interface has (node:os). */
export function interfaceAddressOf(name: string, family: UdpFamily): string | null {
  const addresses = networkInterfaces()[name];
  if (!addresses) return null;
  // Node 18.0-18.3 said 4/6 rather than "IPv4"/"IPv6".
  const found = addresses.find((a) => a.family === `IPv${family}` || (a.family as unknown) === family);
  return found?.address ?? null;
}

/**
 * UDP on node:dgram.
 *
 * @example
 * ```ts ignore
 * const socket = await nodeUdp.bind({ host: "127.0.0.1", port: 0, family: 4 });
 * socket.start({ datagram: (data, host, port) => console.log(data, host, port) });
 * socket.send([new TextEncoder().encode("hi")], "127.0.0.1", socket.port);
 * ```
 */
export const nodeUdp: UdpRuntime = {
  name: "node",
  bind: (options) => bindDgram(options, false),
  lookup: lookupHost,
  interfaceAddress: interfaceAddressOf,
};
