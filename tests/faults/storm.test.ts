// The fault matrix, a reconnect storm: 1,000 omq clients connected to a libzmq ROUTER whose process is
// killed and restarted on the same port. Their retries are spread by the jitter libzmq adds (up to
// reconnectInterval), and every one of them gets back in with what it queued meanwhile.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { Dealer } from "../../mod.ts";
import { printMatrix } from "../support/fault-matrix.ts";
import { step } from "../support/fault-steps.ts";
import { startLibzmq } from "../support/libzmq.ts";
import { text } from "../support/util.ts";

const CLIENTS = 1000;

test("reconnect storm: 1,000 clients whose server restarts are spread by the jitter and all get back in", async () => {
  let zmq = await startLibzmq();
  let router = await zmq.socket("router", { linger: 0 });
  const endpoint = await router.bind("tcp://127.0.0.1:*");
  const reconnectInterval = 200;
  const clients: Dealer[] = [];
  let handshakes = 0;
  let disconnects = 0;
  const firstRetries: number[] = [];
  const backAt: number[] = [];
  let restartedAt = 0;
  let waiting: { count: () => number; target: number; resolve: () => void } | null = null;
  const check = () => {
    if (waiting && waiting.count() >= waiting.target) waiting.resolve();
  };
  const until = (count: () => number, target: number) =>
    new Promise<void>((resolve) => {
      waiting = { count, target, resolve };
      check();
    });
  for (let i = 0; i < CLIENTS; i++) {
    const dealer = new Dealer({ linger: 0, routingId: `c${i}`, reconnectInterval, reconnectMaxInterval: 1000 });
    let retried = false;
    dealer.events.on("handshake", () => {
      handshakes++;
      if (restartedAt) backAt.push(Date.now() - restartedAt);
      check();
    });
    dealer.events.on("disconnect", () => {
      disconnects++;
      retried = false;
      check();
    });
    dealer.events.on("connect:retry", (e) => {
      if (!retried && disconnects > 0) firstRetries.push(e.interval!);
      retried = true;
    });
    dealer.connect(endpoint);
    clients.push(dealer);
  }
  try {
    await step(until(() => handshakes, CLIENTS), "every client connects", 60_000);
    for (const [i, c] of clients.entries()) await c.send(`hello ${i}`);
    const first = await router.receiveMany(CLIENTS, { timeout: 30_000 });
    assert.equal(new Set(first.map((m) => text(m[0]))).size, CLIENTS);

    process.kill(zmq.pid, "SIGKILL");
    await zmq.exited;
    await step(until(() => disconnects, CLIENTS), "every client notices the server died", 30_000);
    // Queued while the server is away; delivered on the reconnect (the pipe outlives the connection).
    for (const [i, c] of clients.entries()) await c.send(`back ${i}`);
    zmq = await startLibzmq();
    router = await zmq.socket("router", { linger: 0 });
    await router.bind(endpoint);
    restartedAt = Date.now();
    const again = await step(router.receiveMany(CLIENTS, { timeout: 60_000 }), "every client gets back in", 70_000);
    const ids = new Set(again.map((m) => text(m[0])));
    const distinctDelays = new Set(firstRetries).size;
    backAt.sort((a, b) => a - b);
    const spread = `back in ${backAt[0]}..${backAt[backAt.length - 1]} ms after the restart ` +
      `(median ${backAt[backAt.length >> 1]}); ${distinctDelays} distinct first-retry delays`;
    printMatrix("fault matrix: reconnect storm (omq clients, libzmq server)", [{
      fault: "server killed and restarted",
      pattern: `${CLIENTS} omq DEALERs → libzmq ROUTER`,
      events: { disconnect: disconnects, handshake: handshakes, "connect:retry": firstRetries.length },
      sent: CLIENTS,
      received: again.length,
      lost: CLIENTS - ids.size,
      duplicated: again.length - ids.size,
      reordered: 0,
      note: spread,
    }]);
    assert.equal(ids.size, CLIENTS, "every client got back in");
    assert.ok(again.every((m) => text(m[1]).startsWith("back ")), "with what it queued while the server was away");
    assert.equal(firstRetries.length, CLIENTS, "each client retried after the disconnect");
    for (const d of firstRetries) assert.ok(d >= reconnectInterval && d < 2 * reconnectInterval, `delay ${d}`);
    // 1,000 draws of a jitter in 0..199 ms: all but a handful of the 200 values come up; lockstep would give 1.
    assert.ok(distinctDelays >= 100, `retries spread by the jitter: ${distinctDelays} distinct delays`);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await zmq.close();
  }
});
