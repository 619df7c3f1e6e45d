// Tests of the libzmq interop harness itself: libzmq on both sides, no omq code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type LibzmqError, nodeBinary, startLibzmq } from "../support/libzmq.ts";
import { bytes, eventually, tempIpcPath, text, texts, withTimeout } from "../support/util.ts";

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test("push/pull: multipart with an empty frame, and a 5 MB frame", async () => {
  const zmq = await startLibzmq();
  try {
    assert.match(zmq.version, /^4\./);
    const push = await zmq.socket("push", { linger: 0 });
    const endpoint = await push.bind("tcp://127.0.0.1:*");
    assert.match(endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const pull = await zmq.socket("pull");
    await pull.connect(endpoint);

    await push.send(["a", new Uint8Array(0), new Uint8Array([0, 255])]);
    const msg = await pull.receive({ timeout: 5000 });
    assert.deepEqual(msg, [bytes("a"), new Uint8Array(0), new Uint8Array([0, 255])]);

    const big = new Uint8Array(5 * 1024 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 11)) & 0xff;
    await push.send(["big", big]);
    const [head, body] = await pull.receive({ timeout: 20000 });
    assert.equal(text(head!), "big");
    assert.equal(body!.length, big.length);
    assert.ok(Buffer.compare(body!, big) === 0, "5 MB frame arrived intact");
  } finally {
    await zmq.close();
  }
});

test("sendMany/receiveMany over ipc, receive timeout rejects with EAGAIN", async () => {
  await using zmq = await startLibzmq();
  const pull = await zmq.socket("pull");
  const endpoint = await pull.bind(tempIpcPath());
  assert.match(endpoint, /^ipc:\/\//);
  const push = await zmq.socket("push");
  await push.connect(endpoint);
  const messages = Array.from({ length: 2000 }, (_, i) => [`m${i}`, String(i * i)]);
  await push.sendMany(messages);
  const received = await pull.receiveMany(2000, { timeout: 10000 });
  assert.deepEqual(received.map(texts), messages);

  await assert.rejects(pull.receive({ timeout: 50 }), (err: LibzmqError) => err.code === "EAGAIN");
  // the socket keeps working after a timeout
  await push.send("after");
  assert.deepEqual(texts(await pull.receive()), ["after"]);
});

test("req/rep, router/dealer routing ids, pub/sub, events, errors", async () => {
  await using zmq = await startLibzmq();

  const rep = await zmq.socket("rep");
  const repEndpoint = await rep.bind("tcp://127.0.0.1:*");
  const req = await zmq.socket("req");
  await req.connect(repEndpoint);
  await req.send("ping");
  assert.deepEqual(texts(await rep.receive()), ["ping"]);
  await rep.send(["pong", "!"]);
  assert.deepEqual(texts(await req.receive()), ["pong", "!"]);
  assert.deepEqual(await rep.waitEvent("accept").then((e) => e.type), "accept");

  const router = await zmq.socket("router");
  const routerEndpoint = await router.bind("tcp://127.0.0.1:*");
  const dealer = await zmq.socket("dealer", { routingId: "d1" });
  await dealer.connect(routerEndpoint);
  await dealer.send(["", "hello"]);
  assert.deepEqual(texts(await router.receive()), ["d1", "", "hello"]);
  await router.send(["d1", "", "back"]);
  assert.deepEqual(texts(await dealer.receive()), ["", "back"]);
  assert.equal(await dealer.getOption("routingId"), "d1");

  const pub = await zmq.socket("pub");
  const pubEndpoint = await pub.bind("tcp://127.0.0.1:*");
  const sub = await zmq.socket("sub");
  await sub.subscribe("news");
  await sub.connect(pubEndpoint);
  // subscriptions propagate asynchronously: publish until one arrives
  const got = await eventually(async () => {
    await pub.sendMany([["sport", "x"], ["news", "y"]]);
    return await sub.receive({ timeout: 100 });
  });
  assert.deepEqual(texts(got), ["news", "y"]);

  await assert.rejects(rep.bind("bogus://nowhere"), (err: LibzmqError) => {
    assert.equal(err.code, "EPROTONOSUPPORT");
    assert.match(err.message, /^libzmq bind: /);
    return true;
  });
  await assert.rejects(zmq.socket("nope" as never), /unknown socket type/);
  await assert.rejects(pub.setOption("noSuchOption", 1), /unknown option/);
  await pub.setOption("sendHighWaterMark", 7);
  assert.equal(await pub.getOption("sendHighWaterMark"), 7);

  const keys = await zmq.curveKeyPair();
  assert.equal(keys.publicKey.length, 40);
});

test("the peer exits on close() and when its stdin ends", async () => {
  const zmq = await startLibzmq();
  const push = await zmq.socket("push", { linger: -1 });
  await push.connect("tcp://127.0.0.1:1"); // nothing there: a pending message would linger forever
  await push.send("stuck", { timeout: 0 }).catch(() => {});
  const pid = zmq.pid;
  assert.ok(alive(pid));
  await withTimeout(zmq.close(), 5000, "close");
  assert.equal(await zmq.exited, 0);
  await eventually(() => !alive(pid), { timeout: 2000 });
  await assert.rejects(push.receive(), (err: LibzmqError) => err.code === "ETERM");
  await zmq.close(); // twice is fine

  const peer = fileURLToPath(new URL("../support/libzmq-peer.cjs", import.meta.url).href);
  const child = spawn(nodeBinary(), [peer], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  const hello = await new Promise<string>((resolve) => child.stdout!.once("data", (d) => resolve(String(d))));
  assert.match(hello, /"hello"/);
  child.stdout!.resume();
  child.stdin!.end();
  assert.equal(await withTimeout(exited, 5000, "peer exit on stdin end"), 0);
});
