/**
 * Thread ends on Node and Bun, which have no Web Locks: the thread that
 * starts a worker sees it end (Node's `exit`, Bun's `close` on a Web Worker)
 * through the `worker` event of its `process`, whoever created it; a worker
 * that exits by itself says so on its way out. Reached through
 * `process.getBuiltinModule`, so a browser bundle carries no `node:` import.
 *
 * @module
 */
import type { ThreadsRuntime } from "./threads.ts";

/** A Worker as the `worker` event hands it over: Node's (an EventEmitter) or Bun's Web Worker. */
interface WorkerLike {
  readonly threadId: number;
  on?(event: "exit", listener: () => void): void;
  addEventListener?(event: "close", listener: () => void): void;
}

/** The part of Node's (and Bun's) `process` used here. */
export interface NodeProcessLike {
  getBuiltinModule(id: string): unknown;
  on(event: "worker", listener: (worker: WorkerLike) => void): void;
  once(event: "exit", listener: () => void): void;
}

/** Node's and Bun's threads: named by `threadId`, ends reported by whoever sees them. */
export function nodeThreads(process: NodeProcessLike): ThreadsRuntime {
  const { threadId, isMainThread } = process.getBuiltinModule("node:worker_threads") as {
    threadId: number;
    isMainThread: boolean;
  };
  const self = `t${threadId}`;
  const listeners: ((thread: string) => void)[] = [];
  const ended = (thread: string) => {
    for (const listener of listeners) listener(thread);
  };
  return {
    self,
    sharedBytes: false,
    onThreadEnd(listener) {
      listeners.push(listener);
      if (listeners.length > 1) return;
      process.on("worker", (worker) => {
        // Read now: Node's threadId is -1 once the worker has exited.
        const thread = `t${worker.threadId}`;
        if (typeof worker.on === "function") worker.on("exit", () => ended(thread));
        else worker.addEventListener?.("close", () => ended(thread));
      });
      if (!isMainThread) process.once("exit", () => ended(self));
    },
  };
}
