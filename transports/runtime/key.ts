/**
 * Which runtime this process is: the one place that tests for `Bun` and `Deno`,
 * read by both adapter selectors (`transports/runtime/mod.ts`, `transports/ws/mod.ts`).
 * A browser build reads `key.browser.ts` instead, through the selectors' `mod.browser.ts`.
 *
 * @module
 */

/** The runtimes omq has adapters for (the `name` of each adapter). */
export type RuntimeKey = import("./types.ts").Runtime["name"];

const g = globalThis as { Deno?: unknown; Bun?: unknown };

/**
 * The runtime running this code. Deno and Bun offer Node's globals too, so only their
 * own namespaces tell them apart; Node is what is left.
 *
 * @example
 * ```ts
 * if (runtimeKey === "deno") console.log("Deno.listen serves tcp and ipc here");
 * ```
 */
export const runtimeKey: "node" | "deno" | "bun" = g.Bun ? "bun" : g.Deno ? "deno" : "node";
