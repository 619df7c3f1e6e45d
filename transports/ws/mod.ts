/**
 * Picks the ws transport for the running runtime (the runtime adapters' `runtimeKey`).
 * A browser build swaps this file for `mod.browser.ts` (see `examples/browser/build.ts`).
 *
 * @module
 */
import type { WsRuntime } from "./types.ts";
import { runtimeKey } from "../runtime/key.ts";
import { nodeWs } from "./node.ts";
import { denoWs } from "./deno.ts";
import { bunWs } from "./bun.ts";

export type { WsAddress, WsListener, WsRuntime } from "./types.ts";
export { offeredProtocols } from "./protocol.ts";

const transports: Record<typeof runtimeKey, WsRuntime> = { node: nodeWs, deno: denoWs, bun: bunWs };

/** The ws transport for this process's runtime. */
export const wsRuntime: WsRuntime = transports[runtimeKey];
