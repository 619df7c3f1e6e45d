/**
 * Memory the threads of a process share, found by name: `node:worker_threads`'
 * environment data, which a thread hands on to every worker it starts
 * afterwards (Node; Deno's and Bun's `node:worker_threads` too, and Bun's Web
 * Workers), a SharedArrayBuffer in it shared rather than copied. Reached through
 * `process.getBuiltinModule`, so no bundle carries a `node:` import.
 *
 * @module
 */

interface WorkerThreadsLike {
  getEnvironmentData(key: string): unknown;
  setEnvironmentData(key: string, value: unknown): void;
}

/**
 * The `processShared` of a runtime with `node:worker_threads`: the block under `name` this
 * thread was started with, or a new one it hands on to the workers it starts from now on.
 */
export function environmentShared(
  process: { getBuiltinModule(id: string): unknown },
): (name: string, byteLength: number) => SharedArrayBuffer | undefined {
  const workerThreads = process.getBuiltinModule("node:worker_threads") as WorkerThreadsLike | undefined;
  return (name, byteLength) => {
    if (!workerThreads?.getEnvironmentData || typeof SharedArrayBuffer !== "function") return undefined;
    const found = workerThreads.getEnvironmentData(name);
    if (found instanceof SharedArrayBuffer && found.byteLength === byteLength) return found;
    const block = new SharedArrayBuffer(byteLength);
    workerThreads.setEnvironmentData(name, block);
    return block;
  };
}
