/**
 * How omq writes a network address: one rule for endpoints, remote addresses
 * and WebSocket URLs, so every transport and runtime prints IPv6 the same way.
 *
 * @module
 */

/**
 * "host:port", with an IPv6 host in brackets (RFC 3986 §3.2.2), as libzmq prints
 * endpoints and peer addresses: "127.0.0.1:5555", "[::1]:5555".
 *
 * @example
 * ```ts
 * hostPort("::1", 5555); // "[::1]:5555"
 * hostPort("localhost", 80); // "localhost:80"
 * ```
 */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}
