/**
 * What the host of a tcp endpoint stands for, as libzmq's `tcp_address_t::resolve` reads it with
 * the socket's ZMQ_IPV6 option: "*" is every IPv4 address, or every address with `ipv6`; a
 * network interface name (bind, and a connect's source) is that interface's address; a host name
 * resolves to an IPv4 address, or to any with `ipv6`. An IPv6 address written out is used as it
 * is whatever `ipv6` says (libzmq refuses it without ZMQ_IPV6; omq's API has always taken
 * `tcp://[::1]:port`, and a user who writes an IPv6 address wants IPv6).
 *
 * @module
 */
import { ZmqError } from "../src/errors.ts";
import { isIPv4, isIPv6 } from "../src/zmtp/datagram.ts";
import type { Runtime } from "./runtime/types.ts";

/** Where the host is used: bound (also a connect's source) or connected to. */
export type HostUse = "bind" | "source" | "connect";

/**
 * The numeric address to listen on or connect to for `host`; rejects as libzmq fails: ENODEV for
 * something to bind that this host does not have, EINVAL for something to connect to that does not
 * resolve (a connect keeps retrying, as libzmq's connecter does).
 *
 * @example
 * ```ts ignore
 * await resolveTcpHost("lo", false, "bind", runtime, "tcp://lo:*"); // "127.0.0.1"
 * await resolveTcpHost("::1", false, "connect", runtime, "tcp://[::1]:5555"); // rejects: EINVAL
 * ```
 */
export async function resolveTcpHost(
  host: string,
  ipv6: boolean,
  use: HostUse,
  runtime: Runtime,
  endpoint: string,
): Promise<string> {
  const fail = (why: string): never => {
    throw new ZmqError(use === "connect" ? "EINVAL" : "ENODEV", `${endpoint}: ${why}`, { address: endpoint });
  };
  if (use !== "connect" && host === "*") return ipv6 ? "::" : "0.0.0.0";
  if (isIPv4(host)) return host;
  if (isIPv6(host)) return host;
  if (use !== "connect") {
    const nic = runtime.interfaceAddress?.(host, ipv6 ? 6 : 4) ?? null;
    if (nic !== null) return nic;
    // libzmq resolves a source address without DNS: a literal or an interface name only.
    if (use === "source") fail(`no network interface "${host}" with an IPv${ipv6 ? 6 : 4} address`);
  }
  if (!runtime.lookup) return host;
  try {
    // libzmq asks for AF_INET without ipv6, AF_INET6 with IPv4-mapped answers with it: any family will do.
    return (await runtime.lookup(host, ipv6 ? undefined : 4)).host;
  } catch (err) {
    return fail(`cannot resolve "${host}"${ipv6 ? "" : " to an IPv4 address"}: ${(err as Error).message}`);
  }
}
