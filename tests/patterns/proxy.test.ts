import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  Dealer,
  Proxy,
  proxy,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type Socket,
  Subscriber,
  XPublisher,
  XSubscriber,
  type ZmqError,
} from "../../mod.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { texts, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

async function close(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

const name = () => `inproc://proxy-${Math.random().toString(36).slice(2)}`;

test("STREAMER (Pull↔Push) passes a pipeline through with a capture copy; proxy() ends when the back end closes", async () => {
  const front = new Pull();
  const back = new Push();
  const capture = new Push();
  const [inEp, outEp, capEp] = [name(), name(), name()];
  await front.bind(inEp);
  await back.bind(outEp);
  await capture.bind(capEp);
  const running = proxy(front, back, capture);
  const producer = new Push();
  producer.connect(inEp);
  const consumer = new Pull();
  consumer.connect(outEp);
  const tap = new Pull();
  tap.connect(capEp);
  for (let i = 0; i < 50; i++) await producer.send(["job", `${i}`]);
  for (let i = 0; i < 50; i++) {
    assert.deepEqual(texts(await withTimeout(consumer.receive(), 5000, "job")), ["job", `${i}`]);
  }
  for (let i = 0; i < 50; i++) assert.deepEqual(texts(await withTimeout(tap.receive(), 5000, "copy")), ["job", `${i}`]);
  // The front end is idle in receive() and the Push has no receive: the proxy still notices the close.
  await close(back);
  await withTimeout(running, 5000, "proxy end");
  assert.equal(front.closed, false, "proxy() leaves the sockets to the caller, as zmq_proxy does");
  await close(front, capture, producer, consumer, tap);
});

test("QUEUE (Router↔Dealer) between Request clients and Reply workers keeps envelopes and routes replies back", async () => {
  const front = new Router();
  const back = new Dealer();
  await front.bind("tcp://127.0.0.1:*");
  await back.bind("tcp://127.0.0.1:*");
  const queue = new Proxy(front, back);
  assert.equal(queue.frontEnd, front);
  assert.equal(queue.backEnd, back);
  const running = queue.run();
  const workers = [new Reply(), new Reply()];
  const served = [0, 0];
  for (const [k, w] of workers.entries()) {
    w.connect(back.lastEndpoint!);
    (async () => {
      for await (const [req] of w) {
        served[k]++;
        await w.send([`worker ${k}`, req]);
      }
    })();
  }
  const clients = [new Request(), new Request(), new Request()];
  for (const c of clients) c.connect(front.lastEndpoint!);
  await Promise.all(clients.map(async (c, k) => {
    for (let i = 0; i < 10; i++) {
      await c.send(`client ${k} #${i}`);
      const [worker, echoed] = texts(await withTimeout(c.receive(), 5000, "reply through the queue"));
      assert.match(worker, /^worker [01]$/);
      assert.equal(echoed, `client ${k} #${i}`);
    }
  }));
  assert.equal(served[0] + served[1], 30);
  queue.terminate();
  await withTimeout(running, 5000, "terminate");
  // zeromq.js closes both sockets when a Proxy terminates.
  assert.ok(front.closed && back.closed);
  await close(...workers, ...clients);
});

test("FORWARDER (XSubscriber↔XPublisher): subscriptions flow upstream, messages downstream", async () => {
  const upstream = new XPublisher();
  await upstream.bind(name());
  const xsub = new XSubscriber();
  const xpub = new XPublisher();
  xsub.connect(upstream.lastEndpoint!);
  await xpub.bind(name());
  const running = proxy(xsub, xpub);
  const sub = new Subscriber();
  sub.connect(xpub.lastEndpoint!);
  sub.subscribe("weather");
  const [subscription] = await withTimeout(upstream.receive(), 5000, "subscription upstream");
  assert.deepEqual([...subscription], [1, ...new TextEncoder().encode("weather")]);
  await upstream.send(["sports", "ignored"]);
  await upstream.send(["weather", "sunny"]);
  assert.deepEqual(texts(await withTimeout(sub.receive(), 5000, "forwarded")), ["weather", "sunny"]);
  sub.unsubscribe("weather");
  const [cancel] = await withTimeout(upstream.receive(), 5000, "unsubscription upstream");
  assert.deepEqual([...cancel], [0, ...new TextEncoder().encode("weather")]);
  await close(xsub);
  await withTimeout(running, 5000, "proxy end");
  await close(upstream, xpub, sub);
});

test("pause() takes nothing from the front end until resume(); terminate() ends run()", async () => {
  const front = new Pull();
  const back = new Push();
  const [inEp, outEp] = [name(), name()];
  await front.bind(inEp);
  await back.bind(outEp);
  const steer = new Proxy(front, back);
  const running = steer.run();
  const producer = new Push();
  producer.connect(inEp);
  const consumer = new Pull();
  consumer.connect(outEp);
  await producer.send("before");
  assert.deepEqual(texts(await withTimeout(consumer.receive(), 5000, "before")), ["before"]);
  steer.pause();
  await producer.send("during");
  await producer.send("during 2");
  // Nothing arrives while paused (absence is only visible over time).
  await assert.rejects(consumer.receive({ signal: AbortSignal.timeout(200) }));
  steer.resume();
  assert.deepEqual(texts(await withTimeout(consumer.receive(), 5000, "after resume")), ["during"]);
  assert.deepEqual(texts(await withTimeout(consumer.receive(), 5000, "after resume")), ["during 2"]);
  steer.pause();
  steer.terminate();
  await withTimeout(running, 5000, "terminate while paused");
  await assert.rejects(steer.run(), (e: { code?: string }) => e.code === "EFSM");
  await close(front, back, producer, consumer);
});

test("a failing send ends the whole proxy: run() rejects with it", async () => {
  const front = new Dealer();
  const back = new Router({ mandatory: true });
  await front.bind(name());
  await back.bind(name());
  const running = proxy(front, back);
  const client = new Dealer();
  client.connect(front.lastEndpoint!);
  await client.send(["nobody", "hello"]);
  await assert.rejects(withTimeout(running, 5000, "proxy end"), (e: { code?: string }) => e.code === "EHOSTUNREACH");
  await close(front, back, client);
});

test("an omq QUEUE between libzmq REQ clients and libzmq REP workers", async () => {
  const front = new Router();
  const back = new Dealer();
  await front.bind("tcp://127.0.0.1:*");
  await back.bind("tcp://127.0.0.1:*");
  const running = proxy(front, back);
  const worker = await zmq.socket("rep", { linger: 0 });
  await worker.connect(back.lastEndpoint!);
  const clients = [await zmq.socket("req", { linger: 0 }), await zmq.socket("req", { linger: 0 })];
  for (const c of clients) await c.connect(front.lastEndpoint!);
  for (let i = 0; i < 3; i++) {
    // Both clients wait at once: each reply must find its way back to the client that asked.
    await Promise.all(clients.map((c, k) => c.send(`hello ${k}.${i}`)));
    for (let n = 0; n < 2; n++) {
      const [req] = await worker.receive({ timeout: 5000 });
      await worker.send([new TextDecoder().decode(req).replace("hello", "world")]);
    }
    const replies = await Promise.all(clients.map((c) => c.receive({ timeout: 5000 })));
    assert.deepEqual(replies.map(texts), [[`world 0.${i}`], [`world 1.${i}`]]);
  }
  for (const c of clients) await c.close();
  await worker.close();
  await close(front, back);
  await withTimeout(running, 5000, "proxy end");
});

test("receive({ signal }) withdraws a pending receive without losing a message", async () => {
  const pull = new Pull();
  await pull.bind(name());
  const push = new Push();
  push.connect(pull.lastEndpoint!);
  const abort = new AbortController();
  const pending = pull.receive({ signal: abort.signal });
  abort.abort(new Error("stop"));
  await assert.rejects(pending, /stop/);
  await push.send("kept");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "kept")), ["kept"]);
  await close(pull, push);
});

test("a receive with a signal leaves no listener on it, however it ends: message, timeout or abort", async () => {
  const pull = new Pull();
  await pull.bind(name());
  const push = new Push();
  push.connect(pull.lastEndpoint!);
  const abort = new AbortController();
  const signal = abort.signal;
  let listeners = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = (...args: Parameters<typeof add>) => (listeners++, add(...args));
  signal.removeEventListener = (...args: Parameters<typeof remove>) => (listeners--, remove(...args));

  const got = pull.receive({ signal }); // waits, then a message comes
  await push.send("one");
  assert.deepEqual(texts(await withTimeout(got, 5000, "one")), ["one"]);
  assert.equal(listeners, 0, "left a listener after a message");

  pull.receiveTimeout = 50;
  await assert.rejects(pull.receive({ signal }), { code: "EAGAIN" });
  assert.equal(listeners, 0, "left a listener after the timeout");

  pull.receiveTimeout = -1;
  const aborted = pull.receive({ signal });
  abort.abort(new Error("stop"));
  await assert.rejects(aborted, /stop/);
  // `once` removes it without a removeEventListener call; a later message still arrives.
  await push.send("two");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "two")), ["two"]);
  await close(pull, push);
});

test("run() rejects with EINVAL for a socket that is closed or neither bound nor connected (zmq_proxy)", async () => {
  const unbound = new Proxy(new Router({ linger: 0 }), new Dealer({ linger: 0 }));
  await unbound.backEnd.bind(name());
  await assert.rejects(unbound.run(), (e: ZmqError) => e.code === "EINVAL" && /front-end/.test(e.message));
  await close(unbound.frontEnd, unbound.backEnd);

  const closed = new Proxy(new Router({ linger: 0 }), new Dealer({ linger: 0 }));
  await closed.frontEnd.bind(name());
  await closed.backEnd.bind(name());
  await closed.backEnd.close();
  await assert.rejects(closed.run(), (e: ZmqError) => e.code === "EINVAL" && /back-end/.test(e.message));
  await close(closed.frontEnd);
});
