/**
 * ZWS on Deno: `Deno.serve` + `Deno.upgradeWebSocket` for the server, the
 * global `WebSocket` for the client.
 *
 * @module
 */
import { withErrno } from "../runtime/errors.ts";
import { chooseProtocol, mechanismOf } from "./protocol.ts";
import type { MessageConnection, WsAddress, WsListener, WsRuntime } from "./types.ts";
import { openWebSocket, type StandardWebSocket, type WebSocketConstructor, zwsOverWebSocket } from "./web.ts";
import { hostPort } from "../address.ts";

/** The slice of the Deno namespace used here (typed here so the file loads on every runtime). */
interface DenoServeApi {
  serve(
    options: Record<string, unknown>,
    handler: (req: Request, info: { remoteAddr: { hostname: string; port: number } }) => Response,
  ): { readonly addr: { port: number }; shutdown(): Promise<void>; readonly finished: Promise<void> };
  upgradeWebSocket(req: Request, options: { protocol?: string }): { socket: StandardWebSocket; response: Response };
}
const deno = (): DenoServeApi => (globalThis as unknown as { Deno: DenoServeApi }).Deno;

/** Deno's ws transport. */
export const denoWs: WsRuntime = {
  listen(address: WsAddress, mechanism: () => string, onConnection: (conn: MessageConnection) => void) {
    const abort = new AbortController();
    let server: ReturnType<DenoServeApi["serve"]>;
    try {
      server = deno().serve(
        { hostname: address.host, port: address.port, signal: abort.signal, onListen: () => {} },
        (req, info) => {
          if (new URL(req.url).pathname !== address.path) return new Response("not found", { status: 404 });
          if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
            return new Response("a ZWS 2.0 endpoint: WebSocket only", { status: 426 });
          }
          const chosen = chooseProtocol([req.headers.get("sec-websocket-protocol") ?? ""], mechanism());
          const negotiated = chosen === null ? null : mechanismOf(chosen);
          if (chosen === null || negotiated === null) {
            return new Response("no ZWS 2.0 subprotocol for this socket's mechanism", { status: 400 });
          }
          // The request (and its remoteAddr) is gone once upgraded.
          const { hostname: host, port } = info.remoteAddr;
          const remote = hostPort(host, port);
          // Deno checks `protocol` against the offer split at ", " only, so libzmq's
          // "ZWS2.0/NULL,ZWS2.0" never matches: the header is set on the response instead.
          const { socket, response } = deno().upgradeWebSocket(req, {});
          response.headers.set("sec-websocket-protocol", chosen);
          const conn = zwsOverWebSocket(socket, negotiated, remote);
          // Sending is possible once open; the engine starts then.
          socket.addEventListener("open", () => onConnection(conn));
          return response;
        },
      );
    } catch (err) {
      return Promise.reject(withErrno(err));
    }
    const listener: WsListener = {
      address: { ...address, port: server.addr.port },
      close: async () => {
        // Aborting stops accepting (and, on Deno, ends the upgraded WebSockets too); the port is
        // free only once the server has finished, and a rebind right after must work.
        abort.abort();
        await server.finished;
      },
    };
    return Promise.resolve(listener);
  },

  connect(address: WsAddress, protocols: readonly string[]): Promise<MessageConnection> {
    const Ctor = (globalThis as unknown as { WebSocket: WebSocketConstructor }).WebSocket;
    return openWebSocket(Ctor, address, protocols);
  },
};
