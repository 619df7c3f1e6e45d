// The runtime adapter is injected through Context: a fake one makes the network misbehave on
// purpose (bytes in 1-byte pieces, writes that are always "full" and drain late, EMFILE on
// accept), and every pattern must still deliver whole messages, in order.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Pull, Push, Router, type SocketEvent } from "../../mod.ts";
import { fakeRuntime } from "../support/fake-runtime.ts";
import { texts, withTimeout } from "../support/util.ts";

test("bytes arriving one at a time still make whole multipart messages, in order", async () => {
  const runtime = fakeRuntime({ chunkBytes: 1 });
  const context = new Context({ runtime });
  const pull = new Pull({ context, linger: 0 });
  const push = new Push({ context, linger: 0 });
  try {
    await pull.bind("tcp://127.0.0.1:*");
    assert.match(pull.lastEndpoint!, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    push.connect(pull.lastEndpoint!);
    for (let i = 0; i < 5; i++) await push.send([`part-${i}`, "x".repeat(100), ""]);
    for (let i = 0; i < 5; i++) {
      const [a, b, c] = texts(await withTimeout(pull.receive(), 10_000, `message ${i}`));
      assert.deepEqual([a, b.length, c], [`part-${i}`, 100, ""]);
    }
  } finally {
    await Promise.all([push.close(), pull.close()]);
  }
});

test("a transport that is always full and drains late loses nothing (engine waits for drain)", async () => {
  const runtime = fakeRuntime({ drainAfterMs: 2 });
  const context = new Context({ runtime });
  const router = new Router({ context, linger: 0 });
  const dealer = new Dealer({ context, linger: 0 });
  try {
    await router.bind("ipc:///fake/router");
    dealer.connect("ipc:///fake/router");
    const n = 200;
    for (let i = 0; i < n; i++) await dealer.send(String(i));
    for (let i = 0; i < n; i++) {
      const [, body] = await withTimeout(router.receive(), 10_000, `request ${i}`);
      assert.equal(texts([body])[0], String(i));
    }
  } finally {
    await Promise.all([dealer.close(), router.close()]);
  }
});

test("EMFILE on accept costs that connection only: accept:error, then the retry gets in", async () => {
  const runtime = fakeRuntime({ failAccepts: 2 });
  const context = new Context({ runtime });
  const pull = new Pull({ context, linger: 0 });
  const push = new Push({ context, linger: 0, reconnectInterval: 10 });
  const events: SocketEvent[] = [];
  pull.events.on("accept:error", (e) => events.push(e));
  try {
    await pull.bind("tcp://127.0.0.1:*");
    push.connect(pull.lastEndpoint!);
    await push.send("after the storm");
    assert.deepEqual(texts(await withTimeout(pull.receive(), 10_000, "receive")), ["after the storm"]);
    assert.equal(events.length, 2);
    for (const e of events) assert.equal((e.error as { code?: string }).code, "EMFILE");
  } finally {
    await Promise.all([push.close(), pull.close()]);
  }
});

test("sockets of the default context do not see the fake network", async () => {
  const context = new Context({ runtime: fakeRuntime() });
  const pull = new Pull({ context, linger: 0 });
  const push = new Push({ linger: 0, reconnectInterval: 10 });
  const refused = new Promise<void>((resolve) => push.events.on("connect:retry", () => resolve()));
  try {
    await pull.bind("ipc:///fake/only-here");
    push.connect("ipc:///fake/only-here");
    await withTimeout(refused, 5_000, "a refused real connect");
  } finally {
    await Promise.all([push.close(), pull.close()]);
  }
});
