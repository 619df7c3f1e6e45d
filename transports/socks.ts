/**
 * The client side of SOCKS5 (RFC 1928, with RFC 1929's user name and password) as libzmq's
 * `socks_connecter` speaks it for ZMQ_SOCKS_PROXY: one method offered (none, or user/password
 * when a user name is set), then CONNECT to the endpoint's host as given (an address literal as
 * such, a name for the proxy to resolve) and port. Pure protocol: bytes in, bytes out.
 *
 * @module
 */
import { isIPv4, isIPv6 } from "../src/zmtp/datagram.ts";

const VERSION = 5;
const NO_AUTH = 0x00;
const USER_PASSWORD = 0x02;
const CONNECT = 0x01;

const encoder = new TextEncoder();

/** A host and port, as in `host:port`. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** What the client does with the proxy's bytes so far. */
export interface SocksStep {
  /** Bytes to send to the proxy. */
  readonly send?: Uint8Array;
  /** The tunnel is open: what followed the proxy's reply already belongs to the connection. */
  readonly open?: { readonly rest: Uint8Array };
  /** The proxy refused or broke the protocol; `code` is the errno-style name to report. */
  readonly error?: { readonly message: string; readonly code: string };
}

/** SOCKS5 reply codes (RFC 1928 §6) as the errno names a connect reports. */
const REPLY_ERRORS: Record<number, string> = {
  1: "EPROTO", // general failure
  2: "EACCES", // not allowed by ruleset
  3: "ENETUNREACH",
  4: "EHOSTUNREACH",
  5: "ECONNREFUSED",
  6: "ETIMEDOUT", // TTL expired
  7: "EPROTO", // command not supported
  8: "EPROTO", // address type not supported
};

/** The 4 or 16 bytes of an address literal. */
function literalBytes(host: string): Uint8Array {
  if (isIPv4(host)) return Uint8Array.from(host.split(".").map(Number));
  const [head, tail = ""] = host.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const groups = host.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

/**
 * One SOCKS5 client handshake, fed the proxy's bytes as they come.
 *
 * @example
 * ```ts
 * const socks = new Socks5Client({ host: "broker.example", port: 5555 });
 * write(socks.start());
 * const step = socks.input(chunk); // { send } to write, then { open: { rest } } once tunnelled
 * ```
 */
export class Socks5Client {
  readonly #target: HostPort;
  readonly #username: Uint8Array | null;
  readonly #password: Uint8Array;
  #state: "choice" | "auth" | "reply" | "open" = "choice";
  #input = new Uint8Array(0);

  /** `username` set (non-empty) offers RFC 1929 authentication only, as libzmq does. */
  constructor(target: HostPort, username: Uint8Array | null = null, password: Uint8Array | null = null) {
    this.#target = target;
    this.#username = username && username.byteLength > 0 ? username : null;
    this.#password = password ?? new Uint8Array(0);
  }

  /** The greeting: version 5 and the one method offered. */
  start(): Uint8Array {
    return new Uint8Array([VERSION, 1, this.#username ? USER_PASSWORD : NO_AUTH]);
  }

  /** Takes bytes from the proxy; says what to send, or that the tunnel is open, or why it failed. */
  input(chunk: Uint8Array): SocksStep {
    const all = new Uint8Array(this.#input.byteLength + chunk.byteLength);
    all.set(this.#input);
    all.set(chunk, this.#input.byteLength);
    this.#input = all;
    if (this.#state === "choice") return this.#choice();
    if (this.#state === "auth") return this.#auth();
    if (this.#state === "reply") return this.#reply();
    return {};
  }

  #take(n: number): Uint8Array {
    const taken = this.#input.subarray(0, n);
    this.#input = this.#input.subarray(n);
    return taken;
  }

  #choice(): SocksStep {
    if (this.#input.byteLength < 2) return {};
    const [version, method] = this.#take(2);
    if (version !== VERSION) return fail("EPROTO", `the SOCKS proxy answered version ${version}, not 5`);
    if (method === USER_PASSWORD && this.#username) {
      this.#state = "auth";
      const u = this.#username;
      const p = this.#password;
      const request = new Uint8Array(3 + u.byteLength + p.byteLength);
      request[0] = 1;
      request[1] = u.byteLength;
      request.set(u, 2);
      request[2 + u.byteLength] = p.byteLength;
      request.set(p, 3 + u.byteLength);
      return { send: request };
    }
    if (method !== NO_AUTH) {
      return fail("EACCES", `the SOCKS proxy accepts none of the methods offered (it chose 0x${method.toString(16)})`);
    }
    return this.#request();
  }

  #auth(): SocksStep {
    if (this.#input.byteLength < 2) return {};
    const [, status] = this.#take(2);
    if (status !== 0) return fail("EACCES", "the SOCKS proxy refused the user name and password");
    return this.#request();
  }

  #request(): SocksStep {
    this.#state = "reply";
    const { host, port } = this.#target;
    let address: Uint8Array;
    if (isIPv4(host) || isIPv6(host)) {
      const bytes = literalBytes(host);
      address = new Uint8Array(1 + bytes.byteLength);
      address[0] = bytes.byteLength === 4 ? 1 : 4;
      address.set(bytes, 1);
    } else {
      const name = encoder.encode(host);
      address = new Uint8Array(2 + name.byteLength);
      address[0] = 3;
      address[1] = name.byteLength;
      address.set(name, 2);
    }
    const request = new Uint8Array(3 + address.byteLength + 2);
    request.set([VERSION, CONNECT, 0]);
    request.set(address, 3);
    request[request.byteLength - 2] = port >> 8;
    request[request.byteLength - 1] = port & 0xff;
    // The reply may have come with the choice already (it cannot, but a pipelining proxy could).
    return this.#input.byteLength > 0 ? { send: request, ...this.#reply() } : { send: request };
  }

  #reply(): SocksStep {
    const input = this.#input;
    if (input.byteLength < 5) return {};
    if (input[0] !== VERSION) return fail("EPROTO", `the SOCKS proxy answered version ${input[0]}, not 5`);
    if (input[1] !== 0) {
      return fail(REPLY_ERRORS[input[1]] ?? "EPROTO", `the SOCKS proxy could not connect (reply ${input[1]})`);
    }
    const type = input[3];
    const size = type === 1 ? 4 : type === 4 ? 16 : type === 3 ? 1 + input[4] : -1;
    if (size < 0) return fail("EPROTO", `the SOCKS proxy's reply has address type ${type}`);
    if (input.byteLength < 4 + size + 2) return {};
    this.#take(4 + size + 2);
    this.#state = "open";
    const rest = this.#input;
    this.#input = new Uint8Array(0);
    return { open: { rest } };
  }
}

function fail(code: string, message: string): SocksStep {
  return { error: { code, message } };
}

/**
 * ZMQ_SOCKS_PROXY's value: "host:port" (an IPv6 host in brackets), or null for none.
 *
 * @example
 * ```ts
 * parseHostPort("[::1]:1080", "socksProxy"); // { host: "::1", port: 1080 }
 * ```
 */
export function parseHostPort(text: string, option: string): HostPort {
  const colon = text.lastIndexOf(":");
  const portText = text.slice(colon + 1);
  let host = text.slice(0, Math.max(0, colon));
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  const port = Number(portText);
  if (colon < 0 || host === "" || !/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new RangeError(`option ${option} must be "host:port", got "${text}"`);
  }
  return { host, port };
}

/**
 * The option's check: text (or its UTF-8 bytes, as libzmq takes it), kept as text; null or "" for
 * none. As libzmq, anything is taken here: a value that is no "host:port" fails each connection.
 */
export function checkSocksProxy(name: string, value: unknown): string | null {
  const text = value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
  if (text === null || text === "") return null;
  if (typeof text !== "string") throw new TypeError(`option ${name} must be "host:port" or null`);
  return text;
}
