/**
 * Starting a worker thread the same way on Node (worker_threads), Deno and Bun
 * (Web Workers), with some data for it: what examples/mtserver.ts and
 * bench/threads.ts use. Nothing omq-specific happens here: a worker that imports
 * omq reaches the default Context's inproc endpoints of every other thread.
 *
 * @module
 */
import process from "node:process";

const g = globalThis as unknown as { Deno?: unknown; Bun?: unknown; name?: string };

/** A worker thread, as started by `startThread`. */
export interface Thread {
  /** Ends the thread at once (as `worker.terminate()`). */
  terminate(): Promise<void>;
  /** Resolves once the thread has ended, by itself or terminated (Deno: only when terminated). */
  readonly exited: Promise<void>;
}

/**
 * Runs the module at `url` in a new thread; it reads `data` with `threadData()`.
 *
 * @example
 * ```ts
 * const worker = startThread(new URL("./mtserver-worker.ts", import.meta.url), { id: 1 });
 * await worker.terminate();
 * ```
 */
export function startThread(url: URL, data: unknown): Thread {
  if (g.Deno !== undefined || g.Bun !== undefined) {
    // Deno hands the worker its `name`, Bun its `workerData` (as worker_threads does).
    const options =
      (g.Deno ? { type: "module", name: JSON.stringify(data) } : { type: "module", workerData: data }) as WorkerOptions;
    const worker = new Worker(url.href, options);
    let exit!: () => void;
    const exited = new Promise<void>((resolve) => (exit = resolve));
    worker.addEventListener("close", () => exit()); // Bun
    return {
      terminate: () => {
        worker.terminate();
        exit();
        return exited;
      },
      exited,
    };
  }
  const { Worker: NodeWorker } = process.getBuiltinModule(
    "node:worker_threads",
  ) as typeof import("node:worker_threads");
  // Node runs TypeScript sources through tsx, whose loader a worker must register for itself.
  const worker = url.pathname.endsWith(".ts")
    ? new NodeWorker(
      `import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(url.href)}); })`,
      {
        eval: true,
        workerData: data,
      },
    )
    : new NodeWorker(url as unknown as string, { workerData: data }); // a file URL; typed as Node expects
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    terminate: async () => {
      await worker.terminate();
      await exited;
    },
    exited,
  };
}

/** In a thread started by `startThread`: its data. */
export function threadData<T>(): T {
  if (g.Deno !== undefined) return JSON.parse(g.name!) as T;
  const { workerData } = process.getBuiltinModule("node:worker_threads") as typeof import("node:worker_threads");
  return workerData as T;
}
