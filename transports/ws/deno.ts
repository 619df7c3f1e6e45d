/**
 * ZWS on Deno: omq's own WebSocket server over `Deno.listen` / `Deno.listenTls` (through the
 * runtime adapter), so that the time to the upgrade is bounded and the port is free once the
 * listener is closed; the global `WebSocket` as the client, or omq's own over `Deno.startTls`
 * where a `wss://` connect trusts a certificate of its own (Deno's WebSocket takes no CA).
 *
 * @module
 */
import { ZmqError } from "../../src/errors.ts";
import { denoRuntime } from "../runtime/deno.ts";
import { connectStreamWs, listenStreamWs } from "./stream-socket.ts";
import { checkClientTls, customTrust } from "./tls.ts";
import type { MessageConnection, WsAddress, WsClientTls, WsRuntime, WsServerOptions } from "./types.ts";
import { openWebSocket, type WebSocketConstructor, wsUrl } from "./web.ts";

/** Deno's ws transport. */
export const denoWs: WsRuntime = {
  listen(address: WsAddress, options: WsServerOptions, onConnection: (conn: MessageConnection) => void) {
    return listenStreamWs(denoRuntime, address, options, onConnection);
  },

  async connect(address: WsAddress, protocols: readonly string[], tls?: WsClientTls): Promise<MessageConnection> {
    if (address.secure && customTrust(tls)) {
      const url = wsUrl(address);
      checkClientTls(url, tls);
      if (!tls.trustSystem) {
        // Deno.startTls adds caCerts to its roots; it has no way to leave them out.
        throw new ZmqError(
          "EPROTONOSUPPORT",
          `cannot connect ${url}: Deno's TLS always trusts its root certificates; wssTrustSystem off is not possible here`,
        );
      }
      return await connectStreamWs(denoRuntime, address, protocols, tls);
    }
    const Ctor = (globalThis as unknown as { WebSocket: WebSocketConstructor }).WebSocket;
    return await openWebSocket(Ctor, address, protocols);
  },
};
