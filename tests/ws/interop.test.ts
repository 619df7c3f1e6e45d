/**
 * ws against libzmq's draft ws transport (the `zeromq` npm package is built with it):
 * libzmq connects with "ZWS2.0/NULL" (ZMTP commands over ZWS), omq connects with bare
 * "ZWS2.0" (what a standard WebSocket client can offer), PLAIN from libzmq as "ZWS2.0/PLAIN".
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Publisher, Pull, Push, Reply, Request, Router, type Socket, Subscriber } from "../../mod.ts";
import { startLibzmq } from "../support/libzmq.ts";
import { eventually, texts, withTimeout } from "../support/util.ts";

async function closeAll(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

test("ws interop: libzmq REQ (ZWS2.0/NULL) to omq REP, and omq REQ (bare ZWS2.0) to libzmq REP", async () => {
  await using zmq = await startLibzmq();
  const rep = new Reply();
  await rep.bind("ws://127.0.0.1:*/rep");
  const zreq = await zmq.socket("req");
  await zreq.connect(rep.lastEndpoint!);
  await zreq.send(["hi", "omq"]);
  assert.deepEqual(texts(await withTimeout(rep.receive(), 10000, "omq REP receive")), ["hi", "omq"]);
  await rep.send("hello libzmq");
  assert.deepEqual(texts(await zreq.receive()), ["hello libzmq"]);

  const zrep = await zmq.socket("rep");
  const endpoint = await zrep.bind("ws://127.0.0.1:*/zrep");
  const req = new Request();
  req.connect(endpoint);
  await req.send(["hi", "libzmq"]);
  assert.deepEqual(texts(await zrep.receive()), ["hi", "libzmq"]);
  await zrep.send("hello omq");
  assert.deepEqual(texts(await withTimeout(req.receive(), 10000, "omq REQ receive")), ["hello omq"]);
  await closeAll(rep, req);
});

test("ws interop: PUB/SUB both ways, subscriptions filtered by the publisher", async () => {
  await using zmq = await startLibzmq();
  const pub = new Publisher();
  await pub.bind("ws://127.0.0.1:*/pub");
  const zsub = await zmq.socket("sub");
  await zsub.subscribe("a");
  await zsub.connect(pub.lastEndpoint!);
  // Publish until the subscription has arrived; only "a" may come through.
  const received = zsub.receive({ timeout: 10000 });
  let n = 0;
  const timer = setInterval(() => {
    void pub.send(["b", `${n}`]);
    void pub.send(["a", `${n++}`]);
  }, 5);
  try {
    assert.equal(texts(await received)[0], "a");
  } finally {
    clearInterval(timer);
  }

  const zpub = await zmq.socket("pub");
  const endpoint = await zpub.bind("ws://127.0.0.1:*/zpub");
  const sub = new Subscriber();
  sub.subscribe("x");
  sub.connect(endpoint);
  const got = sub.receive();
  await eventually(async () => {
    await zpub.send(["y", "no"]);
    await zpub.send(["x", "yes"]);
    return await Promise.race([got.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 20))]);
  }, { timeout: 10000 });
  assert.deepEqual(texts(await got), ["x", "yes"]);
  await closeAll(pub, sub);
});

test("ws interop: PUSH/PULL and ROUTER with libzmq, 100 KiB frames", async () => {
  await using zmq = await startLibzmq();
  const pull = new Pull();
  await pull.bind("ws://127.0.0.1:*/pull");
  const zpush = await zmq.socket("push");
  await zpush.connect(pull.lastEndpoint!);
  const big = new Uint8Array(100_000).fill(9);
  await zpush.sendMany(Array.from({ length: 20 }, (_, i) => [String(i), big]));
  for (let i = 0; i < 20; i++) {
    const msg = await withTimeout(pull.receive(), 10000, `message ${i}`);
    assert.equal(texts([msg[0]])[0], String(i));
    assert.deepEqual(msg[1], big);
  }

  const zpull = await zmq.socket("pull");
  const endpoint = await zpull.bind("ws://127.0.0.1:*/zpull");
  const push = new Push();
  push.connect(endpoint);
  for (let i = 0; i < 20; i++) await push.send([String(i), big]);
  const got = await zpull.receiveMany(20);
  assert.deepEqual(got.map((m) => texts([m[0]])[0]), Array.from({ length: 20 }, (_, i) => String(i)));

  const router = new Router();
  await router.bind("ws://127.0.0.1:*/router");
  const zdealer = await zmq.socket("dealer", { routingId: "zd" });
  await zdealer.connect(router.lastEndpoint!);
  await zdealer.send("ping");
  const [id, body] = await withTimeout(router.receive(), 10000, "router receive");
  assert.deepEqual(texts([id, body]), ["zd", "ping"]);
  await router.send([id, "pong"]);
  assert.deepEqual(texts(await zdealer.receive()), ["pong"]);
  await closeAll(pull, push, router);
});

test("ws interop: a libzmq PLAIN client (ZWS2.0/PLAIN) logs in to an omq PLAIN server via ZAP", async () => {
  await using zmq = await startLibzmq();
  const context = new Context();
  const zap = new Router({ context, linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  const seen: string[] = [];
  void (async () => {
    for await (const [id, delimiter, version, requestId, , , , mechanism, user, password] of zap) {
      seen.push(texts([mechanism, user, password]).join(" "));
      const ok = texts([user, password]).join(":") === "user:secret";
      await zap.send([id, delimiter, version, requestId, ok ? "200" : "400", "", ok ? "user" : "", ""]);
    }
  })().catch(() => {});
  const pull = new Pull({ context, plainServer: true });
  await pull.bind("ws://127.0.0.1:*/plain");
  const zpush = await zmq.socket("push", { plainUsername: "user", plainPassword: "secret" });
  await zpush.connect(pull.lastEndpoint!);
  await zpush.send("over PLAIN");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 10000, "PLAIN message")), ["over PLAIN"]);
  assert.deepEqual(seen, ["PLAIN user secret"]);
  await closeAll(pull, zap);
});
