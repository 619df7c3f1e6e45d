/**
 * ZWS on Bun: `Bun.serve` with its `websocket` handlers for the server, the
 * global `WebSocket` for the client.
 *
 * @module
 */
import { withErrno } from "../runtime/errors.ts";
import { WsConnection } from "./connection.ts";
import { chooseProtocol, mechanismOf } from "./protocol.ts";
import type { MessageConnection, WsAddress, WsListener, WsRuntime } from "./types.ts";
import { openWebSocket, type WebSocketConstructor } from "./web.ts";
import { hostPort } from "../address.ts";

interface Attached {
  mechanism: string;
  remote: string;
  conn?: WsConnection;
  drain?: () => void;
}
/** The slice of Bun's ServerWebSocket used here. */
interface BunServerWs {
  readonly data: Attached;
  send(data: Uint8Array): number;
  getBufferedAmount(): number;
  close(code?: number): void;
  terminate(): void;
}
interface BunServer {
  readonly port?: number;
  upgrade(req: Request, options: { headers?: Record<string, string>; data: Attached }): boolean;
  requestIP(req: Request): { address: string; port: number } | null;
  stop(closeActive?: boolean): void;
}
interface BunServeApi {
  serve(options: Record<string, unknown>): BunServer;
}
const bun = (): BunServeApi => (globalThis as unknown as { Bun: BunServeApi }).Bun;

/** Bun's ws transport. */
export const bunWs: WsRuntime = {
  listen(address: WsAddress, mechanism: () => string, onConnection: (conn: MessageConnection) => void) {
    let server: BunServer;
    try {
      server = bun().serve({
        hostname: address.host,
        port: address.port,
        fetch(req: Request, srv: BunServer) {
          if (new URL(req.url).pathname !== address.path) return new Response("not found", { status: 404 });
          const chosen = chooseProtocol([req.headers.get("sec-websocket-protocol") ?? ""], mechanism());
          const negotiated = chosen === null ? null : mechanismOf(chosen);
          if (chosen === null || negotiated === null) {
            return new Response("no ZWS 2.0 subprotocol for this socket's mechanism", { status: 400 });
          }
          const ip = srv.requestIP(req);
          const host = ip?.address ?? "";
          const remote = hostPort(host, ip?.port ?? 0);
          const data: Attached = { mechanism: negotiated, remote };
          if (srv.upgrade(req, { headers: { "Sec-WebSocket-Protocol": chosen }, data })) return undefined;
          return new Response("a ZWS 2.0 endpoint: WebSocket only", { status: 426 });
        },
        websocket: {
          // The engine does its own flow control (write returns false); Bun must never drop a message.
          backpressureLimit: 0,
          open(ws: BunServerWs) {
            const d = ws.data;
            d.conn = new WsConnection(
              {
                send: (m) => void ws.send(m),
                get bufferedAmount() {
                  return ws.getBufferedAmount();
                },
                close: () => ws.close(1000),
                terminate: () => ws.terminate(),
                onDrain: (fn) => (d.drain = fn),
              },
              d.mechanism,
              d.remote,
            );
            onConnection(d.conn);
          },
          message(ws: BunServerWs, message: string | Uint8Array) {
            if (typeof message === "string") ws.data.conn?.textMessage();
            else ws.data.conn?.message(message);
          },
          drain(ws: BunServerWs) {
            ws.data.drain?.();
          },
          close(ws: BunServerWs, code: number) {
            ws.data.conn?.closed(
              code === 1000 || code === 1005 ? undefined : new Error(`WebSocket closed with code ${code}`),
            );
          },
        },
      });
    } catch (err) {
      return Promise.reject(withErrno(err));
    }
    const listener: WsListener = {
      address: { ...address, port: server.port ?? address.port },
      close: () => {
        // Stops accepting; upgraded WebSockets live on, as a tcp listener's connections do.
        server.stop(false);
        return Promise.resolve();
      },
    };
    return Promise.resolve(listener);
  },

  connect(address: WsAddress, protocols: readonly string[]): Promise<MessageConnection> {
    const Ctor = (globalThis as unknown as { WebSocket: WebSocketConstructor }).WebSocket;
    return openWebSocket(Ctor, address, protocols);
  },
};
