/**
 * ZWS on Bun: omq's own WebSocket server over `Bun.listen` (tls for `wss://`, through the runtime
 * adapter), so that the time to the upgrade is bounded; the global `WebSocket` as the client, whose
 * `tls` option takes the certificate a `wss://` connect trusts, except for a socket that does not
 * hold the process: that one connects with omq's own client over `Bun.connect`.
 *
 * @module
 */
import { bunRuntime } from "../runtime/bun.ts";
import { connectOwnWs, listenStreamWs } from "./stream-socket.ts";
import { checkClientTls, customTrust } from "./tls.ts";
import type { MessageConnection, WsAddress, WsDialOptions, WsRuntime, WsServerOptions } from "./types.ts";
import { openWebSocket, type StandardWebSocket, wsUrl } from "./web.ts";

/** Bun's WebSocket constructor with its options object (Bun's extension of the standard one). */
type BunWebSocketConstructor = new (
  url: string,
  options?: string | string[] | { protocols?: string[]; tls?: Record<string, unknown> },
) => StandardWebSocket;

/** Bun's ws transport. */
export const bunWs: WsRuntime = {
  listen(address: WsAddress, options: WsServerOptions, onConnection: (conn: MessageConnection) => void) {
    return listenStreamWs(bunRuntime, address, options, onConnection);
  },

  async connect(address: WsAddress, protocols: readonly string[], dial?: WsDialOptions): Promise<MessageConnection> {
    const tls = dial?.tls;
    if (address.secure && customTrust(tls)) checkClientTls(wsUrl(address), tls);
    // Bun's WebSocket has no unref(), and an open one keeps the process alive (Bun 1.4, measured):
    // an unreferenced connect is omq's own client over Bun.connect, whose sockets have unref().
    if (dial?.unref) return await connectOwnWs(bunRuntime, address, protocols, dial);
    const Ctor = (globalThis as unknown as { WebSocket: BunWebSocketConstructor }).WebSocket;
    if (!address.secure || !customTrust(tls)) return await openWebSocket(Ctor, address, protocols);
    const options: Record<string, unknown> = {};
    if (tls.hostname !== null) options.servername = tls.hostname;
    if (tls.trustPem !== null) {
      // As in node:tls, `ca` replaces the roots: with wssTrustSystem they go along.
      const { rootCertificates } = await import("node:tls");
      options.ca = tls.trustSystem ? [...rootCertificates, tls.trustPem] : [tls.trustPem];
    }
    const WithTls = function (url: string, offer?: string | string[]) {
      return new Ctor(url, { protocols: typeof offer === "string" ? [offer] : offer, tls: options });
    } as unknown as new (url: string, protocols?: string | string[]) => StandardWebSocket;
    return await openWebSocket(WithTls, address, protocols);
  },
};
