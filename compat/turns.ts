/**
 * Turns of the event loop, counted: zeromq.js's rules need "did this happen
 * in an earlier turn?" (a send still unsettled a turn later is one waiting
 * for room) and "how many calls resolved at once this turn?" (after 512 it
 * delays the next, so a busy socket never starves the event loop). The count
 * advances in one `setImmediate`, scheduled only in turns where a socket
 * operation happened; what must happen at the end of such a turn registers
 * with `onTurnEnd`.
 *
 * @module
 */
import { setImmediate } from "node:timers";

let turn = 0;
let scheduled = false;
const listeners: (() => void)[] = [];

function advance(): void {
  scheduled = false;
  turn++;
  for (const listener of listeners) listener();
}

/** The current turn; also makes sure it ends (call it for every socket operation). */
export function operationTurn(): number {
  if (!scheduled) {
    scheduled = true;
    setImmediate(advance);
  }
  return turn;
}

/** Calls `listener` at the end of every turn in which a socket operation happened. */
export function onTurnEnd(listener: () => void): void {
  listeners.push(listener);
}

/** Resolves with `value` in the next turn. */
export function nextTurn<T>(value: T): Promise<T> {
  return new Promise((resolve) => setImmediate(resolve, value));
}
