// The process and its endpoints. omq/zeromq: sockets with listeners, connections and timers do not
// keep the process (or a worker) alive once nothing is pending, as zeromq.js's; a pending receive
// does. omq's own API: an open endpoint keeps the process alive unless `holdsProcess` is false.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Router } from "../../mod.ts";
import { startThread } from "../support/threads.ts";
import { netnsUnavailable } from "../support/two-hosts.ts";
import { runtimeCommand, texts, withTimeout } from "../support/util.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url).href);

type Run = { code: number; stdout: string; stderr: string; ms: number };

/** Runs a fixture on this runtime; its exit code, output and how long it ran (ms). */
function run(name: string, ...args: string[]): Promise<Run> {
  return runIn([], name, ...args);
}

/** As `run`, the fixture started through `prefix` (a command that ends by running its arguments). */
function runIn(prefix: string[], name: string, ...args: string[]): Promise<Run> {
  const [command, ...rest] = [...prefix, ...runtimeCommand(fixture(name)), ...args];
  const start = Date.now();
  return new Promise((resolve) => {
    execFile(command, rest, { timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, ms: Date.now() - start });
    });
  });
}

/** How long a fixture may take to start and end; far below the 20 s timeout, above a slow runtime's start. */
const QUICK = 8000;

test("omq/zeromq: bound, connected, heartbeating and reconnecting sockets let the process end once idle", async () => {
  const { code, stdout, stderr, ms } = await run("compat-endpoints-exit.ts", "udp");
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim(), "done pong");
  assert.ok(ms < QUICK, `took ${ms} ms`);
});

test("omq/zeromq: a pending receive on a bound socket keeps the process alive until its message comes", async () => {
  const { code, stdout, stderr, ms } = await run("compat-pending-bound.ts");
  assert.equal(code, 0, stderr);
  assert.equal(stdout.trim(), "received late");
  assert.ok(ms < QUICK, `took ${ms} ms`);
});

test(
  "omq/zeromq: idle sockets with inproc endpoints of the default context (bound, linked, waiting) let the process end",
  {
    skip: (globalThis as { Deno?: unknown }).Deno
      ? "on Deno the default context's threads directory holds a Web Lock (this thread's liveness token) while it " +
        "has endpoints, and a held Web Lock keeps Deno's event loop alive, with no way to unreference it"
      : false,
  },
  async () => {
    const { code, stdout, stderr, ms } = await run("compat-inproc-idle.ts");
    assert.equal(code, 0, stderr);
    assert.equal(stdout.trim(), "received one");
    assert.ok(ms < QUICK, `took ${ms} ms`);
  },
);

test("omq: an open endpoint keeps the process alive; holdsProcess false (Context or socket) lets it end", async () => {
  const hold = await run("holds-process.ts", "hold");
  assert.equal(hold.code, 0, hold.stderr);
  assert.equal(hold.stdout.trim(), "received one\nstill alive");
  for (const mode of ["free", "socket"]) {
    const free = await run("holds-process.ts", mode);
    assert.equal(free.code, 0, free.stderr);
    assert.equal(free.stdout.trim(), "received one", mode);
    assert.ok(free.ms < QUICK, `${mode}: took ${free.ms} ms`);
  }
});

/**
 * The fixture's "hold" and "free" modes on one transport, at once: held, the process is still
 * running when the fixture's unreferenced 1.5 s timer fires; free, it ends before, by itself.
 */
async function holdsAndFrees(transport: string, prefix: string[] = []): Promise<void> {
  const [hold, free] = await Promise.all([
    runIn(prefix, "holds-process.ts", "hold", transport),
    runIn(prefix, "holds-process.ts", "free", transport),
  ]);
  assert.equal(hold.code, 0, hold.stderr);
  assert.equal(hold.stdout.trim(), "received one\nstill alive", `${transport}, held: ${hold.stderr}`);
  assert.equal(free.code, 0, free.stderr);
  assert.equal(free.stdout.trim(), "received one", `${transport}, free: ${free.stderr}`);
  assert.ok(free.ms < QUICK, `${transport}, free: took ${free.ms} ms`);
}

test("omq: ws endpoints (listener, connections, an upgrade under way, reconnects) follow holdsProcess", async () => {
  await holdsAndFrees("ws");
});

test("omq: wss endpoints (listener, connections, an upgrade under way, reconnects) follow holdsProcess", async () => {
  await holdsAndFrees("wss");
});

test("omq: udp endpoints (a bound Dish, a connected Radio) follow holdsProcess", async () => {
  await holdsAndFrees("udp");
});

// Multicast on lo needs a network namespace of its own (root).
const EPGM_NETNS = [
  "unshare",
  "-n",
  "sh",
  "-c",
  'ip link set lo up && ip link set lo multicast on && ip route add 239.0.0.0/8 dev lo && exec "$@"',
  "sh",
];

test("omq: epgm endpoints (a Publisher's SPMs, a Subscriber's receiver) follow holdsProcess", {
  skip: netnsUnavailable() ?? false,
}, async () => {
  await holdsAndFrees("epgm", EPGM_NETNS);
});

test("omq/zeromq: a worker whose connected Dealer's work is done ends by itself", {
  skip: (globalThis as { Deno?: unknown }).Deno ? "Deno's Web Workers run until closed or terminated" : false,
}, async () => {
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const thread = startThread(new URL("../fixtures/compat-worker-dealer.ts", import.meta.url), {
    endpoint: router.lastEndpoint,
  });
  try {
    const [id, work] = await withTimeout(router.receive(), 10_000, "the worker's request");
    assert.deepEqual(texts([work]), ["work"]);
    await router.send([id, "done"]);
    await withTimeout(thread.exited, 10_000, "the worker's end");
  } finally {
    await thread.terminate();
    await router.close();
  }
});
