import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  Dealer,
  Proxy,
  proxy,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type Socket,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../mod.ts";
import { type Libzmq, startLibzmq } from "./support/libzmq.ts";
import { texts, withTimeout } from "./support/util.ts";

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

test("STREAMER (Pull↔Push) passes a pipeline through; run() ends when a socket closes", async () => {
  const front = new Pull();
  const back = new Push();
  const [inEp, outEp] = [name(), name()];
  await front.bind(inEp);
  await back.bind(outEp);
  const running = proxy(front, back);
  const producer = new Push();
  producer.connect(inEp);
  const consumer = new Pull();
  consumer.connect(outEp);
  for (let i = 0; i < 50; i++) await producer.send(["job", `${i}`]);
  for (let i = 0; i < 50; i++) assert.deepEqual(texts(await withTimeout(consumer.receive(), 5000, "job")), ["job", `${i}`]);
  await close(front, back);
  await withTimeout(running, 5000, "proxy end");
  await close(producer, consumer);
});

test("QUEUE (Router↔Dealer) between Request clients and Reply workers keeps envelopes and routes replies back", async () => {
  const front = new Router();
  const back = new Dealer();
  await front.bind("tcp://127.0.0.1:*");
  await back.bind("tcp://127.0.0.1:*");
  const queue = new Proxy(front, back);
  const running = queue.run();
  const workers = [new Reply(), new Reply()];
  for (const [k, w] of workers.entries()) {
    w.connect(back.lastEndpoint!);
    (async () => {
      for await (const [req] of w) await w.send([`worker ${k}`, req]);
    })();
  }
  const clients = [new Request(), new Request(), new Request()];
  for (const c of clients) c.connect(front.lastEndpoint!);
  await Promise.all(clients.map(async (c, k) => {
    for (let i = 0; i < 5; i++) {
      await c.send(`client ${k} #${i}`);
      const [, echoed] = texts(await withTimeout(c.receive(), 5000, "reply through the queue"));
      assert.equal(echoed, `client ${k} #${i}`);
    }
  }));
  queue.terminate();
  await withTimeout(running, 5000, "terminate");
  await close(front, back, ...workers, ...clients);
});

test("FORWARDER (XSubscriber↔XPublisher): subscriptions flow upstream, messages downstream", async () => {
  const upstream = new Publisher();
  await upstream.bind(name());
  const xsub = new XSubscriber();
  const xpub = new XPublisher();
  xsub.connect(upstream.lastEndpoint!);
  await xpub.bind(name());
  const running = proxy(xpub, xsub);
  const sub = new Subscriber();
  sub.connect(xpub.lastEndpoint!);
  sub.subscribe("weather");
  let got: string[] | null = null;
  const receiving = sub.receive().then((m) => (got = texts(m)));
  for (let i = 0; i < 200 && !got; i++) {
    await upstream.send(["weather", "sunny"]);
    await upstream.send(["sports", "ignored"]);
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(await withTimeout(receiving, 5000, "forwarded"), ["weather", "sunny"]);
  await close(upstream, xsub, xpub, sub);
  await withTimeout(running, 5000, "proxy end");
});

test("pause() holds messages in the sockets and resume() forwards them", async () => {
  const front = new Pull();
  const back = new Push();
  const [inEp, outEp] = [name(), name()];
  await front.bind(inEp);
  await back.bind(outEp);
  const steer = new Proxy(front, back);
  const running = steer.run();
  const producer = new Push();
  producer.connect(inEp);
  const consumer = new Pull({ receiveTimeout: 100 });
  consumer.connect(outEp);
  await producer.send("before");
  assert.deepEqual(texts(await withTimeout(consumer.receive(), 5000, "before")), ["before"]);
  steer.pause();
  await producer.send("during");
  await new Promise((r) => setTimeout(r, 20));
  await producer.send("during 2");
  // The proxy may hold one message it had already taken; the rest wait until resume.
  const early = await consumer.receive().then(texts, () => null);
  steer.resume();
  consumer.receiveTimeout = 5000;
  const rest = [];
  for (let i = early ? 1 : 0; i < 2; i++) rest.push(texts(await consumer.receive())[0]);
  assert.deepEqual([...(early ?? []), ...rest], ["during", "during 2"]);
  steer.terminate();
  await withTimeout(running, 5000, "terminate");
  await close(front, back, producer, consumer);
});

test("an omq QUEUE between libzmq clients and libzmq workers", async () => {
  const front = new Router();
  const back = new Dealer();
  await front.bind("tcp://127.0.0.1:*");
  await back.bind("tcp://127.0.0.1:*");
  const running = proxy(front, back);
  const worker = await zmq.socket("rep", { linger: 0 });
  await worker.connect(back.lastEndpoint!);
  const client = await zmq.socket("req", { linger: 0 });
  await client.connect(front.lastEndpoint!);
  for (let i = 0; i < 3; i++) {
    await client.send(`hello ${i}`);
    const [req] = await worker.receive({ timeout: 5000 });
    await worker.send([new TextDecoder().decode(req).replace("hello", "world")]);
    assert.deepEqual(texts(await client.receive({ timeout: 5000 })), [`world ${i}`]);
  }
  await client.close();
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
