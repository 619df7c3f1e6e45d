import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Pair, Pull, Push, Router, type Socket, type SocketEvent, type ZmqError } from "../../mod.ts";
import { RemoteSocket } from "../support/threads.ts";
import { text, texts, withTimeout } from "../support/util.ts";

const name = (what: string) => `inproc://threads-${what}-${Math.random().toString(36).slice(2)}`;

/** Resolves with the first event of `type` on `socket` (read through `events.on`). */
function nextEvent(socket: Socket, type: SocketEvent["type"]): Promise<SocketEvent> {
  return new Promise((resolve) => socket.events.on(type, resolve));
}

test("bind in the main thread, connect from a worker", async () => {
  const endpoint = name("main-binds");
  const pull = new Pull();
  await pull.bind(endpoint);
  const push = await RemoteSocket.start("Push");
  try {
    await push.connect(endpoint);
    await push.call("stream", 100, "m");
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(texts(await withTimeout(pull.receive(), 10_000, `message ${i}`)), ["m", String(i)]);
    }
  } finally {
    await push.terminate();
    await pull.close();
  }
});

test("bind in a worker, connect from the main thread, either order", async () => {
  const late = name("worker-binds-late");
  const early = name("worker-binds-early");
  const dealer = new Dealer();
  // Connected before anything binds: messages wait in the pipe, as for a same-thread inproc connect.
  dealer.connect(late);
  await dealer.send(["", "queued before the bind"]);
  const rep = await RemoteSocket.start("Reply");
  const rep2 = await RemoteSocket.start("Reply");
  try {
    await rep.bind(late);
    assert.deepEqual(await withTimeout(rep.receive(), 10_000, "queued request"), ["queued before the bind"]);
    await rep.send(["answer"]);
    assert.deepEqual(texts(await withTimeout(dealer.receive(), 10_000, "reply")), ["", "answer"]);
    // Bound first, then connected: the Dealer's next request goes to one of the two Replies.
    await rep2.bind(early);
    dealer.connect(early);
    const answers = [rep.call("echo", 1), rep2.call("echo", 1)];
    await dealer.send(["", "one"]);
    await dealer.send(["", "two"]);
    const replies = [texts(await dealer.receive()), texts(await dealer.receive())].map((m) => m[1]).sort();
    assert.deepEqual(replies, ["one", "two"]);
    assert.deepEqual(await withTimeout(Promise.all(answers), 10_000, "echo"), [1, 1]);
  } finally {
    await Promise.all([rep.terminate(), rep2.terminate()]);
    dealer.linger = 0;
    await dealer.close();
  }
});

test("Router in the main thread, Dealers in two workers: 1,000 round trips each, at once", async () => {
  const endpoint = name("roundtrips");
  const router = new Router();
  await router.bind(endpoint);
  const workers = await Promise.all([RemoteSocket.start("Dealer"), RemoteSocket.start("Dealer")]);
  let serving = true;
  const served = (async () => {
    let n = 0;
    while (serving) {
      const message = await router.receive().catch(() => null);
      if (!message) break;
      await router.send(message);
      n++;
    }
    return n;
  })();
  try {
    await Promise.all(workers.map((w) => w.connect(endpoint)));
    const done = await withTimeout(
      Promise.all(workers.map((w, i) => w.call("roundtrips", 1000, `w${i}`))),
      60_000,
      "round trips",
    );
    assert.deepEqual(done, [1000, 1000]);
  } finally {
    serving = false;
    await Promise.all(workers.map((w) => w.terminate()));
    router.linger = 0;
    await router.close();
    assert.equal(await served, 2000);
  }
});

test("a 1 MB frame each way", async () => {
  const endpoint = name("large");
  const pair = new Pair();
  await pair.bind(endpoint);
  const remote = await RemoteSocket.start("Pair");
  try {
    await remote.connect(endpoint);
    const big = new Uint8Array(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = i * 7;
    await pair.send(["head", big]);
    const got = await withTimeout(remote.receive(true), 10_000, "1 MB to the worker") as Uint8Array[];
    assert.equal(text(got[0]), "head");
    assert.deepEqual(got[1], big);
    // The sender's buffer is untouched: across threads a frame is copied, never taken away.
    assert.equal(big.byteLength, 1 << 20);
    await remote.send([got[1], "tail"]);
    const back = await withTimeout(pair.receive(), 10_000, "1 MB back");
    assert.deepEqual(back[0], big);
    assert.equal(text(back[1]), "tail");
  } finally {
    await remote.terminate();
    await pair.close();
  }
});

test("a Publisher in a worker reaches Subscribers in two others, each by its prefixes", async () => {
  const endpoint = name("pubsub");
  const pub = await RemoteSocket.start("Publisher");
  const subs = await Promise.all([RemoteSocket.start("Subscriber"), RemoteSocket.start("Subscriber")]);
  try {
    await pub.bind(endpoint);
    await subs[0].call("subscribe", "weather.");
    await subs[1].call("subscribe", "news.");
    await Promise.all(subs.map((s) => s.call("subscribe", "sync")));
    await Promise.all(subs.map((s) => s.connect(endpoint)));
    // Subscriptions reach the publisher some time after the link: publish "sync" until both have one.
    const synced = Promise.all(subs.map((s) => s.receive()));
    let waiting = true;
    synced.finally(() => (waiting = false));
    while (waiting) {
      await pub.send(["sync"]);
      await Promise.race([synced, new Promise((r) => setTimeout(r, 10))]);
    }
    await withTimeout(synced, 10_000, "sync");
    for (const topic of ["weather.rain", "news.today", "sports.goal", "weather.sun", "news.late"]) {
      await pub.send([topic, "body"]);
    }
    await pub.send(["weather.end"]);
    await pub.send(["news.end"]);
    const received = async (sub: RemoteSocket, end: string) => {
      const topics: string[] = [];
      for (;;) {
        const [topic] = await withTimeout(sub.receive(), 10_000, end) as string[];
        if (topic === "sync") continue;
        if (topic === end) return topics;
        topics.push(topic);
      }
    };
    assert.deepEqual(await received(subs[0], "weather.end"), ["weather.rain", "weather.sun"]);
    assert.deepEqual(await received(subs[1], "news.end"), ["news.today", "news.late"]);
  } finally {
    await Promise.all([pub, ...subs].map((s) => s.terminate()));
  }
});

test("a worker terminated mid-stream: its peer sees disconnect and goes on with the others", async () => {
  const endpoint = name("terminated");
  const pull = new Pull();
  const disconnected = nextEvent(pull, "disconnect");
  await pull.bind(endpoint);
  const doomed = await RemoteSocket.start("Push");
  const steady = await RemoteSocket.start("Push");
  try {
    await Promise.all([doomed.connect(endpoint), steady.connect(endpoint)]);
    const streaming = doomed.call("stream", 1_000_000, "doomed").catch(() => "ended");
    // Some of its messages arrive, then it is terminated in the middle of the stream.
    let fromDoomed = 0;
    while (fromDoomed < 10) {
      if (text((await withTimeout(pull.receive(), 10_000, "stream"))[0]) === "doomed") fromDoomed++;
    }
    await doomed.terminate();
    assert.equal(await streaming, "ended");
    assert.equal((await withTimeout(disconnected, 10_000, "disconnect")).address, endpoint);
    // What it sent before dying can still be read; the other worker's messages keep coming.
    await steady.call("stream", 5, "steady");
    let fromSteady = 0;
    while (fromSteady < 5) {
      if (text((await withTimeout(pull.receive(), 10_000, "steady"))[0]) === "steady") fromSteady++;
    }
  } finally {
    await steady.terminate();
    pull.linger = 0;
    await pull.close();
  }
});

test("a connect survives its binder's thread: it links again when another thread binds the name", async () => {
  const endpoint = name("rebind");
  const push = new Push();
  push.connect(endpoint);
  const first = await RemoteSocket.start("Pull");
  const second = await RemoteSocket.start("Pull");
  try {
    await first.bind(endpoint);
    await push.send("to the first");
    assert.deepEqual(await withTimeout(first.receive(), 10_000, "first"), ["to the first"]);
    const gone = nextEvent(push, "disconnect");
    await first.terminate();
    await withTimeout(gone, 10_000, "disconnect");
    await second.bind(endpoint);
    await push.send("to the second");
    assert.deepEqual(await withTimeout(second.receive(), 10_000, "second"), ["to the second"]);
  } finally {
    await Promise.all([first.terminate(), second.terminate()]);
    push.linger = 0;
    await push.close();
  }
});

test("close with messages still queued: delivered with linger, dropped with linger 0", async () => {
  for (const linger of [-1, 0]) {
    const endpoint = name(`linger${linger}`);
    // A receive HWM of 5: most of the 200 messages wait in the sender's thread for credit.
    const pull = new Pull({ receiveHighWaterMark: 5 });
    await pull.bind(endpoint);
    const push = await RemoteSocket.start("Push", { linger, sendHighWaterMark: 1000 });
    try {
      await push.connect(endpoint);
      await push.event("handshake");
      await push.call("stream", 200, "x");
      const gone = nextEvent(pull, "disconnect");
      await push.close();
      await withTimeout(gone, 10_000, "disconnect after close");
      let got = 0;
      pull.receiveTimeout = 0;
      while (await pull.receive().then(() => true, () => false)) got++;
      if (linger === -1) assert.equal(got, 200, "every queued message arrives");
      else assert.ok(got < 200, `linger 0 drops what had not crossed yet (got ${got})`);
    } finally {
      await push.terminate();
      await pull.close();
    }
  }
});

test("a name bound in one thread cannot be bound in another (EADDRINUSE)", async () => {
  const endpoint = name("twice");
  const pull = new Pull();
  await pull.bind(endpoint);
  const other = await RemoteSocket.start("Pull");
  try {
    // The worker hears of the main thread's bind asynchronously: either its bind fails at once,
    // or its socket reports the conflict with a bind:error event.
    const failed = await other.bind(endpoint).then(() => null, (e: ZmqError) => e.code);
    if (failed === null) {
      const [event] = await withTimeout(other.event("bind:error"), 10_000, "bind:error") as { code: string }[];
      assert.equal(event.code, "EADDRINUSE");
    } else assert.equal(failed, "EADDRINUSE");
    // The first binder keeps the name.
    const push = await RemoteSocket.start("Push");
    try {
      await push.connect(endpoint);
      await push.send(["still mine"]);
      assert.deepEqual(texts(await withTimeout(pull.receive(), 10_000, "message")), ["still mine"]);
    } finally {
      await push.terminate();
    }
  } finally {
    await other.terminate();
    await pull.close();
  }
});

test("an explicit Context stays a namespace of its own thread", async () => {
  const endpoint = name("context");
  const pull = new Pull({ context: new Context(), receiveTimeout: 200 });
  await pull.bind(endpoint);
  const push = await RemoteSocket.start("Push", { sendTimeout: 0 });
  try {
    await push.connect(endpoint);
    await push.send(["queued"]); // the default Context's connect waits for a bind there
    await assert.rejects(pull.receive(), (e: ZmqError) => e.code === "EAGAIN");
  } finally {
    await push.terminate();
    await pull.close();
  }
});

test("a socket closed before its connect found a binder delivers what it queued once one binds (linger)", async () => {
  for (const where of ["same thread", "another thread"]) {
    const endpoint = name("late-binder");
    if (where === "same thread") {
      const push = new Push();
      push.connect(endpoint);
      await push.send("sent before any bind");
      await push.close();
    } else {
      const push = await RemoteSocket.start("Push");
      await push.connect(endpoint);
      await push.send(["sent before any bind"]);
      await push.close();
    }
    const pull = new Pull();
    await pull.bind(endpoint);
    assert.deepEqual(texts(await withTimeout(pull.receive(), 10_000, where)), ["sent before any bind"]);
    await pull.close();
  }
  // With linger 0 it is dropped at close.
  const endpoint = name("late-binder-linger0");
  const push = new Push({ linger: 0 });
  push.connect(endpoint);
  await push.send("dropped");
  await push.close();
  const pull = new Pull({ receiveTimeout: 100 });
  await pull.bind(endpoint);
  await assert.rejects(pull.receive(), (e: ZmqError) => e.code === "EAGAIN");
  await pull.close();
});

test("in one thread too, a connect links again when its binder closes and another binds; not with reconnectInterval -1", async () => {
  const endpoint = name("same-thread-rebind");
  const push = new Push({ sendTimeout: 0 });
  const once = new Push({ sendTimeout: 0, reconnectInterval: -1 });
  const first = new Pull();
  await first.bind(endpoint);
  push.connect(endpoint);
  once.connect(endpoint);
  await push.send("one");
  await once.send("one");
  assert.equal((await first.receive()).length, 1);
  assert.equal((await first.receive()).length, 1);
  await first.close();
  const second = new Pull();
  await second.bind(endpoint);
  await push.send("two");
  assert.deepEqual(texts(await withTimeout(second.receive(), 5000, "two")), ["two"]);
  // Without reconnection the connect ended with its binder: nowhere to send.
  await assert.rejects(once.send("lost"), (e: ZmqError) => e.code === "EAGAIN");
  await Promise.all([push.close(), once.close(), second.close()]);
});

test("a receiving thread busy for a while loses nothing of what streamed in meanwhile", async () => {
  const endpoint = name("busy");
  const pull = new Pull();
  await pull.bind(endpoint);
  const push = await RemoteSocket.start("Push");
  try {
    await push.connect(endpoint);
    // Hundreds of posts' worth (70 kB frames travel a few per post): more than Deno's BroadcastChannel keeps.
    const streaming = push.call("stream", 1000, "busy", 70_000);
    assert.equal(text((await withTimeout(pull.receive(), 10_000, "first"))[1]), "0");
    const until = performance.now() + 300;
    while (performance.now() < until) {
      // busy, as a CPU-bound handler
    }
    for (let i = 1; i < 1000; i++) {
      const [, n, body] = await withTimeout(pull.receive(), 10_000, `message ${i}`);
      assert.equal(text(n), String(i));
      assert.equal(body.byteLength, 70_000);
    }
    assert.equal(await streaming, 1000);
  } finally {
    await push.terminate();
    await pull.close();
  }
});
