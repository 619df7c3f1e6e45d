import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { context } from "../../mod.ts";
import * as zmq from "../../compat/zeromq.ts";
import { withTimeout } from "../support/util.ts";

/**
 * Runs tests/fixtures/default-context.ts in a `node:worker_threads` worker (the threads that
 * share memory with their starter on every runtime) and resolves with what it reports.
 */
function runWorker(): Promise<unknown> {
  const wt = process.getBuiltinModule("node:worker_threads") as typeof import("node:worker_threads");
  const fixture = new URL("../fixtures/default-context.ts", import.meta.url);
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const worker = g.Deno || g.Bun
    ? new wt.Worker(fixture.pathname)
    // Node: register tsx in the new thread first (--import does not reach workers there).
    : new wt.Worker(
      `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(fixture.href)}); })`,
      {
        eval: true,
      },
    );
  return withTimeout(
    new Promise((resolve, reject) => {
      worker.once("message", (seen) => {
        resolve(seen);
        void worker.terminate();
      });
      worker.once("error", reject);
    }),
    20_000,
    "the worker's report",
  );
}

test("the default context's options are the process's: a worker reads what its starter set, and the other way round", async () => {
  const saved = { blocky: context.blocky, maxMessageSize: context.maxMessageSize, ioThreads: zmq.context.ioThreads };
  const savedMaxSockets = zmq.context.maxSockets;
  context.blocky = false;
  context.maxMessageSize = 1234;
  zmq.context.ioThreads = 3;
  zmq.context.maxSockets = 77;
  try {
    assert.deepEqual(await runWorker(), {
      blocky: false,
      maxMessageSize: 1234,
      ioThreads: 3,
      maxSockets: 77,
      // A socket of the worker's takes its linger from the shared blocky (false: 0).
      pushLinger: 0,
      // A context of the worker's own keeps its own options.
      ownContextBlocky: true,
    });
    assert.equal(context.maxMessageSize, 4096);
    assert.equal(zmq.context.ioThreads, 5);
  } finally {
    Object.assign(context, { blocky: saved.blocky, maxMessageSize: saved.maxMessageSize });
    zmq.context.ioThreads = saved.ioThreads;
    zmq.context.maxSockets = savedMaxSockets;
  }
});
