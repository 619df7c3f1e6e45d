/**
 * The UDP adapter for Deno: Deno's node:dgram (see `udp-node.ts`), one send
 * at a time.
 *
 * Not `Deno.listenDatagram`, for three reasons measured on Deno 2.9: it exists only under
 * `--unstable-net`, so every program using udp:// would need the flag; it cannot set the
 * interface multicast goes out on (IP_MULTICAST_IF), which `udp://iface;group:port` needs; and it
 * sets the multicast TTL only through a group membership, which a sending RADIO does not have.
 * Deno's node:dgram is stable and does all of that (on the same Rust sockets).
 *
 * One send at a time: Deno (2.9, node:dgram and `Deno.listenDatagram` alike) sends datagrams
 * that are in flight together in reverse order, so each waits for the one before.
 *
 * Unreferenced (`holdsProcess` false) before the bind: Deno's node:dgram socket starts receiving
 * when bound, and an `unref()` after that leaves it holding the process (measured on 2.9;
 * `bindDgram` does it first).
 *
 * @module
 */
import type { UdpRuntime } from "./udp-types.ts";
import { bindDgram, nodeUdp } from "./udp-node.ts";

/**
 * UDP on Deno.
 *
 * @example
 * ```ts ignore
 * const socket = await denoUdp.bind({ host: "127.0.0.1", port: 0, family: 4 });
 * ```
 */
export const denoUdp: UdpRuntime = { ...nodeUdp, name: "deno", bind: (options) => bindDgram(options, true) };
