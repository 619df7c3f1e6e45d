/**
 * Picks the socket adapter for the running runtime (`runtimeKey`).
 *
 * @module
 */
import type { Runtime } from "./types.ts";
import { runtimeKey } from "./key.ts";
import { nodeRuntime } from "./node.ts";
import { denoRuntime } from "./deno.ts";
import { bunRuntime } from "./bun.ts";

export type { ByteConnection, ConnectionHandlers, Listener, Runtime, SocketAddress } from "./types.ts";
export { type RuntimeKey, runtimeKey } from "./key.ts";
export { threads, type ThreadsRuntime } from "./threads.ts";

const adapters: Record<typeof runtimeKey, Runtime> = {
  node: nodeRuntime,
  deno: denoRuntime,
  bun: bunRuntime,
};

/** The adapter for this process's runtime. */
export const runtime: Runtime = adapters[runtimeKey];
