/**
 * ZWS on Node: the `ws` package (an optional dependency, loaded only when a
 * ws endpoint is used) for the server and, since Node 20 has no global
 * `WebSocket`, for the client too.
 *
 * @module
 */
import { WsConnection } from "./connection.ts";
import { chooseProtocol, mechanismOf } from "./protocol.ts";
import type {
  MessageConnection,
  WsAddress,
  WsClientTls,
  WsDialOptions,
  WsListener,
  WsRuntime,
  WsServerOptions,
} from "./types.ts";
import { checkClientTls } from "./tls.ts";
import { offering, wsUrl } from "./web.ts";
import { hostPort } from "../address.ts";
import { Accepted } from "../runtime/accepted.ts";

/** The slice of the `ws` package's WebSocket used here. */
interface NodeWs {
  readonly protocol: string;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number): void;
  terminate(): void;
  pause(): void;
  resume(): void;
  /** The TCP socket underneath (a `ws` internal, stable since ws 1.x), to cork a batch of sends. */
  readonly _socket?: { cork(): void; uncork(): void };
  on(event: "message", fn: (data: Uint8Array, isBinary: boolean) => void): void;
  on(event: "close", fn: (code: number, reason: Uint8Array) => void): void;
  on(event: "error", fn: (err: Error) => void): void;
  once(event: "open", fn: () => void): void;
  once(event: "error", fn: (err: Error) => void): void;
  once(event: "close", fn: () => void): void;
  once(event: "unexpected-response", fn: (req: unknown, res: { statusCode?: number }) => void): void;
  removeAllListeners(): void;
}
/** The request as `ws` sees it, with the subprotocol chosen before it is handed over. */
interface UpgradeRequest {
  zwsProtocol?: string;
}
interface NodeWsServer {
  handleUpgrade(req: unknown, socket: unknown, head: unknown, done: (ws: NodeWs) => void): void;
}
interface WsModule {
  WebSocket: new (url: string, protocols: string[], options: Record<string, unknown>) => NodeWs;
  WebSocketServer: new (options: Record<string, unknown>) => NodeWsServer;
}

let wsModule: Promise<WsModule> | undefined;

/** Loads `ws` once; without it, ws endpoints fail with EPROTONOSUPPORT naming the package. */
function loadWs(): Promise<WsModule> {
  wsModule ??= (import("ws") as Promise<unknown> as Promise<WsModule>).catch((err) => {
    wsModule = undefined;
    throw Object.assign(new Error(`ws:// on Node needs the "ws" package (npm install ws): ${err}`), {
      code: "EPROTONOSUPPORT",
      cause: err,
    });
  });
  return wsModule;
}

/** `ws` options on both sides: ZWS frames are the engine's to limit (maxMessageSize), and no compression. */
const WS_OPTIONS = { perMessageDeflate: false, maxPayload: 0 };

function zwsOverNodeWs(ws: NodeWs, mechanism: string, remoteAddress: string): WsConnection {
  const conn = new WsConnection(
    {
      send: (m) => ws.send(m),
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      close: () => ws.close(1000),
      terminate: () => ws.terminate(),
      pause: () => ws.pause(),
      resume: () => ws.resume(),
      // `ws` writes each message on its own; corked, one engine batch leaves in one writev.
      cork: () => ws._socket?.cork(),
      uncork: () => ws._socket?.uncork(),
    },
    mechanism,
    remoteAddress,
  );
  ws.on("message", (data, isBinary) => (isBinary ? conn.message(data) : conn.textMessage()));
  ws.on("error", (err) => conn.closed(err));
  ws.on("close", (code) => {
    conn.closed(code === 1000 || code === 1005 ? undefined : new Error(`WebSocket closed with code ${code}`));
  });
  return conn;
}

/**
 * node:tls's client options for the `wss*` options: `ca` replaces Node's roots, so with
 * `wssTrustSystem` the bundled roots go with the trusted PEM; `servername` is the name checked.
 */
async function nodeTlsOptions(url: string, tls: WsClientTls): Promise<Record<string, unknown>> {
  checkClientTls(url, tls);
  const out: Record<string, unknown> = {};
  if (tls.hostname !== null) out.servername = tls.hostname;
  if (tls.trustPem !== null) {
    const { rootCertificates } = await import("node:tls");
    out.ca = tls.trustSystem ? [...rootCertificates, tls.trustPem] : [tls.trustPem];
  }
  return out;
}

/**
 * `ws`'s client socket, unreferenced from the start (`ws` hands its options to http.request,
 * whose `createConnection` makes the socket): what `ws` itself does, plus `unref()`.
 */
async function unreferencedConnection(secure: boolean): Promise<(options: Record<string, unknown>) => unknown> {
  const net = await import("node:net");
  const tls = await import("node:tls");
  return (options) => {
    // As `ws`'s own tlsConnect: the host is the name checked unless it is an address.
    const socket = secure
      ? tls.connect(
        {
          ...options,
          path: undefined,
          servername: options.servername ?? (net.isIP(options.host as string) ? "" : options.host),
        } as import("node:tls").ConnectionOptions,
      )
      : net.connect({ ...options, path: options.socketPath } as import("node:net").NetConnectOpts);
    return socket.unref();
  };
}

const header = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Node's ws transport. */
export const nodeWs: WsRuntime = {
  async listen(address: WsAddress, options: WsServerOptions, onConnection: (conn: MessageConnection) => void) {
    const { WebSocketServer } = await loadWs();
    const mechanism = options.mechanism;
    const wss = new WebSocketServer({
      ...WS_OPTIONS,
      // A message over maxMessageSize (as set at bind) is refused from its header: never held whole.
      maxPayload: Math.max(0, options.maxMessage()),
      noServer: true,
      handleProtocols: (_offered: Set<string>, req: UpgradeRequest) => req.zwsProtocol ?? false,
    });
    const notWebSocket = (_req: unknown, res: import("node:http").ServerResponse) => {
      res.writeHead(426, { "content-type": "text/plain" }).end("a ZWS 2.0 endpoint: WebSocket only\n");
    };
    const tls = options.tls;
    const http = tls
      ? (await import("node:https")).createServer({
        cert: tls.certPem,
        key: tls.keyPem,
        // node:tls's own bound on the handshake (read at bind); the deadline below, from the accept
        // to the upgrade, covers the handshake too.
        handshakeTimeout: options.handshakeInterval() || 120_000,
      }, notWebSocket)
      : (await import("node:http")).createServer(notWebSocket);
    // A client that fails its TLS handshake (or times out) loses its connection: node:tls reports
    // it and leaves the socket open.
    if (tls) http.on("tlsClientError", (_err: Error, socket: import("node:tls").TLSSocket) => socket.destroy());
    // libzmq's ws engine counts the upgrade as part of the handshake: a connection that has not
    // upgraded within handshakeInterval of its accept (TLS handshake included, for wss) is closed.
    // Timed from the TCP socket's accept; the upgrade comes on the TLS socket for wss, found again
    // by the peer's address and port.
    const upgrading = new Accepted<{ socket: import("node:net").Socket; timer?: ReturnType<typeof setTimeout> }>();
    http.on("connection", (socket: import("node:net").Socket) => {
      // Each accepted TCP socket (under TLS too: "connection" comes at the accept) lets the process exit.
      if (options.unref) socket.unref();
      const limit = options.handshakeInterval();
      const timer = limit > 0 ? setTimeout(() => socket.destroy(), limit) : undefined;
      if (options.unref) timer?.unref();
      upgrading.set(socket, { socket, timer });
      socket.once("close", () => clearTimeout(timer));
    });
    http.on("upgrade", (req, socket, head) => {
      clearTimeout(upgrading.take(socket as import("node:net").Socket)?.timer);
      socket.on("error", () => socket.destroy());
      const path = new URL(req.url ?? "/", "http://host").pathname;
      const chosen = path === address.path
        ? chooseProtocol(header(req.headers["sec-websocket-protocol"]), mechanism())
        : null;
      const negotiated = chosen === null ? null : mechanismOf(chosen);
      if (chosen === null || negotiated === null) {
        const status = path === address.path ? "400 Bad Request" : "404 Not Found";
        socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      // `ws` refuses "ZWS2.0/NULL" (a "/" is no token) in a request it parses, yet libzmq sends
      // it: the choice is made here, and `ws` sees a placeholder it accepts.
      req.headers["sec-websocket-protocol"] = "zws";
      (req as UpgradeRequest).zwsProtocol = chosen;
      wss.handleUpgrade(req, socket, head, (ws) => {
        const host = req.socket.remoteAddress ?? "";
        const remote = hostPort(host, req.socket.remotePort ?? 0);
        onConnection(zwsOverNodeWs(ws, negotiated, remote));
      });
    });
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen({ host: address.host, port: address.port }, () => {
        http.off("error", reject);
        resolve();
      });
    }).catch((err) => {
      http.close();
      throw err;
    });
    http.on("error", () => {
      // After listening, errors belong to single connections, which report them themselves.
    });
    if (options.unref) http.unref();
    const bound = http.address();
    const port = typeof bound === "object" && bound ? bound.port : address.port;
    const listener: WsListener = {
      address: { ...address, port },
      close: () => {
        // Stops listening at once; upgraded connections stay (as a tcp listener's do), those
        // still before their upgrade go.
        http.close();
        for (const { socket, timer } of upgrading.drain()) {
          clearTimeout(timer);
          socket.destroy();
        }
        return Promise.resolve();
      },
    };
    return listener;
  },

  async connect(address: WsAddress, protocols: readonly string[], dial?: WsDialOptions): Promise<MessageConnection> {
    const { WebSocket } = await loadWs();
    const url = wsUrl(address);
    const tls = dial?.tls;
    const options = {
      ...WS_OPTIONS,
      ...address.secure && tls ? await nodeTlsOptions(url, tls) : {},
      ...dial?.unref ? { createConnection: await unreferencedConnection(address.secure) } : {},
    };
    const ws = offering(url, protocols, (offer) => new WebSocket(url, offer, options));
    // A failed attempt may report more than one error; none of them may go unhandled.
    ws.on("error", () => {});
    return await new Promise<MessageConnection>((resolve, reject) => {
      const refused = (why: string) =>
        reject(Object.assign(new Error(`cannot open a WebSocket to ${url}: ${why}`), { code: "ECONNREFUSED" }));
      ws.once("error", (err) => refused(err.message));
      ws.once("unexpected-response", (_req, res) => {
        refused(`HTTP ${res.statusCode}`);
        ws.terminate();
      });
      // Wired up in the same turn as "open": the peer's first message may follow at once.
      ws.once("open", () => {
        ws.removeAllListeners();
        const mechanism = mechanismOf(ws.protocol);
        if (mechanism === null) {
          ws.terminate();
          return reject(new Error(`${url} answered without a ZWS 2.0 subprotocol (got "${ws.protocol}")`));
        }
        resolve(zwsOverNodeWs(ws, mechanism, hostPort(address.host, address.port)));
      });
    });
  },
};
