import { test } from "node:test";
import assert from "node:assert/strict";
import { Pull, Push, Reply, Router, type Socket, type SocketEvent, XSubscriber, type ZmqError } from "../../mod.ts";
import { RemoteSocket, startThread } from "../support/threads.ts";
import { eventually, text, texts, withTimeout } from "../support/util.ts";

const name = (what: string) => `inproc://sockets-${what}-${Math.random().toString(36).slice(2)}`;

function nextEvent(socket: Socket, type: SocketEvent["type"]): Promise<SocketEvent> {
  return new Promise((resolve) => socket.events.on(type, resolve));
}

test("high-water marks across threads hold what a same-thread pipe holds: send HWM + receive HWM", async () => {
  const endpoint = name("hwm");
  const pull = new Pull({ receiveHighWaterMark: 5 });
  await pull.bind(endpoint);
  const push = await RemoteSocket.start("Push", { sendHighWaterMark: 5, sendTimeout: 200 });
  try {
    await push.connect(endpoint);
    await push.event("handshake");
    // Nothing is read: 5 wait in the sender's pipe, 5 in flight or in the receiver's.
    assert.equal(await push.call("fill"), 10);
    // Reading makes room again.
    for (let i = 0; i < 10; i++) {
      assert.equal(text((await withTimeout(pull.receive(), 10_000, `message ${i}`))[0]), String(i));
    }
    await push.call("set", "sendTimeout", -1);
    await push.send(["more"]);
    assert.deepEqual(texts(await withTimeout(pull.receive(), 10_000, "more")), ["more"]);
  } finally {
    await push.terminate();
    await pull.close();
  }
});

test("routing ids cross threads: a Dealer's announced id, and a Router that connected before the bind", async () => {
  const endpoint = name("ids");
  const router = new Router();
  await router.bind(endpoint);
  const dealer = await RemoteSocket.start("Dealer", { routingId: "alice" });
  const server = await RemoteSocket.start("Router", { routingId: "srv" });
  const client = new Router({ routingId: "cli", mandatory: true });
  try {
    await dealer.connect(endpoint);
    await dealer.send(["hi"]);
    assert.deepEqual(texts(await withTimeout(router.receive(), 10_000, "from alice")), ["alice", "hi"]);
    await router.send(["alice", "hello alice"]);
    assert.deepEqual(await withTimeout(dealer.receive(), 10_000, "to alice"), ["hello alice"]);
    // Connected first; the binder's id is known once its thread has answered.
    const late = name("late-router");
    client.connect(late);
    await server.bind(late);
    await eventually(() => client.send(["srv", "ping"]).then(() => true), { timeout: 10_000 });
    assert.deepEqual(await withTimeout(server.receive(), 10_000, "at srv"), ["cli", "ping"]);
  } finally {
    await Promise.all([dealer.terminate(), server.terminate()]);
    router.linger = 0;
    client.linger = 0;
    await Promise.all([router.close(), client.close()]);
  }
});

test("Request in a worker to a Reply in the main thread, and an XPublisher to an XSubscriber", async () => {
  const rr = name("reqrep");
  const rep = new Reply();
  await rep.bind(rr);
  const req = await RemoteSocket.start("Request");
  const xpub = await RemoteSocket.start("XPublisher");
  const ps = name("xpubsub");
  const xsub = new XSubscriber();
  try {
    await req.connect(rr);
    const trips = req.call("roundtrips", 50, "req");
    for (let i = 0; i < 50; i++) await rep.send(await withTimeout(rep.receive(), 10_000, `request ${i}`));
    assert.equal(await trips, 50);

    await xpub.bind(ps);
    xsub.connect(ps);
    await xsub.send(new Uint8Array([1, ...new TextEncoder().encode("a")]));
    // The subscription reaches the publisher as a message, as over tcp.
    const [subscription] = await withTimeout(xpub.receive(true), 10_000, "subscription") as Uint8Array[];
    assert.deepEqual([...subscription], [1, 97]);
    await xpub.send(["b.skipped"]);
    await xpub.send(["a.kept"]);
    assert.deepEqual(texts(await withTimeout(xsub.receive(), 10_000, "a.kept")), ["a.kept"]);
  } finally {
    await Promise.all([req.terminate(), xpub.terminate()]);
    rep.linger = 0;
    xsub.linger = 0;
    await Promise.all([rep.close(), xsub.close()]);
  }
});

test("a worker that crashes (uncaught error): its peer sees disconnect", async () => {
  const endpoint = name("crash");
  const pull = new Pull();
  const disconnected = nextEvent(pull, "disconnect");
  await pull.bind(endpoint);
  const push = await RemoteSocket.start("Push");
  try {
    await push.connect(endpoint);
    await push.send(["before"]);
    assert.deepEqual(texts(await withTimeout(pull.receive(), 10_000, "before")), ["before"]);
    await push.call("crash");
    assert.equal((await withTimeout(disconnected, 10_000, "disconnect")).address, endpoint);
  } finally {
    await push.terminate();
    await pull.close();
  }
});

test("a worker whose sockets are closed ends by itself", {
  skip: (globalThis as { Deno?: unknown }).Deno ? "Deno's Web Workers run until closed or terminated" : false,
}, async () => {
  const endpoint = name("exits");
  const pull = new Pull();
  await pull.bind(endpoint);
  const thread = startThread(new URL("../fixtures/thread-exits.ts", import.meta.url), { endpoint });
  try {
    assert.deepEqual(texts(await withTimeout(pull.receive(), 10_000, "last words")), ["last words"]);
    await withTimeout(thread.exited, 10_000, "the worker's end");
  } finally {
    await thread.terminate();
    await pull.close();
  }
});

test("disconnect from an endpoint in another thread: the binder sees the link end; a binder of the wrong type refuses", async () => {
  const endpoint = name("disconnect");
  const pull = await RemoteSocket.start("Pull");
  const wrong = await RemoteSocket.start("Push");
  const push = new Push({ sendTimeout: 0 });
  try {
    await pull.bind(endpoint);
    push.connect(endpoint);
    await push.send("one");
    assert.deepEqual(await withTimeout(pull.receive(), 10_000, "one"), ["one"]);
    push.disconnect(endpoint);
    await withTimeout(pull.event("disconnect"), 10_000, "binder's disconnect");
    // A Push cannot take a Push: the binder refuses the link, and the connect is over (no queue left).
    const refused = name("refused");
    await wrong.bind(refused);
    push.connect(refused);
    await eventually(() => push.send("x").then(() => false, (e: ZmqError) => e.code === "EAGAIN"), { timeout: 10_000 });
  } finally {
    await Promise.all([pull.terminate(), wrong.terminate()]);
    push.linger = 0;
    await push.close();
  }
});
