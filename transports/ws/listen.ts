/**
 * Binding and connecting a `ws://` or `wss://` endpoint, as the socket calls them, with the
 * socket's options (handshakeInterval, the `wss*` TLS options).
 *
 * @module
 */
import { offeredProtocols, wsRuntime } from "#omq/ws";
import { ZmqError } from "../../src/errors.ts";
import type { MessageConnection, WsAddress, WsClientTls, WsListener, WsServerTls } from "./types.ts";
import { wsUrl } from "./web.ts";
import { checkClientTls } from "./tls.ts";

/**
 * Serves ZWS 2.0 at `address`, speaking the mechanism `mechanism()` names; unreferenced (the
 * listener, its connections, their upgrade deadlines) when the socket's `holdsProcess` is false. A wildcard host
 * ("::") falls back to 0.0.0.0 where IPv6 is missing. A `wss://` address needs the options
 * `wssCertPem` and `wssKeyPem`: without them, EINVAL naming what is missing.
 *
 * @example
 * ```ts ignore
 * const listener = await listenWs(address, false, () => "NULL", socketOptions, accept);
 * ```
 */
export async function listenWs(
  address: WsAddress,
  wildcardHost: boolean,
  mechanism: () => string,
  o: Record<string, unknown>,
  onConnection: (conn: MessageConnection) => void,
): Promise<WsListener> {
  const options = {
    mechanism,
    handshakeInterval: () => o.handshakeInterval as number,
    maxMessage: () => (o.maxMessageSize as number) < 0 ? -1 : (o.maxMessageSize as number) + 1,
    tls: address.secure ? serverTls(address, o) : undefined,
    unref: o.holdsProcess === false,
  };
  try {
    return await wsRuntime.listen(address, options, onConnection);
  } catch (err) {
    if (!wildcardHost) throw err;
    return await wsRuntime.listen({ ...address, host: "0.0.0.0" }, options, onConnection);
  }
}

/**
 * Opens a ZWS 2.0 connection offering the subprotocols for `mechanism` (libzmq: "ZWS2.0/NULL,ZWS2.0");
 * for `wss://`, trusting what the socket's `wssTrustPem`, `wssHostname` and `wssTrustSystem` say;
 * unreferenced when the socket's `holdsProcess` is false.
 *
 * @example
 * ```ts ignore
 * const conn = await connectWs(address, "NULL", socketOptions);
 * ```
 */
export function connectWs(
  address: WsAddress,
  mechanism: string,
  o: Record<string, unknown>,
): Promise<MessageConnection> {
  return wsRuntime.connect(address, offeredProtocols(mechanism), {
    tls: address.secure ? clientTls(o) : undefined,
    unref: o.holdsProcess === false,
  });
}

/**
 * Checks a `wss://` connect's trust options before the first attempt, so that settings that
 * cannot work throw from `connect()`: EINVAL when nothing is trusted, EPROTONOSUPPORT for what
 * this runtime's client cannot apply.
 *
 * @example
 * ```ts ignore
 * checkConnectWs(address, socketOptions); // in Socket.connect, before dialing
 * ```
 */
export function checkConnectWs(address: WsAddress, o: Record<string, unknown>): void {
  if (!address.secure) return;
  const tls = clientTls(o);
  checkClientTls(wsUrl(address), tls);
  wsRuntime.checkClientTls?.(address, tls);
}

/** The certificate and key of a `wss://` bind, or EINVAL naming the options it lacks. */
function serverTls(address: WsAddress, o: Record<string, unknown>): WsServerTls {
  const certPem = o.wssCertPem as string | null;
  const keyPem = o.wssKeyPem as string | null;
  if (certPem === null || keyPem === null) {
    const missing = [certPem === null && "wssCertPem", keyPem === null && "wssKeyPem"].filter(Boolean).join(" and ");
    throw new ZmqError(
      "EINVAL",
      `cannot bind ${wsUrl(address)}: wss:// needs a certificate and its key (PEM); set the option ${missing}`,
    );
  }
  return { certPem, keyPem };
}

function clientTls(o: Record<string, unknown>): WsClientTls {
  return {
    trustPem: o.wssTrustPem as string | null,
    hostname: o.wssHostname as string | null,
    trustSystem: o.wssTrustSystem as boolean,
  };
}
