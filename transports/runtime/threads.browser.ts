/**
 * The threads adapter of a browser build (`mod.browser.ts` exports it): a page and its workers
 * learn that a thread ended through Web Locks; nothing here names `node:*`, `Deno` or `Bun`.
 *
 * @module
 */
import type { ThreadsRuntime } from "./threads.ts";
import { type LockManagerLike, lockThreads } from "./threads-locks.ts";

const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;

/** The threads adapter of a web page or web worker. */
export const threads: ThreadsRuntime = lockThreads(locks ?? null, false);
