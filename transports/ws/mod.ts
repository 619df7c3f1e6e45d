/**
 * Picks the ws transport for the running runtime. A browser build swaps this
 * file for `mod.browser.ts` (see `examples/browser/build.ts`).
 *
 * @module
 */
import type { WsRuntime } from "./types.ts";
import { nodeWs } from "./node.ts";
import { denoWs } from "./deno.ts";
import { bunWs } from "./bun.ts";

export type { WsAddress, WsListener, WsRuntime } from "./types.ts";
export { offeredProtocols } from "./protocol.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };

/** The ws transport for this process's runtime. */
export const wsRuntime: WsRuntime = g.Bun ? bunWs : g.Deno ? denoWs : nodeWs;
