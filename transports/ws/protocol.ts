/**
 * ZWS 2.0 subprotocol names (RFC 45 §"Handshake"): the WebSocket handshake
 * picks the ZMTP security mechanism, since ZWS has no greeting.
 *
 * @module
 */

/** "ZWS2.0" alone: no mechanism, ZMTP/2.0-like (a routing id first, no commands); what JSZMQ speaks. */
export const ZWS_BARE = "ZWS2.0";

/** The subprotocol for a mechanism: `ZWS2.0/NULL`, `ZWS2.0/PLAIN`, `ZWS2.0/CURVE`. */
export function subprotocol(mechanism: string): string {
  return `ZWS2.0/${mechanism}`;
}

/**
 * What a client offers, best first: libzmq offers "ZWS2.0/NULL,ZWS2.0" for NULL. Standard
 * WebSocket clients (browsers, Deno, Bun, Node's `ws`) refuse a "/" in a subprotocol (it is
 * not an RFC 7230 token), so they can offer only bare "ZWS2.0": see `tokenProtocols`.
 */
export function offeredProtocols(mechanism: string): string[] {
  return mechanism === "NULL" ? [subprotocol("NULL"), ZWS_BARE] : [subprotocol(mechanism)];
}

/** Subprotocol names a standard WebSocket client accepts (RFC 6455 §4.1: tokens, so no "/"). */
export function tokenProtocols(protocols: readonly string[]): string[] {
  return protocols.filter((p) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(p));
}

/**
 * The server's choice among the client's offer (comma-separated header values): the
 * first the socket's mechanism can speak, as libzmq's `select_protocol`; null for none.
 */
export function chooseProtocol(offered: Iterable<string>, mechanism: string): string | null {
  const wanted = subprotocol(mechanism);
  for (const raw of offered) {
    for (const p of raw.split(",")) {
      const name = p.trim();
      if (name === wanted || (mechanism === "NULL" && name === ZWS_BARE)) return name;
    }
  }
  return null;
}

/** The mechanism a negotiated subprotocol stands for; "" for bare "ZWS2.0"; null if not ZWS. */
export function mechanismOf(protocol: string): string | null {
  if (protocol === ZWS_BARE) return "";
  if (!protocol.startsWith("ZWS2.0/")) return null;
  const name = protocol.slice(7);
  return name === "NULL" || name === "PLAIN" || name === "CURVE" ? name : null;
}
