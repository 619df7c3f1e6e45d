/**
 * ZWS in a web page: connect with the standard `WebSocket`; a page cannot
 * listen, so bind fails with EPROTONOSUPPORT.
 *
 * @module
 */
import { ZmqError } from "../../src/errors.ts";
import type { MessageConnection, WsAddress, WsClientTls, WsDialOptions, WsListener, WsRuntime } from "./types.ts";
import { customTrust } from "./tls.ts";
import { openWebSocket, type WebSocketConstructor, wsUrl } from "./web.ts";

/** The browser's ws transport (also right for any runtime with a global `WebSocket` and no server). */
export const browserWs: WsRuntime = {
  listen(address: WsAddress): Promise<WsListener> {
    return Promise.reject(
      new ZmqError("EPROTONOSUPPORT", `cannot bind ${wsUrl(address)}: a web page cannot accept connections`),
    );
  },
  // A page's connections hold nothing to unreference: `dial.unref` has nothing to do here.
  connect(address: WsAddress, protocols: readonly string[], dial?: WsDialOptions): Promise<MessageConnection> {
    const tls = dial?.tls;
    if (address.secure && tls) {
      try {
        browserWs.checkClientTls!(address, tls);
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const Ctor = (globalThis as unknown as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!Ctor) {
      return Promise.reject(new ZmqError("EPROTONOSUPPORT", `cannot connect ${wsUrl(address)}: no WebSocket here`));
    }
    return openWebSocket(Ctor, address, protocols);
  },
  checkClientTls(address: WsAddress, tls: WsClientTls): void {
    if (!customTrust(tls)) return;
    throw new ZmqError(
      "EPROTONOSUPPORT",
      `cannot connect ${wsUrl(address)}: a web page's WebSocket trusts the browser's certificates only ` +
        `(wssTrustPem, wssHostname and wssTrustSystem cannot apply)`,
    );
  },
};
