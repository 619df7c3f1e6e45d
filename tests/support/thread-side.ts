/**
 * The worker's side of tests/support/threads.ts: the input it was started with, and the channel
 * to the test's thread (worker_threads' parentPort on Node, the worker's global scope on Deno
 * and Bun).
 */
import process from "node:process";

const g = globalThis as unknown as {
  Deno?: unknown;
  Bun?: unknown;
  name?: string;
  postMessage(m: unknown): void;
  onmessage: ((e: { data: unknown }) => void) | null;
};
const web = g.Deno !== undefined || g.Bun !== undefined;
const wt = g.Deno ? null : process.getBuiltinModule("node:worker_threads") as typeof import("node:worker_threads");

/** What `startThread` was given (Deno: in the worker's name; Node and Bun: its workerData). */
export function threadInput<T>(): T {
  return (g.Deno ? JSON.parse(g.name!) : wt!.workerData) as T;
}

/** Posts to the test's thread. */
export function toTest(message: unknown): void {
  if (web) g.postMessage(message);
  else wt!.parentPort!.postMessage(message);
}

/** Calls `receive` with each message from the test's thread. */
export function fromTest(receive: (message: unknown) => void): void {
  if (web) g.onmessage = (e) => receive(e.data);
  else wt!.parentPort!.on("message", receive);
}
