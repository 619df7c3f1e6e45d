/**
 * The adapter of a browser build, which swaps `mod.ts` for this file (see
 * `examples/browser/build.ts`): no `node:*`, `Deno` or `Bun` in the bundle.
 *
 * @module
 */
import type { Runtime } from "./types.ts";
import { runtimeKey } from "./key.browser.ts";
import { browserRuntime } from "./browser.ts";

export type { ByteConnection, ConnectionHandlers, Listener, Runtime, SocketAddress } from "./types.ts";
export { type RuntimeKey, runtimeKey } from "./key.browser.ts";
export { threads } from "./threads.browser.ts";
export type { ThreadsRuntime } from "./threads.ts";

const adapters: Record<typeof runtimeKey, Runtime> = { browser: browserRuntime };

/** The adapter for a web page. */
export const runtime: Runtime = adapters[runtimeKey];
