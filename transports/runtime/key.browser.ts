/**
 * The runtime key of a browser build, read by the selectors' `mod.browser.ts`: a web
 * page is "browser" whatever globals a bundler or test shim may add.
 *
 * @module
 */
export type { RuntimeKey } from "./key.ts";

/**
 * The runtime running this code: a web page.
 *
 * @example
 * ```ts
 * runtimeKey; // "browser"
 * ```
 */
export const runtimeKey = "browser" as const;
