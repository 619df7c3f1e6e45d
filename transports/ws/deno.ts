/**
 * ZWS on Deno: omq's own WebSocket server over `Deno.listen` (node:tls for `wss://`; through the
 * runtime adapters), so that the time to the upgrade is bounded and the port is free once the
 * listener is closed; the global `WebSocket` as the client, or omq's own over `Deno.startTls`
 * where a `wss://` connect trusts a certificate of its own (Deno's WebSocket takes no CA).
 *
 * @module
 */
import { ZmqError } from "../../src/errors.ts";
import { denoRuntime } from "../runtime/deno.ts";
import { nodeRuntime } from "../runtime/node.ts";
import { connectStreamWs, listenStreamWs } from "./stream-socket.ts";
import { checkClientTls, customTrust } from "./tls.ts";
import type { MessageConnection, WsAddress, WsClientTls, WsRuntime, WsServerOptions } from "./types.ts";
import { openWebSocket, type WebSocketConstructor, wsUrl } from "./web.ts";

/** Deno's ws transport. */
export const denoWs: WsRuntime = {
  listen(address: WsAddress, options: WsServerOptions, onConnection: (conn: MessageConnection) => void) {
    // wss:// through node:tls: a Deno.listenTls connection closed before its TLS handshake keeps
    // its TCP socket open (Deno 2.9, measured), so a silent client could not be timed out.
    return listenStreamWs(options.tls ? nodeRuntime : denoRuntime, address, options, onConnection);
  },

  async connect(address: WsAddress, protocols: readonly string[], tls?: WsClientTls): Promise<MessageConnection> {
    if (address.secure && customTrust(tls)) {
      checkClientTls(wsUrl(address), tls);
      denoWs.checkClientTls!(address, tls);
      return await connectStreamWs(denoRuntime, address, protocols, tls);
    }
    const Ctor = (globalThis as unknown as { WebSocket: WebSocketConstructor }).WebSocket;
    return await openWebSocket(Ctor, address, protocols);
  },

  checkClientTls(address: WsAddress, tls: WsClientTls): void {
    // Deno.startTls adds caCerts to its roots; it has no way to leave them out.
    if (!tls.trustSystem) {
      throw new ZmqError(
        "EPROTONOSUPPORT",
        `cannot connect ${wsUrl(address)}: Deno's TLS always trusts its root certificates, ` +
          `so wssTrustSystem cannot be turned off here`,
      );
    }
  },
};
