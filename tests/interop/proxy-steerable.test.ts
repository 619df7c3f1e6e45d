// A proxy steered through a control socket as libzmq's zmq_proxy_steerable: libzmq programs (zeromq.js)
// send PAUSE, RESUME, STATISTICS and TERMINATE, and read the eight 64-bit counters in libzmq's order.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Proxy, proxy, Pull, Push, Reply, Router, type Socket, Subscriber } from "../../mod.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { texts, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

const TCP = "tcp://127.0.0.1:*";

/** The counters of a STATISTICS reply: eight frames, each a 64-bit number in the host's byte order. */
function counters(reply: Uint8Array[]): number[] {
  assert.equal(reply.length, 8);
  return reply.map((f) => {
    assert.equal(f.byteLength, 8);
    return Number(new BigUint64Array(f.slice().buffer)[0]);
  });
}

/** A STREAMER (Pull -> Push) between libzmq's push and pull, steered by `control`. */
async function streamer(control: Socket) {
  const front = new Pull({ linger: 0 });
  const back = new Push({ linger: 0 });
  await front.bind(TCP);
  await back.bind(TCP);
  const producer = await zmq.socket("push");
  await producer.connect(front.lastEndpoint!);
  const consumer = await zmq.socket("pull");
  await consumer.connect(back.lastEndpoint!);
  return { front, back, producer, consumer, steered: new Proxy(front, back, undefined, control) };
}

test("libzmq's REQ steers a proxy through its REP control socket: PAUSE, RESUME, STATISTICS, TERMINATE", async () => {
  const control = new Reply({ linger: 0 });
  await control.bind(TCP);
  const { front, back, producer, consumer, steered } = await streamer(control);
  const running = steered.run();
  const req = await zmq.socket("req");
  await req.connect(control.lastEndpoint!);

  await producer.send(["ab", "cde"]);
  assert.deepEqual(texts(await consumer.receive()), ["ab", "cde"]);

  await req.send("PAUSE");
  assert.deepEqual(texts(await req.receive()), [""], "a REP control socket answers every command");
  await producer.send(["held"]);
  await assert.rejects(consumer.receive({ timeout: 200 }), (e: { code?: string }) => e.code === "EAGAIN");
  await req.send("RESUME");
  assert.deepEqual(texts(await req.receive()), [""]);
  assert.deepEqual(texts(await consumer.receive()), ["held"]);

  await req.send("STATISTICS");
  // The front end received 3 frames ("ab", "cde", "held": 9 bytes), the back end sent them; nothing came back.
  assert.deepEqual(counters(await req.receive()), [3, 9, 0, 0, 0, 0, 3, 9]);
  const { frontEnd, backEnd } = steered.statistics;
  assert.deepEqual([frontEnd.received, backEnd.sent], [{ messages: 3, bytes: 9 }, { messages: 3, bytes: 9 }]);

  await req.send("TERMINATE");
  assert.deepEqual(texts(await req.receive()), [""]);
  await withTimeout(running, 5000, "run() after TERMINATE");
  assert.ok(front.closed && back.closed, "as zeromq.js, a Proxy's run() closes its sockets when it ends");
  await control.close();
});

test("libzmq's PUB terminates proxy() through a SUB control socket; the sockets stay open", async () => {
  const control = new Subscriber({ linger: 0 });
  control.subscribe();
  const pub = await zmq.socket("pub");
  const endpoint = await pub.bind(TCP);
  control.connect(endpoint);
  const front = new Pull({ linger: 0 });
  const back = new Push({ linger: 0 });
  await front.bind(TCP);
  await back.bind(TCP);
  const running = proxy(front, back, undefined, control);
  // PUB drops what it sends before the subscription arrives: repeat until the proxy ends.
  let ended = false;
  running.finally(() => (ended = true));
  while (!ended) {
    await pub.send("TERMINATE");
    await Promise.race([running, new Promise((r) => setTimeout(r, 20))]);
  }
  await withTimeout(running, 5000, "proxy() after TERMINATE");
  assert.ok(!front.closed && !back.closed, "proxy() leaves the sockets to the caller, as zmq_proxy_steerable");
  await Promise.all([front.close(), back.close(), control.close()]);
});

test("STATISTICS counts both directions of a QUEUE, frame by frame, as libzmq", async () => {
  const control = new Reply({ linger: 0 });
  await control.bind(TCP);
  const front = new Router({ linger: 0 });
  const back = new Dealer({ linger: 0 });
  await front.bind(TCP);
  await back.bind(TCP);
  const running = proxy(front, back, undefined, control);
  const client = await zmq.socket("req");
  await client.connect(front.lastEndpoint!);
  const worker = await zmq.socket("rep");
  await worker.connect(back.lastEndpoint!);
  await client.send("ping");
  assert.deepEqual(texts(await worker.receive()), ["ping"]);
  await worker.send("pong!");
  assert.deepEqual(texts(await client.receive()), ["pong!"]);
  const req = await zmq.socket("req");
  await req.connect(control.lastEndpoint!);
  await req.send("STATISTICS");
  const [frn, frb, fsn, fsb, brn, brb, bsn, bsb] = counters(await req.receive());
  // Request: routing id (5 bytes), delimiter, "ping"; reply: routing id, delimiter, "pong!".
  assert.deepEqual([frn, frb, bsn, bsb], [3, 9, 3, 9]);
  assert.deepEqual([brn, brb, fsn, fsb], [3, 10, 3, 10]);
  await req.send("TERMINATE");
  await req.receive();
  await withTimeout(running, 5000, "proxy() after TERMINATE");
  await Promise.all([front.close(), back.close(), control.close()]);
});
