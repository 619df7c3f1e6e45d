/**
 * Picks the UDP adapter for the running runtime (a browser build gets
 * `udp.browser.ts` instead, through the `#omq/udp` import's browser condition).
 *
 * @module
 */
import type { UdpRuntime } from "./udp-types.ts";
import { nodeUdp } from "./udp-node.ts";
import { denoUdp } from "./udp-deno.ts";
import { bunUdp } from "./udp-bun.ts";

export type { UdpBindOptions, UdpFamily, UdpHandlers, UdpRuntime, UdpSocket } from "./udp-types.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };

/** The UDP adapter for this process's runtime. */
export const udp: UdpRuntime = g.Bun ? bunUdp : g.Deno ? denoUdp : nodeUdp;
