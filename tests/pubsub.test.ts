import { test } from "node:test";
import assert from "node:assert/strict";
import { Publisher, type Socket, Subscriber, XPublisher, XSubscriber } from "../mod.ts";
import { tempIpcPath, texts, withTimeout } from "./support/util.ts";

const transports = {
  tcp: () => "tcp://127.0.0.1:*",
  ipc: () => tempIpcPath(),
  inproc: () => `inproc://ps-${Math.random().toString(36).slice(2)}`,
};

async function close(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

/** Publishes `probe` until `sub` receives a message: subscriptions travel asynchronously. */
async function untilSubscribed(pub: { send(m: string[]): Promise<void> }, sub: Socket, probe: string[]): Promise<string[]> {
  let got: string[] | null = null;
  const receiving = sub.receive().then((m) => (got = texts(m)));
  for (let i = 0; i < 500 && got === null; i++) {
    await pub.send(probe);
    await new Promise((r) => setTimeout(r, 10));
  }
  return withTimeout(receiving, 5000, "first message after subscribing");
}

for (const [transport, endpoint] of Object.entries(transports)) {
  test(`${transport}: a Subscriber with two prefixes gets exactly the matching messages`, async () => {
    const pub = new Publisher();
    await pub.bind(endpoint());
    const sub = new Subscriber();
    sub.connect(pub.lastEndpoint!);
    sub.subscribe("A", "B");
    await untilSubscribed(pub, sub, ["A", "sync"]);
    for (const topic of ["A1", "C1", "B1", "AB", "c", "B2"]) await pub.send([topic, "x"]);
    await pub.send(["A", "end"]);
    const got: string[] = [];
    for (;;) {
      const [topic, body] = texts(await withTimeout(sub.receive(), 5000, "published message"));
      if (body === "end") break;
      if (body !== "sync") got.push(topic);
    }
    assert.deepEqual(got, ["A1", "B1", "AB", "B2"]);
    await close(pub, sub);
  });

  test(`${transport}: an XPublisher sees subscribe and unsubscribe messages`, async () => {
    const xpub = new XPublisher();
    await xpub.bind(endpoint());
    const sub = new Subscriber();
    sub.connect(xpub.lastEndpoint!);
    sub.subscribe("topic");
    assert.deepEqual([...(await withTimeout(xpub.receive(), 5000, "subscribe"))[0]], [1, ...new TextEncoder().encode("topic")]);
    sub.unsubscribe("topic");
    assert.deepEqual([...(await withTimeout(xpub.receive(), 5000, "unsubscribe"))[0]], [0, ...new TextEncoder().encode("topic")]);
    await close(xpub, sub);
  });
}

test("subscriptions are counted: two subscribes need two unsubscribes", async () => {
  const xpub = new XPublisher();
  await xpub.bind("inproc://counted");
  const sub = new Subscriber();
  sub.connect("inproc://counted");
  sub.subscribe("t");
  sub.subscribe("t");
  sub.unsubscribe("t");
  await xpub.send(["t", "still subscribed"]);
  assert.deepEqual(texts(await withTimeout(sub.receive(), 5000, "after one unsubscribe")), ["t", "still subscribed"]);
  sub.unsubscribe("t");
  sub.receiveTimeout = 100;
  await xpub.send(["t", "gone"]);
  await assert.rejects(sub.receive(), (e: { code?: string }) => e.code === "EAGAIN");
  await close(xpub, sub);
});

test("subscriptions are sent again after the publisher restarts on the same endpoint", async () => {
  const pub1 = new Publisher();
  await pub1.bind("tcp://127.0.0.1:*");
  const endpoint = pub1.lastEndpoint!;
  const sub = new Subscriber({ reconnectInterval: 20 });
  sub.connect(endpoint);
  sub.subscribe("news");
  await untilSubscribed(pub1, sub, ["news", "1"]);
  await close(pub1);
  const pub2 = new Publisher();
  for (let i = 0; ; i++) {
    try {
      await pub2.bind(endpoint);
      break;
    } catch (e) {
      if (i > 100) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  assert.deepEqual(await untilSubscribed(pub2, sub, ["news", "2"]), ["news", "2"]);
  await close(pub2, sub);
});

test("a slow subscriber makes the publisher drop for it, never block; a fast one keeps up", async () => {
  const pub = new Publisher({ sendHighWaterMark: 10 });
  await pub.bind("inproc://slow");
  const slow = new Subscriber({ receiveHighWaterMark: 10 });
  const fast = new Subscriber();
  slow.connect("inproc://slow");
  fast.connect("inproc://slow");
  slow.subscribe();
  fast.subscribe();
  let received = 0;
  const reading = (async () => {
    for (; received < 1000; received++) await fast.receive();
  })();
  for (let i = 0; i < 1000; i++) {
    await withTimeout(pub.send(`${i}`), 1000, "a send that must not block");
    if (i % 10 === 0) await new Promise((r) => setTimeout(r, 0));
  }
  await withTimeout(reading, 5000, "the fast subscriber");
  let slowGot = 0;
  slow.receiveTimeout = 50;
  while (await slow.receive().then(() => true, () => false)) slowGot++;
  assert.ok(slowGot <= 20, `the slow subscriber got ${slowGot}, at most its HWM (10 + 10 for inproc)`);
  await close(pub, slow, fast);
});

test("invertMatching sends what does not match", async () => {
  const pub = new Publisher({ invertMatching: true });
  await pub.bind("inproc://invert");
  const sub = new Subscriber({ invertMatching: true });
  sub.connect("inproc://invert");
  sub.subscribe("skip");
  for (const t of ["skip-1", "keep-1", "skip-2", "keep-2"]) await pub.send(t);
  assert.deepEqual(texts(await withTimeout(sub.receive(), 5000, "keep-1")), ["keep-1"]);
  assert.deepEqual(texts(await withTimeout(sub.receive(), 5000, "keep-2")), ["keep-2"]);
  await close(pub, sub);
});

test("XSubscriber to XPublisher: subscription messages flow up, data down; welcomeMessage; verbose", async () => {
  const xpub = new XPublisher({ welcomeMessage: "welcome", verbose: true });
  await xpub.bind("tcp://127.0.0.1:*");
  const xsub = new XSubscriber();
  xsub.connect(xpub.lastEndpoint!);
  await xsub.send(new Uint8Array([1, 120]));
  assert.deepEqual(texts(await withTimeout(xsub.receive(), 5000, "welcome")), ["welcome"]);
  assert.deepEqual([...(await withTimeout(xpub.receive(), 5000, "subscription"))[0]], [1, 120]);
  await xsub.send(new Uint8Array([1, 120]));
  assert.deepEqual([...(await withTimeout(xpub.receive(), 5000, "verbose repeat"))[0]], [1, 120]);
  await xpub.send(["xy", "data"]);
  assert.deepEqual(texts(await withTimeout(xsub.receive(), 5000, "data")), ["xy", "data"]);
  await close(xpub, xsub);
});

test("conflate keeps only the newest message (SUB over tcp, PULL over inproc); other types refuse the option", async () => {
  const pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber({ conflate: true });
  sub.connect(pub.lastEndpoint!);
  sub.subscribe();
  await untilSubscribed(pub, sub, ["warm-up"]);
  for (let i = 0; i < 100; i++) await pub.send(`${i}`);
  await pub.send("last");
  // Wait for "last" to land, then the queue must hold it alone.
  let got = "";
  while (got !== "last") got = texts(await withTimeout(sub.receive(), 5000, "conflated"))[0];
  sub.receiveTimeout = 50;
  await assert.rejects(sub.receive(), (e: { code?: string }) => e.code === "EAGAIN");
  await close(pub, sub);

  const { Pull, Push, Request } = await import("../mod.ts");
  const pull = new Pull({ conflate: true });
  await pull.bind("inproc://conflate");
  const push = new Push();
  push.connect("inproc://conflate");
  for (let i = 0; i < 10; i++) await push.send(`${i}`);
  assert.deepEqual(texts(await pull.receive()), ["9"]);
  assert.throws(() => new Request({ conflate: true } as never), TypeError);
  await close(pull, push);
});
