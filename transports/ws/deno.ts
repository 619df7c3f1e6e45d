/**
 * ZWS on Deno: omq's own WebSocket server over `Deno.listen` (node:tls for `wss://`; through the
 * runtime adapters), so that the time to the upgrade is bounded and the port is free once the
 * listener is closed; and omq's own client over `Deno.connect` / `Deno.startTls`, which sets
 * TCP_NODELAY and takes a CA of its own (Deno's WebSocket does neither).
 *
 * @module
 */
import { ZmqError } from "../../src/errors.ts";
import { denoRuntime } from "../runtime/deno.ts";
import { nodeRuntime } from "../runtime/node.ts";
import { connectOwnWs, listenStreamWs } from "./stream-socket.ts";
import { checkClientTls, customTrust } from "./tls.ts";
import type { MessageConnection, WsAddress, WsClientTls, WsDialOptions, WsRuntime, WsServerOptions } from "./types.ts";
import { wsUrl } from "./web.ts";

/** Deno's ws transport. */
export const denoWs: WsRuntime = {
  listen(address: WsAddress, options: WsServerOptions, onConnection: (conn: MessageConnection) => void) {
    // wss:// through node:tls: a Deno.listenTls connection closed before its TLS handshake keeps
    // its TCP socket open (Deno 2.9, measured), so a silent client could not be timed out.
    return listenStreamWs(options.tls ? nodeRuntime : denoRuntime, address, options, onConnection);
  },

  connect(address: WsAddress, protocols: readonly string[], dial?: WsDialOptions): Promise<MessageConnection> {
    const tls = dial?.tls;
    if (address.secure && customTrust(tls)) {
      checkClientTls(wsUrl(address), tls);
      denoWs.checkClientTls!(address, tls);
    }
    // omq's own client over Deno.connect (TCP_NODELAY set; unreferenced with `dial.unref`), not
    // Deno's WebSocket: with that one a lockstep exchange (REQ/REP) took 45 ms a round trip,
    // Nagle's delay against delayed ACKs (measured on Deno 2.9; 0.1 ms on Node and Bun).
    return connectOwnWs(denoRuntime, address, protocols, dial);
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
