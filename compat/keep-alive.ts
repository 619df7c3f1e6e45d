/**
 * zeromq.js's rule for the event loop: a pending `send()`, `receive()`, event
 * read or proxy run keeps the process alive; an idle socket does not. omq's
 * promises hold nothing, so the compat layer holds one referenced timer while
 * anything is pending, and unreferences it when nothing is.
 *
 * @module
 */
import { setInterval } from "node:timers";

let pending = 0;
let timer: ReturnType<typeof setInterval> | null = null;

function noop(): void {}

/** Keeps the event loop alive until the matching `release()`. */
export function hold(): void {
  if (pending++ > 0) return;
  // One timer for the process, created once and only ref'd/unref'd afterwards (cheap on every runtime).
  timer ??= setInterval(noop, 0x7fffffff);
  timer.ref();
}

/** Ends one `hold()`. */
export function release(): void {
  if (--pending === 0) timer!.unref();
}
