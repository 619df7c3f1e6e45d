// Publish/subscribe where the work grows: thousands of prefixes on one subscriber, many
// subscribers on one publisher. Correctness only; the rates live in bench/scaling.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Publisher, type Socket, Subscriber, XPublisher, XSubscriber } from "../../mod.ts";
import { bytes, text, withTimeout } from "../support/util.ts";

const PREFIXES = 10_000;
const topic = (i: number): string => `topic-${String(i).padStart(6, "0")}.`;

async function close(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

/**
 * Publishes `[probe, "probe"]` until `sub` receives one: subscriptions travel asynchronously.
 * The wait is bounded by the subscriber's receiveTimeout, so a subscription that never
 * arrives shows as the EAGAIN the issue reported rather than as a hung test.
 */
async function untilSubscribed(pub: Publisher, sub: Subscriber, probe: string): Promise<void> {
  sub.receiveTimeout = 10_000;
  let got = false;
  const receiving = sub.receive().then((m) => {
    got = true;
    assert.equal(text(m[1]), "probe");
  });
  receiving.catch(() => (got = true));
  while (!got) {
    await pub.send([probe, "probe"]);
    await new Promise((r) => setTimeout(r, 5));
  }
  await receiving;
  sub.receiveTimeout = -1;
}

test("a Subscriber holding 10,000 prefixes over tcp gets every matching message of a burst, in order, and no other", async () => {
  // No send limit: the burst is queued whole, so any loss would be the filter's, not the high-water mark's.
  const pub = new Publisher({ sendHighWaterMark: 0 });
  await pub.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber();
  sub.connect(pub.lastEndpoint!);
  for (let i = 0; i < PREFIXES; i++) sub.subscribe(topic(i));
  // The last subscription sent: once it matches, all before it have arrived (one connection, in order).
  await untilSubscribed(pub, sub, topic(PREFIXES - 1));

  const expected: string[] = [];
  for (let n = 0; n < 4000; n++) {
    // Half the topics are outside the subscribed range; some frames stop short of a prefix's end.
    const i = (n * 7919) % (2 * PREFIXES);
    const first = n % 10 === 9 ? topic(i).slice(0, 12) : `${topic(i)}payload`;
    await pub.send([first, String(n)]);
    if (i < PREFIXES && first.length > 12) expected.push(`${first}|${n}`);
  }
  await pub.send([topic(0), "end"]);

  const got: string[] = [];
  await withTimeout(
    (async () => {
      for (;;) {
        const [first, body] = await sub.receive();
        if (text(body) === "probe") continue;
        if (text(body) === "end") return;
        got.push(`${text(first)}|${text(body)}`);
      }
    })(),
    20_000,
    "the burst",
  );
  assert.equal(got.length, expected.length);
  assert.deepEqual(got, expected);
  await close(pub, sub);
});

test("a Subscriber that subscribes to 10,000 prefixes at once receives on the last of them (no EAGAIN: none is dropped at the high-water mark)", async () => {
  const pub = new Publisher();
  await pub.bind("tcp://127.0.0.1:*");
  const sub = new Subscriber();
  sub.connect(pub.lastEndpoint!);
  sub.subscribe(...Array.from({ length: PREFIXES }, (_, i) => topic(i)));
  await untilSubscribed(pub, sub, `${topic(PREFIXES - 1)}x`);
  await close(pub, sub);
});

test("an XPublisher sees each of 10,000 subscriptions an XSubscriber sends at once, in order", async () => {
  const xpub = new XPublisher();
  await xpub.bind("tcp://127.0.0.1:*");
  const xsub = new XSubscriber();
  xsub.connect(xpub.lastEndpoint!);
  for (let i = 0; i < PREFIXES; i++) await xsub.send(new Uint8Array([1, ...bytes(topic(i))]));
  xpub.receiveTimeout = 10_000;
  for (let i = 0; i < PREFIXES; i++) {
    const [report] = await xpub.receive();
    assert.equal(report[0], 1);
    assert.equal(text(report.subarray(1)), topic(i));
  }
  await close(xpub, xsub);
});

test("one Publisher to 50 Subscribers over tcp: each gets every message, in order", async () => {
  const pub = new Publisher({ sendHighWaterMark: 0 });
  await pub.bind("tcp://127.0.0.1:*");
  const subs = Array.from({ length: 50 }, () => new Subscriber());
  for (const sub of subs) {
    sub.connect(pub.lastEndpoint!);
    sub.subscribe("t");
  }
  for (const sub of subs) await untilSubscribed(pub, sub, "t");
  const count = 500;
  for (let n = 0; n < count; n++) await pub.send(["t", String(n)]);
  await pub.send(["t", "end"]);
  await withTimeout(
    Promise.all(subs.map(async (sub) => {
      let next = 0;
      for (;;) {
        const body = text((await sub.receive())[1]);
        if (body === "probe") continue;
        if (body === "end") break;
        assert.equal(body, String(next++));
      }
      assert.equal(next, count);
    })),
    20_000,
    "fan-out",
  );
  await close(pub, ...subs);
});
