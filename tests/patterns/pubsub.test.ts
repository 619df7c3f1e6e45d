import { test } from "node:test";
import assert from "node:assert/strict";
import { Publisher, type Socket, Subscriber, XPublisher, XSubscriber } from "../../mod.ts";
import { bytes, tempIpcPath, texts, withTimeout } from "../support/util.ts";

const transports = {
  tcp: () => "tcp://127.0.0.1:*",
  ipc: () => tempIpcPath(),
  inproc: () => `inproc://ps-${Math.random().toString(36).slice(2)}`,
};

/** A subscription message as an XPublisher reports it, as numbers for deepEqual. */
const subMsg = (prefix: string, on = true): number[] => [on ? 1 : 0, ...bytes(prefix)];

/** The next message an XPublisher reports, as numbers. */
/** Binds `xpub` at `endpoint` and connects two Subscribers to it. */
async function bindForTwo(xpub: XPublisher, endpoint: string): Promise<[Subscriber, Subscriber]> {
  await xpub.bind(endpoint);
  const pair: [Subscriber, Subscriber] = [new Subscriber(), new Subscriber()];
  for (const sub of pair) sub.connect(endpoint);
  return pair;
}

async function nextReport(xpub: XPublisher, what: string): Promise<number[]> {
  return [...(await withTimeout(xpub.receive(), 5000, what))[0]];
}

async function close(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

/** Publishes `probe` until `sub` receives a message: subscriptions travel asynchronously. */
async function untilSubscribed(
  pub: { send(m: string[]): Promise<void> },
  sub: Socket,
  probe: string[],
): Promise<string[]> {
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
    assert.deepEqual([...(await withTimeout(xpub.receive(), 5000, "subscribe"))[0]], [
      1,
      ...new TextEncoder().encode("topic"),
    ]);
    sub.unsubscribe("topic");
    assert.deepEqual([...(await withTimeout(xpub.receive(), 5000, "unsubscribe"))[0]], [
      0,
      ...new TextEncoder().encode("topic"),
    ]);
    await close(xpub, sub);
  });

  test(`${transport}: subscriptions are counted: two subscribes need two unsubscribes`, async () => {
    const xpub = new XPublisher();
    await xpub.bind(endpoint());
    const sub = new Subscriber();
    sub.connect(xpub.lastEndpoint!);
    sub.subscribe("t");
    sub.subscribe("t");
    assert.deepEqual(await nextReport(xpub, "subscribe"), subMsg("t"));
    sub.unsubscribe("t");
    // A marker after the first unsubscribe: the XPUB must see it, not a cancel of "t".
    sub.subscribe("marker");
    assert.deepEqual(await nextReport(xpub, "marker"), subMsg("marker"));
    await xpub.send(["t", "still subscribed"]);
    assert.deepEqual(texts(await withTimeout(sub.receive(), 5000, "after one unsubscribe")), ["t", "still subscribed"]);
    sub.unsubscribe("t");
    assert.deepEqual(await nextReport(xpub, "cancel after the second unsubscribe"), subMsg("t", false));
    sub.receiveTimeout = 100;
    await xpub.send(["t", "gone"]);
    await assert.rejects(sub.receive(), (e: { code?: string }) => e.code === "EAGAIN");
    await close(xpub, sub);
  });
}

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
  for (let i = 0;; i++) {
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

  const { Pull, Push, Request } = await import("../../mod.ts");
  const pull = new Pull({ conflate: true });
  await pull.bind("inproc://conflate");
  const push = new Push();
  push.connect("inproc://conflate");
  for (let i = 0; i < 10; i++) await push.send(`${i}`);
  assert.deepEqual(texts(await pull.receive()), ["9"]);
  // The types refuse it too: conflate is an option of Push, Pull, Publisher, Subscriber and Dealer only.
  // @ts-expect-error: not a Request option
  assert.throws(() => new Request({ conflate: true }), TypeError);
  // @ts-expect-error: not an XPublisher option (libzmq offers it on PUB, not XPUB)
  assert.throws(() => new XPublisher({ conflate: true }), TypeError);
  await close(pull, push);
});

test("Publisher rejects receive and Subscriber rejects send with ENOTSUP; SUB and XSUB linger 0 by default as in libzmq", async () => {
  const pub = new Publisher();
  const sub = new Subscriber();
  await assert.rejects(pub.receive(), (e: { code?: string }) => e.code === "ENOTSUP");
  await assert.rejects(sub.send("x"), (e: { code?: string }) => e.code === "ENOTSUP");
  assert.equal(sub.linger, 0);
  assert.equal(new XSubscriber().linger, 0);
  assert.equal(new XSubscriber({ linger: 5 }).linger, 5);
  assert.equal(pub.linger, -1);
  await close(pub, sub);
});

test("a subscription made before the connection reaches the publisher once, and once again after a reconnect", async () => {
  const endpoint = tempIpcPath();
  const sub = new Subscriber({ reconnectInterval: 20 });
  sub.connect(endpoint);
  sub.subscribe("x");
  // verbose: a duplicate subscribe would be reported too.
  const xpub1 = new XPublisher({ verbose: true });
  await xpub1.bind(endpoint);
  assert.deepEqual(await nextReport(xpub1, "queued subscription"), subMsg("x"));
  sub.subscribe("marker");
  assert.deepEqual(await nextReport(xpub1, "marker, not a duplicate"), subMsg("marker"));
  await close(xpub1);
  const xpub2 = new XPublisher({ verbose: true });
  await xpub2.bind(endpoint);
  const seen = [await nextReport(xpub2, "resent 1"), await nextReport(xpub2, "resent 2")].map(String).sort();
  assert.deepEqual(seen, [String(subMsg("marker")), String(subMsg("x"))]);
  sub.subscribe("marker2");
  assert.deepEqual(await nextReport(xpub2, "marker2, not a duplicate"), subMsg("marker2"));
  await close(xpub2, sub);
});

test("an XPublisher reports a prefix's cancel when its last subscriber leaves, not before", async () => {
  const xpub = new XPublisher();
  const [a, b] = await bindForTwo(xpub, "inproc://leave");
  a.subscribe("news");
  b.subscribe("news");
  assert.deepEqual(await nextReport(xpub, "first subscribe"), subMsg("news"));
  await close(a);
  b.subscribe("marker");
  assert.deepEqual(await nextReport(xpub, "marker: no cancel while b remains"), subMsg("marker"));
  await close(b);
  const gone = [await nextReport(xpub, "cancel 1"), await nextReport(xpub, "cancel 2")].map(String).sort();
  assert.deepEqual(gone, [String(subMsg("marker", false)), String(subMsg("news", false))]);
  await close(xpub);
});

test("an XPublisher passes up what an XSubscriber sends that is not a subscription", async () => {
  const xpub = new XPublisher();
  await xpub.bind("tcp://127.0.0.1:*");
  const xsub = new XSubscriber();
  xsub.connect(xpub.lastEndpoint!);
  await xsub.send(new Uint8Array([1, 97]));
  await xsub.send(["hello", "upstream"]);
  await xsub.send(new Uint8Array([2, 98]));
  assert.deepEqual(await nextReport(xpub, "subscription"), [1, 97]);
  assert.deepEqual(texts(await withTimeout(xpub.receive(), 5000, "data")), ["hello", "upstream"]);
  assert.deepEqual(await nextReport(xpub, "a frame starting with 2 is data"), [2, 98]);
  await close(xpub, xsub);
});

test("XPublisher manual: subscriptions take effect only through subscribe(), for the peer received last", async () => {
  const xpub = new XPublisher({ manual: true });
  await xpub.bind("inproc://manual");
  const sub = new Subscriber();
  sub.connect("inproc://manual");
  sub.subscribe("weather");
  assert.deepEqual(await nextReport(xpub, "request"), subMsg("weather"));
  xpub.subscribe("weather/paris");
  await xpub.send("weather/london: rain");
  await xpub.send("weather/paris: sun");
  // The SUB filters on "weather" itself: only the XPUB's choice keeps london out.
  assert.deepEqual(texts(await withTimeout(sub.receive(), 5000, "paris")), ["weather/paris: sun"]);
  xpub.unsubscribe("weather/paris");
  xpub.subscribe("weather/london");
  await xpub.send("weather/paris: sun");
  await xpub.send("weather/london: fog");
  assert.deepEqual(texts(await withTimeout(sub.receive(), 5000, "london")), ["weather/london: fog"]);
  // Manual mode passes every subscribe up, even a repeated one.
  sub.subscribe("weather");
  assert.deepEqual(await nextReport(xpub, "repeat"), subMsg("weather"));
  await close(xpub, sub);
});

for (const type of ["Publisher", "XPublisher"] as const) {
  test(`${type} noDrop: a send waits for room (EAGAIN with sendTimeout 0) and nothing is lost`, async () => {
    const options = { noDrop: true, sendHighWaterMark: 5 };
    const pub = type === "Publisher" ? new Publisher(options) : new XPublisher(options);
    await pub.bind(`inproc://nodrop-${type}`);
    const sub = new Subscriber({ receiveHighWaterMark: 5 });
    sub.connect(`inproc://nodrop-${type}`);
    sub.subscribe();
    await untilSubscribed(pub, sub, ["probe"]);
    pub.sendTimeout = 0;
    let sent = 0;
    for (; sent < 100; sent++) {
      if (!(await pub.send(`${sent}`).then(() => true, (e) => (assert.equal(e.code, "EAGAIN"), false)))) break;
    }
    assert.ok(sent >= 5 && sent < 100, `sent ${sent} before EAGAIN`);
    pub.sendTimeout = -1;
    const last = pub.send(`${sent}`);
    for (let i = 0; i <= sent; i++) {
      assert.deepEqual(texts(await withTimeout(sub.receive(), 5000, `message ${i}`)), [`${i}`]);
    }
    await withTimeout(last, 5000, "the waiting send");
    await close(pub, sub);
  });
}

test("XPublisher verboser reports every cancel; an empty welcomeMessage is not sent", async () => {
  const xpub = new XPublisher({ verboser: true, welcomeMessage: "" });
  const [a, b] = await bindForTwo(xpub, "inproc://verboser");
  a.subscribe("");
  b.subscribe("");
  assert.deepEqual(await nextReport(xpub, "a"), [1]);
  assert.deepEqual(await nextReport(xpub, "b (verbose)"), [1]);
  a.unsubscribe("");
  assert.deepEqual(await nextReport(xpub, "a's cancel although b remains"), [0]);
  await xpub.send("only b");
  assert.deepEqual(texts(await withTimeout(b.receive(), 5000, "b")), ["only b"]);
  a.receiveTimeout = 50;
  await assert.rejects(a.receive(), (e: { code?: string }) => e.code === "EAGAIN");
  await close(xpub, a, b);
});

test("XPublisher verbosity (zeromq.js's name) sets verbose/verboser and reads them back; a bad value is a TypeError", async () => {
  const xpub = new XPublisher({ verbosity: "allSubs" });
  assert.equal(xpub.verbose, true);
  assert.equal(xpub.verbosity, "allSubs");
  const [a, b] = await bindForTwo(xpub, "inproc://verbosity");
  a.subscribe("x");
  b.subscribe("x");
  assert.deepEqual(await nextReport(xpub, "a"), [1, 120]);
  assert.deepEqual(await nextReport(xpub, "b's duplicate (allSubs)"), [1, 120]);
  xpub.verbosity = "allSubsUnsubs";
  assert.deepEqual([xpub.verbose, xpub.verboser], [false, true]);
  a.unsubscribe("x");
  assert.deepEqual(await nextReport(xpub, "a's cancel although b remains (allSubsUnsubs)"), [0, 120]);
  xpub.verbosity = null;
  assert.deepEqual([xpub.verbose, xpub.verboser, xpub.verbosity], [false, false, null]);
  assert.throws(
    () => (xpub.verbosity = "all" as never),
    (e: Error) => e instanceof TypeError && /verbosity/.test(e.message),
  );
  assert.throws(() => new XPublisher({ verbosity: true as never }), TypeError);
  await close(xpub, a, b);
});
