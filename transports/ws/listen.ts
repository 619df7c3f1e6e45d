/**
 * Binding and connecting a `ws://` endpoint, as the socket calls them.
 *
 * @module
 */
import { offeredProtocols, wsRuntime } from "#omq/ws";
import type { MessageConnection, WsAddress, WsListener } from "./types.ts";

/**
 * Serves ZWS 2.0 at `address`, speaking the mechanism `mechanism()` names. A wildcard host
 * ("::") falls back to 0.0.0.0 where IPv6 is missing.
 */
export async function listenWs(
  address: WsAddress,
  wildcardHost: boolean,
  mechanism: () => string,
  onConnection: (conn: MessageConnection) => void,
): Promise<WsListener> {
  try {
    return await wsRuntime.listen(address, mechanism, onConnection);
  } catch (err) {
    if (!wildcardHost) throw err;
    return await wsRuntime.listen({ ...address, host: "0.0.0.0" }, mechanism, onConnection);
  }
}

/** Opens a ZWS 2.0 connection offering the subprotocols for `mechanism` (libzmq: "ZWS2.0/NULL,ZWS2.0"). */
export function connectWs(address: WsAddress, mechanism: string): Promise<MessageConnection> {
  return wsRuntime.connect(address, offeredProtocols(mechanism));
}
