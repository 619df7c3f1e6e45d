/**
 * A WebSocket spoken by omq itself over a byte connection (tcp or TLS from the runtime adapter):
 * the server that Deno and Bun listen with, and the client Deno connects with when a `wss://`
 * connect must trust a certificate of its own. Owning the connection from its accept lets the
 * listener bound the time to the upgrade (handshakeInterval), and free its port when closed.
 *
 * @module
 */
import type { ByteConnection, ConnectionHandlers, Runtime, SocketAddress } from "../runtime/types.ts";
import { WsConnection } from "./connection.ts";
import { applyMask, closePayload, frameHeader, FrameReader, OPCODE } from "./frames.ts";
import { acceptKey, type HttpHead, lists, newKey, readHead, requestBytes, responseBytes } from "./http-upgrade.ts";
import { chooseProtocol, mechanismOf, tokenProtocols } from "./protocol.ts";
import type {
  MessageConnection,
  MessageSocket,
  WsAddress,
  WsDialOptions,
  WsListener,
  WsServerOptions,
} from "./types.ts";
import { hostPort } from "../address.ts";

/** Reported as `bufferedAmount` while the byte connection asks us to wait for its drain. */
const BLOCKED = Number.MAX_SAFE_INTEGER;

/** One open WebSocket over `conn`: frames out, frames in to `target`. */
class StreamWebSocket implements MessageSocket {
  readonly #conn: ByteConnection;
  /** Client side: frames are masked (RFC 6455 §5.3). */
  readonly #client: boolean;
  #blocked = false;
  #closing = false;
  #corked: Uint8Array[] | null = null;
  #drain: (() => void) | null = null;
  readonly onDrain = (fn: () => void): void => {
    this.#drain = fn;
  };

  constructor(conn: ByteConnection, client: boolean) {
    this.#conn = conn;
    this.#client = client;
  }

  get bufferedAmount(): number {
    return this.#blocked ? BLOCKED : 0;
  }

  send(message: Uint8Array): void {
    this.#frame(OPCODE.binary, message);
  }

  cork(): void {
    this.#corked ??= [];
  }

  uncork(): void {
    const chunks = this.#corked;
    this.#corked = null;
    if (chunks && chunks.length > 0) this.#write(chunks);
  }

  close(code = 1000): void {
    if (this.#closing) return;
    this.#frame(OPCODE.close, closePayload(code));
    this.#closing = true;
    // The server closes the tcp connection first (§7.1.1); a client that sent close may too here.
    this.#conn.end();
  }

  terminate(): void {
    this.#closing = true;
    this.#conn.destroy();
  }

  pause(): void {
    this.#conn.pause();
  }

  resume(): void {
    this.#conn.resume();
  }

  pong(data: Uint8Array): void {
    this.#frame(OPCODE.pong, data.slice());
  }

  drained(): void {
    this.#blocked = false;
    this.#drain?.();
  }

  #frame(opcode: number, payload: Uint8Array): void {
    if (this.#closing) return;
    if (!this.#client) return this.#push(frameHeader(opcode, payload.length, null), payload);
    const mask = crypto.getRandomValues(new Uint8Array(4));
    const masked = payload.slice();
    applyMask(masked, mask);
    this.#push(frameHeader(opcode, payload.length, mask), masked);
  }

  #push(header: Uint8Array, payload: Uint8Array): void {
    if (this.#corked) this.#corked.push(header, payload);
    else this.#write([header, payload]);
  }

  #write(chunks: Uint8Array[]): void {
    if (!this.#conn.write(chunks)) this.#blocked = true;
  }
}

/** Joins a byte connection that finished its upgrade to a `WsConnection`, `rest` being its first frame bytes. */
function openOver(
  conn: ByteConnection,
  client: boolean,
  mechanism: string,
  remote: string,
  maxMessage?: () => number,
): {
  ws: WsConnection;
  handlers: ConnectionHandlers;
} {
  const socket = new StreamWebSocket(conn, client);
  const ws = new WsConnection(socket, mechanism, remote);
  const reader = new FrameReader(!client, {
    message: (data, binary) => binary ? ws.message(data) : ws.textMessage(),
    ping: (data) => socket.pong(data),
    close: (code, reason) => {
      socket.close(code === 1005 ? 1000 : code);
      ws.closed(
        code === 1000 || code === 1005
          ? undefined
          : new Error(`WebSocket closed with code ${code}${reason ? ` (${reason})` : ""}`),
      );
    },
    error: (code, message) => {
      socket.close(code);
      ws.closed(new Error(`WebSocket protocol error from ${remote}: ${message}`));
    },
  }, maxMessage);
  const handlers: ConnectionHandlers = {
    data: (chunk) => reader.push(chunk),
    drain: () => socket.drained(),
    close: (error) => ws.closed(error),
  };
  return { ws, handlers };
}

/**
 * Listens on `address` with `runtime` and serves WebSocket upgrades at its path: a client must
 * offer the subprotocol of `options.mechanism()`, and finish its upgrade (TLS included) within
 * `options.handshakeInterval()` of its accept, else its connection is closed.
 *
 * @example
 * ```ts ignore
 * const listener = await listenStreamWs(denoRuntime, address, options, (conn) => startEngine(conn));
 * ```
 */
export async function listenStreamWs(
  runtime: Runtime,
  address: WsAddress,
  options: WsServerOptions,
  onConnection: (conn: MessageConnection) => void,
): Promise<WsListener> {
  const tcp: SocketAddress = { kind: "tcp", host: address.host, port: address.port };
  // The TLS handshake's bound where the adapter hands over connections after it (read at bind); the
  // upgrade then has what is left of handshakeInterval (`acceptedAt`).
  const tls = options.tls &&
    { cert: options.tls.certPem, key: options.tls.keyPem, handshakeTimeout: options.handshakeInterval() };
  const open = new Set<ByteConnection>();
  const unrefTimer = options.unref ? runtime.unrefTimer : undefined;
  const serve = (conn: ByteConnection) => serveUpgrade(conn, address, options, onConnection, open, unrefTimer);
  const listener = await runtime.listen(tcp, serve, () => {
    // A failed accept costs that one connection; the listener keeps going.
  }, { tls, unref: options.unref });
  const bound = listener.address;
  return {
    address: { ...address, port: bound.kind === "tcp" ? bound.port : address.port },
    async close() {
      // Connections still in their upgrade go with the listener; upgraded ones belong to the socket.
      for (const conn of open) conn.destroy();
      open.clear();
      await listener.close();
    },
  };
}

/**
 * Reads one upgrade request from `conn` and answers it; `pending` holds it until upgraded or gone.
 * `unrefTimer` is the runtime's, when the listener lets the process exit: so does the deadline.
 */
function serveUpgrade(
  conn: ByteConnection,
  address: WsAddress,
  options: WsServerOptions,
  onConnection: (conn: MessageConnection) => void,
  pending: Set<ByteConnection>,
  unrefTimer: ((timer: ReturnType<typeof setTimeout>) => void) | undefined,
): void {
  pending.add(conn);
  const limit = options.handshakeInterval();
  // libzmq's ws engine counts the upgrade as part of the handshake: a peer that sends nothing, or
  // a byte now and then, loses its connection when the interval is up. The interval counts from
  // the accept, so a TLS handshake done before the handover (node:tls) takes its time off it.
  const spent = conn.acceptedAt === undefined ? 0 : performance.now() - conn.acceptedAt;
  const timer = limit > 0 ? setTimeout(() => conn.destroy(), Math.max(0, limit - spent)) : undefined;
  if (timer !== undefined) unrefTimer?.(timer);
  let received: Uint8Array = new Uint8Array(0);
  /** Bytes that came after the head while the accept key was being computed. */
  let early: Uint8Array[] | null = null;
  let upgraded: ConnectionHandlers | null = null;
  const done = () => {
    clearTimeout(timer);
    pending.delete(conn);
  };
  let refused = false;
  // The timer stays: a refused peer that never closes its side is cut off at the deadline all the same.
  const refuse = (status: number, reason: string, body: string, headers: Record<string, string> = {}) => {
    refused = true;
    received = new Uint8Array(0);
    conn.write([responseBytes(status, reason, headers, body)]);
    conn.end();
  };
  conn.start({
    data(chunk) {
      if (upgraded) return upgraded.data(chunk);
      if (refused) return; // what a refused peer sends after its request is dropped
      if (early) return void early.push(chunk);
      received = received.length === 0 ? chunk : concat(received, chunk);
      const got = readHead(received);
      if (got === "more") return;
      if (got === "too long") return refuse(431, "Request Header Fields Too Large", "request head too long\n");
      const answer = checkRequest(got.head, address, options.mechanism());
      if (typeof answer !== "object" || !("chosen" in answer)) {
        return refuse(answer.status, answer.reason, answer.body, answer.headers);
      }
      early = got.rest.length > 0 ? [got.rest] : [];
      received = new Uint8Array(0);
      const { chosen, mechanism, key } = answer;
      acceptKey(key).then((accept) => {
        if (!pending.has(conn)) return; // closed meanwhile
        done();
        conn.write([responseBytes(101, "Switching Protocols", {
          Upgrade: "websocket",
          Connection: "Upgrade",
          "Sec-WebSocket-Accept": accept,
          "Sec-WebSocket-Protocol": chosen,
        })]);
        const opened = openOver(conn, false, mechanism, conn.remoteAddress, options.maxMessage);
        upgraded = opened.handlers;
        onConnection(opened.ws);
        for (const bytes of early!) upgraded.data(bytes);
        early = null;
      });
    },
    drain() {
      upgraded?.drain();
    },
    close(error) {
      done();
      upgraded?.close(error);
    },
  });
}

type Refusal = { status: number; reason: string; body: string; headers?: Record<string, string> };

/** What the request asks, or why it is refused (the same answers Node's `ws` server gives). */
function checkRequest(
  head: HttpHead,
  address: WsAddress,
  mechanism: string,
): { chosen: string; mechanism: string; key: string } | Refusal {
  const [method, target] = head.startLine.split(" ");
  const path = new URL(target ?? "/", "http://host").pathname;
  if (path !== address.path) return { status: 404, reason: "Not Found", body: "not found\n" };
  const h = head.headers;
  if (method !== "GET" || h.get("upgrade")?.toLowerCase() !== "websocket" || !lists(h.get("connection"), "upgrade")) {
    return { status: 426, reason: "Upgrade Required", body: "a ZWS 2.0 endpoint: WebSocket only\n" };
  }
  if (h.get("sec-websocket-version") !== "13") {
    return {
      status: 426,
      reason: "Upgrade Required",
      body: "WebSocket version 13 only\n",
      headers: { "Sec-WebSocket-Version": "13" },
    };
  }
  const key = h.get("sec-websocket-key");
  if (!key || !/^[A-Za-z0-9+/]{22}==$/.test(key)) {
    return { status: 400, reason: "Bad Request", body: "missing or malformed Sec-WebSocket-Key\n" };
  }
  const chosen = chooseProtocol([h.get("sec-websocket-protocol") ?? ""], mechanism);
  const negotiated = chosen === null ? null : mechanismOf(chosen);
  if (chosen === null || negotiated === null) {
    return { status: 400, reason: "Bad Request", body: "no ZWS 2.0 subprotocol for this socket's mechanism\n" };
  }
  return { chosen, mechanism: negotiated, key };
}

/**
 * Opens a WebSocket to `address` over a byte connection of `runtime` (TLS checked as `dial.tls`
 * says; unreferenced with `dial.unref`), offering `protocols`; resolves once the upgrade is answered.
 *
 * @example
 * ```ts ignore
 * const conn = await connectStreamWs(denoRuntime, address, ["ZWS2.0/NULL", "ZWS2.0"], { tls });
 * ```
 */
export async function connectStreamWs(
  runtime: Runtime,
  address: WsAddress,
  protocols: readonly string[],
  dial?: WsDialOptions,
): Promise<MessageConnection> {
  const url = `${address.secure ? "wss" : "ws"}://${hostPort(address.host, address.port)}${address.path}`;
  const tls = dial?.tls;
  const secure = address.secure
    ? {
      tls: {
        hostname: tls?.hostname ?? address.host,
        caCerts: tls?.trustPem ? [tls.trustPem] : [],
        trustSystem: tls?.trustSystem ?? true,
      },
    }
    : {};
  let conn: ByteConnection;
  try {
    conn = await runtime.connect({ kind: "tcp", host: address.host, port: address.port }, {
      ...secure,
      unref: dial?.unref === true,
    });
  } catch (err) {
    throw Object.assign(new Error(`cannot open a WebSocket to ${url}: ${(err as Error).message}`), {
      code: (err as { code?: string }).code ?? "ECONNREFUSED",
      cause: err,
    });
  }
  const key = newKey();
  const expected = await acceptKey(key);
  return await new Promise<MessageConnection>((resolve, reject) => {
    let received: Uint8Array = new Uint8Array(0);
    let upgraded: ConnectionHandlers | null = null;
    const refused = (why: string) => {
      conn.destroy();
      reject(Object.assign(new Error(`cannot open a WebSocket to ${url}: ${why}`), { code: "ECONNREFUSED" }));
    };
    conn.start({
      data(chunk) {
        if (upgraded) return upgraded.data(chunk);
        received = received.length === 0 ? chunk : concat(received, chunk);
        const got = readHead(received);
        if (got === "more") return;
        if (got === "too long") return refused("response head too long");
        const status = got.head.startLine.split(" ")[1];
        if (status !== "101") return refused(`HTTP ${status}`);
        const h = got.head.headers;
        if (h.get("sec-websocket-accept") !== expected) return refused("wrong Sec-WebSocket-Accept");
        const protocol = h.get("sec-websocket-protocol") ?? "";
        const mechanism = protocols.includes(protocol) ? mechanismOf(protocol) : null;
        if (mechanism === null) return refused(`answered without a ZWS 2.0 subprotocol (got "${protocol}")`);
        const opened = openOver(conn, true, mechanism, hostPort(address.host, address.port));
        upgraded = opened.handlers;
        resolve(opened.ws);
        if (got.rest.length > 0) upgraded.data(got.rest);
      },
      drain() {
        upgraded?.drain();
      },
      close(error) {
        if (upgraded) return upgraded.close(error);
        refused(error ? error.message : "closed during the upgrade");
      },
    });
    conn.write([requestBytes(hostPort(address.host, address.port), address.path, key, protocols)]);
  });
}

/**
 * `connectStreamWs` offering `protocols` as libzmq does ("ZWS2.0/NULL,ZWS2.0"), and once more
 * with the token ones alone ("ZWS2.0") when the server answers that offer with 400.
 *
 * @example
 * ```ts ignore
 * const conn = await connectOwnWs(denoRuntime, address, ["ZWS2.0/NULL", "ZWS2.0"], { unref: true });
 * ```
 */
export async function connectOwnWs(
  runtime: Runtime,
  address: WsAddress,
  protocols: readonly string[],
  dial?: WsDialOptions,
): Promise<MessageConnection> {
  try {
    return await connectStreamWs(runtime, address, protocols, dial);
  } catch (err) {
    // Servers that hold subprotocols to RFC 7230 tokens (the `ws` package under JSZMQ) answer
    // "ZWS2.0/NULL" with 400: offer bare "ZWS2.0" again, as a browser's WebSocket would.
    const tokens = tokenProtocols(protocols);
    if (!/HTTP 400$/.test((err as Error).message) || tokens.length === 0 || tokens.length === protocols.length) {
      throw err;
    }
    return await connectStreamWs(runtime, address, tokens, dial);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
