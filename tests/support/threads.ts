/**
 * Worker threads for tests, the same on Node (worker_threads, TypeScript through tsx), Deno and
 * Bun (Web Workers): `startThread` runs a fixture in a new thread with some input, and
 * `RemoteSocket` drives an omq socket that lives in a worker (tests/fixtures/thread-socket.ts).
 * The test and the worker talk over the worker's own channel, never over omq.
 */
import process from "node:process";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
/** Web Workers on Deno and Bun; worker_threads on Node. */
export const webWorkers = g.Deno !== undefined || g.Bun !== undefined;

/** A running worker. */
export interface TestThread {
  post(message: unknown): void;
  /** Called with each message the worker posts. */
  onMessage: (message: unknown) => void;
  /** Called if the worker throws (the error does not reach the test's own thread). */
  onError: (error: unknown) => void;
  terminate(): Promise<void>;
  /** Resolves once the worker has ended (terminated, or run out of work on Node and Bun). */
  readonly exited: Promise<void>;
}

/** Starts `fixture` (a file URL) in a new thread; it reads `input` with `threadInput()` (thread-side.ts). */
export function startThread(fixture: URL, input: unknown): TestThread {
  let exit!: () => void;
  const exited = new Promise<void>((resolve) => (exit = resolve));
  const thread: TestThread = {
    post: () => {},
    onMessage: () => {},
    onError: () => {},
    terminate: async () => {},
    exited,
  };
  if (webWorkers) {
    // Deno hands the worker its `name`; Bun its `workerData` (as worker_threads does).
    const options = (g.Deno
      ? { type: "module", name: JSON.stringify(input) }
      : { type: "module", workerData: input }) as WorkerOptions;
    const worker = new Worker(fixture.href, options);
    worker.onmessage = (e: MessageEvent) =>
      thread.onMessage(e.data);
    worker.onerror = (e: ErrorEvent) => {
      // Handled here: an error event left alone would end the test's own process on Deno.
      e.preventDefault();
      thread.onError(e.error ?? e.message);
    };
    worker.addEventListener("close", () => exit()); // Bun
    thread.post = (m) => worker.postMessage(m);
    thread.terminate = () => {
      worker.terminate();
      exit();
      return exited;
    };
    return thread;
  }
  // Node: a bootstrap that registers tsx in the new thread (--import does not reach workers there).
  const wt = process.getBuiltinModule("node:worker_threads") as typeof import("node:worker_threads");
  const code = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${
    JSON.stringify(fixture.href)
  }); })`;
  const worker = new wt.Worker(code, { eval: true, workerData: input });
  worker.on("message", (m) => thread.onMessage(m));
  worker.on("error", (e) => thread.onError(e));
  worker.on("exit", () => exit());
  thread.post = (m) => worker.postMessage(m);
  thread.terminate = async () => {
    await worker.terminate();
    await exited;
  };
  return thread;
}

/** A call's failure inside the worker, with the ZmqError code it had. */
export class RemoteError extends Error {
  readonly code: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.code = code;
  }
}

type Frames = (string | Uint8Array)[];

/** No call to a worker takes longer than this (ms) in a passing test. */
const CALL_TIMEOUT = 30_000;

/** An omq socket of some type living in a worker, driven call by call. */
export class RemoteSocket {
  readonly thread: TestThread;
  #next = 1;
  #calls = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #failed: Error | null = null;

  private constructor(thread: TestThread) {
    this.thread = thread;
    thread.onMessage = (m) => {
      const { id, ok, result, error } = m as {
        id: number;
        ok: boolean;
        result?: unknown;
        error?: { message: string; code?: string };
      };
      const call = this.#calls.get(id);
      this.#calls.delete(id);
      if (ok) call?.resolve(result);
      else call?.reject(new RemoteError(error!.message, error!.code));
    };
    thread.onError = (e) => this.#fail(new Error(`the worker failed: ${e}`));
    thread.exited.then(() => this.#fail(new Error("the worker has ended")));
  }

  /** Starts a worker holding `new <type>(options)` (a class exported by mod.ts). */
  static async start(type: string, options: Record<string, unknown> = {}): Promise<RemoteSocket> {
    const thread = startThread(new URL("../fixtures/thread-socket.ts", import.meta.url), { type, options });
    const remote = new RemoteSocket(thread);
    await remote.call("ready");
    return remote;
  }

  #fail(error: Error): void {
    this.#failed ??= error;
    for (const call of this.#calls.values()) call.reject(error);
    this.#calls.clear();
  }

  /** Runs `op` in the worker (see thread-socket.ts for the list); fails after `CALL_TIMEOUT` ms. */
  call(op: string, ...args: unknown[]): Promise<unknown> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    return new Promise((resolve, reject) => {
      this.#calls.set(id, { resolve, reject });
      timer = setTimeout(() => {
        this.#calls.delete(id);
        reject(new Error(`${op}(${JSON.stringify(args).slice(1, 60)}) in the worker timed out`));
      }, CALL_TIMEOUT);
      this.thread.post({ id, op, args });
    }).finally(() => clearTimeout(timer));
  }

  bind(endpoint: string): Promise<unknown> {
    return this.call("bind", endpoint);
  }
  connect(endpoint: string): Promise<unknown> {
    return this.call("connect", endpoint);
  }
  send(message: Frames): Promise<unknown> {
    return this.call("send", message);
  }
  /** The next message, frames as text (`binary`: as bytes). */
  receive(binary = false): Promise<Frames> {
    return this.call("receive", binary) as Promise<Frames>;
  }
  /** Resolves once the socket has had a monitor event of `type` (counting from its creation). */
  event(type: string, count = 1): Promise<unknown> {
    return this.call("event", type, count);
  }
  close(): Promise<unknown> {
    return this.call("close");
  }
  terminate(): Promise<void> {
    return this.thread.terminate();
  }
}
