/**
 * zeromq.js's rule for the event loop: a pending `send()`, `receive()`, event
 * read or proxy run keeps the process alive; an idle socket does not. omq's
 * promises hold nothing, so the compat layer holds one referenced timer while
 * anything is pending. When nothing is, the timer is unreferenced at once and
 * cleared at the end of the turn (a socket waiting for each message in turn
 * reuses it instead of making a timer per message).
 *
 * @module
 */
import { clearInterval, setInterval } from "node:timers";
import { onTurnEnd, operationTurn } from "./turns.ts";

let pending = 0;
let timer: ReturnType<typeof setInterval> | null = null;

function noop(): void {}

/** Keeps the event loop alive until the matching `release()`. */
export function hold(): void {
  if (pending++ > 0) return;
  if (timer) timer.ref();
  else timer = setInterval(noop, 0x7fffffff);
}

/** Ends one `hold()`. */
export function release(): void {
  if (--pending > 0) return;
  timer!.unref();
  operationTurn();
}

onTurnEnd(() => {
  if (pending > 0 || !timer) return;
  clearInterval(timer);
  timer = null;
});
