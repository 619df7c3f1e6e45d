/**
 * Picks the socket adapter for the running runtime.
 *
 * @module
 */
import type { Runtime } from "./types.ts";
import { nodeRuntime } from "./node.ts";
import { denoRuntime } from "./deno.ts";
import { bunRuntime } from "./bun.ts";

export type { ByteConnection, ConnectionHandlers, Listener, Runtime, SocketAddress } from "./types.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };

/** The adapter for this process's runtime. */
export const runtime: Runtime = g.Bun ? bunRuntime : g.Deno ? denoRuntime : nodeRuntime;
