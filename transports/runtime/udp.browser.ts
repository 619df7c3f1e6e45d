/**
 * The UDP adapter of a browser build: a web page has no UDP sockets, so
 * every udp:// endpoint fails at once, saying so.
 *
 * @module
 */
import type { UdpRuntime } from "./udp-types.ts";

export type { UdpBindOptions, UdpFamily, UdpHandlers, UdpRuntime, UdpSocket } from "./udp-types.ts";

const unavailable = (): Promise<never> =>
  Promise.reject(Object.assign(new Error("udp:// is not available in a browser"), { code: "EPROTONOSUPPORT" }));

/** The UDP adapter for a web page: none. */
export const udp: UdpRuntime = {
  name: "browser",
  bind: unavailable,
  lookup: unavailable,
  interfaceAddress: () => null,
};
