// Bounded memory: a stalled consumer stops the producer at the high-water marks instead of
// growing memory; many short-lived connections leave nothing behind.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { Dealer, Pull, Push, Router, type ZmqError } from "../../mod.ts";
import { texts, withTimeout } from "../support/util.ts";
import { collectGarbage, liveMemory } from "../support/gc.ts";

const mb = (n: number) => Math.round(n / 1024 / 1024);

test("a stalled consumer: the sender blocks at the high-water marks and memory stays flat", async () => {
  const pull = new Pull({ receiveHighWaterMark: 100, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({ sendHighWaterMark: 100, sendTimeout: 100, linger: 0 });
  push.connect(pull.lastEndpoint!);
  const frame = new Uint8Array(64 * 1024);
  const before = process.memoryUsage().rss;
  let peak = before;
  let sent = 0;
  let blocked = 0;
  // 2 s of trying to push 64 kB messages into a consumer that never reads: ~8 GB if nothing held it back.
  const until = Date.now() + 2000;
  while (Date.now() < until) {
    try {
      await push.send(frame);
      sent++;
    } catch (e) {
      assert.equal((e as ZmqError).code, "EAGAIN");
      blocked++;
    }
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  assert.ok(blocked > 0, "the sender never blocked");
  // Bound: two queues of 100 × 64 kB, the kernel's socket buffers and the runtime's write buffer.
  assert.ok(sent < 600, `${sent} messages accepted: the queues are not bounded`);
  assert.ok(peak - before < 256 * 1024 * 1024, `memory grew by ${mb(peak - before)} MB`);
  console.log(`stalled consumer: ${sent} accepted, ${blocked} EAGAIN; RSS ${mb(before)} MB -> peak ${mb(peak)} MB`);
  // Nothing was lost: the consumer, once it reads, gets every accepted message.
  for (let i = 0; i < sent; i++) await withTimeout(pull.receive(), 5000, `message ${i} of ${sent}`);
  await push.close();
  await pull.close();
});

test("10,000 connect/close cycles against one Router leak neither memory nor connections", async () => {
  const router = new Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  let disconnects = 0;
  const watching = (async () => {
    for await (const e of router.events) if (e.type === "disconnect") disconnects++;
  })();
  const cycles = 10_000;
  const batch = 50;
  // Live JS heap plus buffers after a full GC, not RSS: RSS keeps the allocator's high-water mark.
  let firstLive = 0;
  for (let done = 0; done < cycles; done += batch) {
    const dealers = Array.from({ length: batch }, (_, i) => {
      const d = new Dealer({ linger: 0, routingId: `d${done + i}` });
      d.connect(router.lastEndpoint!);
      return d;
    });
    await Promise.all(dealers.map((d) => d.send("hi")));
    for (let i = 0; i < batch; i++) await withTimeout(router.receive(), 10_000, "hello from a dealer");
    await Promise.all(dealers.map((d) => d.close()));
    if (done === 1000) firstLive = await liveMemory();
  }
  // Every connection went away on the Router's side too.
  const deadline = Date.now() + 10_000;
  while (disconnects < cycles && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(disconnects, cycles);
  const grown = (await liveMemory()) - firstLive;
  assert.ok(grown < 8 * 1024 * 1024, `live memory grew by ${(grown / 1024 / 1024).toFixed(1)} MB over 9,000 cycles`);
  console.log(`10,000 cycles: live memory ${(grown / 1024 / 1024).toFixed(1)} MB after cycle 1000 -> end`);
  // And the Router still works.
  const last = new Dealer({ linger: 0, routingId: "last" });
  last.connect(router.lastEndpoint!);
  await last.send("still here");
  assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "last")), ["last", "still here"]);
  await last.close();
  await router.close();
  await watching;
});

test("a connection's end lets go of the large body its decoder kept for malloc", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  let disconnected!: () => void;
  const gone = new Promise<void>((resolve) => (disconnected = resolve));
  const watching = (async () => {
    for await (const e of pull.events) if (e.type === "disconnect") disconnected();
  })();
  const push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  // 2 MB arrives over many reads, so its body is allocated whole and kept (see `recent` in frame.ts).
  // Only a weak reference leaves this function.
  const receiveWeakly = async () => {
    await push.send(new Uint8Array(2_000_000).fill(7));
    const [frame] = await withTimeout(pull.receive(), 10_000, "the 2 MB message");
    assert.equal(frame.byteLength, 2_000_000);
    return new WeakRef(frame);
  };
  const body = await receiveWeakly();
  await push.close();
  await withTimeout(gone, 10_000, "the pull side's disconnect");
  await collectGarbage();
  assert.ok(body.deref() === undefined, "the received body is still referenced after its connection ended");
  await pull.close();
  await watching;
});
