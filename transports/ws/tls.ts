/**
 * The rules every runtime's `wss://` client applies to the socket's TLS options before it
 * connects, so a setting that cannot work fails with a clear error rather than a TLS alert.
 *
 * @module
 */
import { ZmqError } from "../../src/errors.ts";
import type { WsClientTls } from "./types.ts";

/**
 * Throws EINVAL when `tls` trusts nothing (no `wssTrustPem` and `wssTrustSystem` off).
 *
 * @example
 * ```ts
 * import { checkClientTls } from "./tls.ts";
 * checkClientTls("wss://127.0.0.1:8443/", { trustPem: null, hostname: null, trustSystem: true });
 * ```
 */
export function checkClientTls(url: string, tls: WsClientTls): void {
  if (!tls.trustSystem && tls.trustPem === null) {
    throw new ZmqError(
      "EINVAL",
      `cannot connect ${url}: wssTrustSystem is off and wssTrustPem is not set, so no certificate is trusted`,
    );
  }
}

/** Whether `tls` asks for more than a runtime's WebSocket client does by itself (system roots, the URL's host). */
export function customTrust(tls: WsClientTls | undefined): tls is WsClientTls {
  return tls !== undefined && (tls.trustPem !== null || tls.hostname !== null || !tls.trustSystem);
}
