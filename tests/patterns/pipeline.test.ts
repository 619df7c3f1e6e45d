import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Pair, Pull, Push, type Socket, type SocketEvent, type ZmqError } from "../../mod.ts";
import { existsSync } from "node:fs";
import { eventually, tempIpcPath, withTimeout } from "../support/util.ts";

const text = (frames: Uint8Array[]) => frames.map((f) => new TextDecoder().decode(f));
const transports = ["tcp", "ipc", "inproc"] as const;

/** A fresh endpoint to bind for each transport. */
async function endpointFor(transport: (typeof transports)[number]): Promise<string> {
  if (transport === "tcp") return "tcp://127.0.0.1:*";
  if (transport === "ipc") return await tempIpcPath();
  return `inproc://t-${Math.random().toString(36).slice(2)}`;
}

async function closeAll(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

for (const transport of transports) {
  test(`${transport}: Push sends multipart messages to Pull in order`, async () => {
    const pull = new Pull();
    const push = new Push();
    await pull.bind(await endpointFor(transport));
    push.connect(pull.lastEndpoint!);
    for (let i = 0; i < 100; i++) await push.send([`m${i}`, "", new Uint8Array([i])]);
    for (let i = 0; i < 100; i++) {
      const msg = await withTimeout(pull.receive(), 5000, `message ${i}`);
      assert.deepEqual(text(msg.slice(0, 2)), [`m${i}`, ""]);
      assert.deepEqual([...msg[2]], [i]);
      assert.equal(Object.getPrototypeOf(msg[0]), Uint8Array.prototype);
    }
    await closeAll(push, pull);
  });

  test(`${transport}: Push connected before Pull binds delivers once it binds`, async () => {
    let endpoint = await endpointFor(transport);
    if (transport === "tcp") {
      // Learn a free port, release it, then connect to it before anyone listens.
      const probe = new Pull();
      await probe.bind(endpoint);
      endpoint = probe.lastEndpoint!;
      await probe.close();
    }
    const push = new Push();
    push.connect(endpoint);
    await push.send("early");
    const pull = new Pull();
    await pull.bind(endpoint);
    assert.deepEqual(text(await withTimeout(pull.receive(), 5000, "early message")), ["early"]);
    await closeAll(push, pull);
  });

  test(`${transport}: Push load-balances evenly over two Pulls`, async () => {
    const push = new Push();
    const pulls = [new Pull(), new Pull()];
    for (const p of pulls) {
      await p.bind(await endpointFor(transport));
      push.connect(p.lastEndpoint!);
    }
    const counts = [0, 0];
    for (let i = 0; i < 100; i++) await push.send(`${i}`);
    await Promise.all(pulls.map(async (p, k) => {
      for (let i = 0; i < 50; i++) {
        await withTimeout(p.receive(), 5000, "split message");
        counts[k]++;
      }
    }));
    assert.deepEqual(counts, [50, 50]);
    await closeAll(push, ...pulls);
  });

  test(`${transport}: Pull fair-queues from two Pushes`, async () => {
    const pull = new Pull();
    await pull.bind(await endpointFor(transport));
    const pushes = [new Push(), new Push()];
    for (const p of pushes) p.connect(pull.lastEndpoint!);
    for (let i = 0; i < 20; i++) for (const [k, p] of pushes.entries()) await p.send(`${k}:${i}`);
    const got = new Set<string>();
    for (let i = 0; i < 40; i++) got.add(text(await withTimeout(pull.receive(), 5000, "fair-queued"))[0]);
    assert.equal(got.size, 40);
    await closeAll(pull, ...pushes);
  });

  test(`${transport}: Pair talks both ways`, async () => {
    const a = new Pair();
    const b = new Pair();
    await a.bind(await endpointFor(transport));
    b.connect(a.lastEndpoint!);
    await b.send(["ping", "1"]);
    assert.deepEqual(text(await withTimeout(a.receive(), 5000, "ping")), ["ping", "1"]);
    await a.send("pong");
    assert.deepEqual(text(await withTimeout(b.receive(), 5000, "pong")), ["pong"]);
    await closeAll(a, b);
  });
}

test("tcp: traffic resumes after the bound peer goes away and comes back", async () => {
  const pull1 = new Pull();
  await pull1.bind("tcp://127.0.0.1:*");
  const endpoint = pull1.lastEndpoint!;
  const push = new Push({ reconnectInterval: 20, reconnectMaxInterval: 200 });
  const disconnected = (async () => {
    for await (const e of push.events) if (e.type === "disconnect") return;
  })();
  push.connect(endpoint);
  await push.send("one");
  assert.deepEqual(text(await withTimeout(pull1.receive(), 5000, "first")), ["one"]);
  pull1.linger = 0;
  await pull1.close();
  // Like libzmq, a message handed to a connection that is dying can be lost; wait until it is gone.
  await withTimeout(disconnected, 5000, "disconnect event");
  const pull2 = new Pull();
  await eventually(() => pull2.bind(endpoint), { timeout: 5000 });
  // Messages sent while the peer was away wait in the queue and go out after the reconnect.
  await push.send("two");
  assert.deepEqual(text(await withTimeout(pull2.receive(), 5000, "after reconnect")), ["two"]);
  await closeAll(push, pull2);
});

test("ipc: a stale socket file does not stop a new bind", async () => {
  const endpoint = await tempIpcPath();
  const first = new Pull();
  await first.bind(endpoint);
  await closeAll(first);
  const second = new Pull();
  await second.bind(endpoint);
  const push = new Push();
  push.connect(endpoint);
  await push.send("ok");
  assert.deepEqual(text(await withTimeout(second.receive(), 5000, "after rebind")), ["ok"]);
  await closeAll(push, second);
});

test("ipc: abstract namespace endpoints work", async () => {
  const endpoint = `ipc://@omq-test-${Math.random().toString(36).slice(2)}`;
  const pull = new Pull();
  await pull.bind(endpoint);
  assert.equal(pull.lastEndpoint, endpoint);
  const push = new Push();
  push.connect(endpoint);
  await push.send("abstract");
  assert.deepEqual(text(await withTimeout(pull.receive(), 5000, "abstract")), ["abstract"]);
  await closeAll(push, pull);
});

test("tcp with ipv6: IPv6 loopback and dual-stack wildcard binds work", async () => {
  const pull6 = new Pull({ ipv6: true });
  await pull6.bind("tcp://[::1]:*");
  assert.match(pull6.lastEndpoint!, /^tcp:\/\/\[::1\]:\d+$/);
  const wild = new Pull({ ipv6: true });
  await wild.bind("tcp://*:*");
  const port = wild.lastEndpoint!.split(":").pop();
  const push = new Push({ ipv6: true });
  push.connect(pull6.lastEndpoint!);
  push.connect(`tcp://localhost:${port}`);
  await push.send("a");
  await push.send("b");
  assert.equal((await withTimeout(pull6.receive(), 5000, "v6")).length, 1);
  assert.equal((await withTimeout(wild.receive(), 5000, "wildcard")).length, 1);
  await closeAll(push, pull6, wild);
});

test("inproc: sockets in different contexts do not see each other", async () => {
  const name = `inproc://ctx-${Math.random()}`;
  const pull = new Pull({ context: new Context() });
  await pull.bind(name);
  const push = new Push({ context: new Context(), sendTimeout: 0 });
  await assert.rejects(async () => {
    await pull.bind(name);
  }, (e: ZmqError) => e.code === "EADDRINUSE");
  push.connect(name);
  // The connect waits for a bind in its own context; nothing arrives here.
  await push.send("queued");
  pull.receiveTimeout = 50;
  await assert.rejects(pull.receive(), (e: ZmqError) => e.code === "EAGAIN");
  await closeAll(push, pull);
});

test("an incompatible peer is refused at handshake", async () => {
  const a = new Push();
  await a.bind("tcp://127.0.0.1:*");
  const b = new Push();
  const events: SocketEvent[] = [];
  const seen = (async () => {
    for await (const e of a.events) {
      events.push(e);
      if (e.type === "handshake:error:protocol") return;
    }
  })();
  b.connect(a.lastEndpoint!);
  await withTimeout(seen, 5000, "handshake:error:protocol");
  await closeAll(a, b);
});

test("events report bind, accept, connect, handshake, disconnect, close and end", async () => {
  const pull = new Pull();
  const push = new Push({ reconnectInterval: 1000 });
  const pullTypes: string[] = [];
  const pushTypes: string[] = [];
  const collect = async (s: Socket, into: string[]) => {
    for await (const e of s.events) into.push(e.type);
  };
  const done = [collect(pull, pullTypes), collect(push, pushTypes)];
  await pull.bind("tcp://127.0.0.1:*");
  push.connect(pull.lastEndpoint!);
  await push.send("x");
  await withTimeout(pull.receive(), 5000, "x");
  await eventually(() => pushTypes.includes("handshake"), { timeout: 5000 });
  await closeAll(pull);
  await eventually(() => pushTypes.includes("disconnect"), { timeout: 5000 });
  await closeAll(push);
  await withTimeout(Promise.all(done), 5000, "event streams end");
  for (const t of ["bind", "accept", "handshake", "disconnect", "close", "end"]) assert.ok(pullTypes.includes(t), t);
  for (const t of ["connect", "handshake", "disconnect", "end"]) assert.ok(pushTypes.includes(t), t);
});

test("send waits at the high-water mark and fails with EAGAIN after sendTimeout", async () => {
  const push = new Push({ sendHighWaterMark: 5, sendTimeout: 30 });
  push.connect(`inproc://nobody-${Math.random()}`);
  // inproc with no binder: the pipe HWM is the sender's 5 until a bind (tests/patterns/inproc-marks.test.ts).
  const push2 = new Push({ sendHighWaterMark: 5, sendTimeout: 30 });
  push2.connect("tcp://127.0.0.1:9"); // nothing listens: queued on the pending peer up to the HWM
  for (let i = 0; i < 5; i++) await push2.send(`${i}`);
  await assert.rejects(push2.send("6th"), (e: ZmqError) => e.code === "EAGAIN");
  await closeAll(push, push2);
});

test("receive times out with EAGAIN and close rejects a pending receive with ETERM", async () => {
  const pull = new Pull({ receiveTimeout: 20 });
  await assert.rejects(pull.receive(), (e: ZmqError) => e.code === "EAGAIN");
  pull.receiveTimeout = -1;
  const pending = pull.receive();
  await pull.close();
  await assert.rejects(pending, (e: ZmqError) => e.code === "ETERM");
  await assert.rejects(pull.receive(), (e: ZmqError) => e.code === "ETERM");
  assert.equal(pull.closed, true);
});

test("forbidden operations reject with ENOTSUP; bad endpoints with EINVAL/EPROTONOSUPPORT", async () => {
  const pull = new Pull();
  const push = new Push();
  await assert.rejects(pull.send("x"), (e: ZmqError) => e.code === "ENOTSUP");
  await assert.rejects(push.receive(), (e: ZmqError) => e.code === "ENOTSUP");
  await assert.rejects(pull.bind("tcp://127.0.0.1"), (e: ZmqError) => e.code === "EINVAL");
  await assert.rejects(pull.bind("bogus://x"), (e: ZmqError) => e.code === "EPROTONOSUPPORT");
  assert.throws(() => push.connect("tcp://*:5555"), (e: ZmqError) => e.code === "EINVAL");
  await pull.bind("tcp://127.0.0.1:*");
  const other = new Pull();
  await assert.rejects(
    other.bind(pull.lastEndpoint!),
    (e: ZmqError) => e.code === "EADDRINUSE" && e.message.includes(pull.lastEndpoint!),
  );
  await closeAll(pull, push, other);
});

test("ipc://* binds a socket file in a new temporary directory, as libzmq; unbind and close remove it", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("ipc://*");
  const endpoint = pull.lastEndpoint!;
  assert.match(endpoint, /^ipc:\/\/.+\/socket$/);
  const path = endpoint.slice("ipc://".length);
  assert.ok(existsSync(path), `${path} exists while bound`);
  const push = new Push({ linger: 0 });
  push.connect(endpoint);
  await push.send("through the wildcard");
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "message")).map((f) => new TextDecoder().decode(f)), [
    "through the wildcard",
  ]);
  // A second wildcard bind gets a directory of its own.
  await pull.bind("ipc://*");
  const second = pull.lastEndpoint!.slice("ipc://".length);
  assert.notEqual(second, path);
  await pull.unbind(endpoint);
  assert.ok(!existsSync(path.slice(0, -"/socket".length)), "unbind removed the directory");
  await closeAll(pull, push);
  await eventually(() => !existsSync(second.slice(0, -"/socket".length)));
});

test("unbind and disconnect: ENOENT for what was never bound/connected, EINVAL for a malformed endpoint, ETERM once closed", async () => {
  const pull = new Pull();
  const push = new Push({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  push.connect(pull.lastEndpoint!);
  await assert.rejects(pull.unbind("tcp://127.0.0.1:1"), (e: ZmqError) => e.code === "ENOENT");
  assert.throws(() => push.disconnect("tcp://127.0.0.1:1"), (e: ZmqError) => e.code === "ENOENT");
  await assert.rejects(pull.unbind("foo"), (e: ZmqError) => e.code === "EINVAL");
  assert.throws(() => push.disconnect("tcp://127.0.0.1"), (e: ZmqError) => e.code === "EINVAL");
  const endpoint = pull.lastEndpoint!;
  // close() not awaited: the bindings and connections are still being torn down.
  const closing = closeAll(pull, push);
  await assert.rejects(pull.unbind(endpoint), (e: ZmqError) => e.code === "ETERM");
  assert.throws(() => push.disconnect(endpoint), (e: ZmqError) => e.code === "ETERM");
  await closing;
  await assert.rejects(pull.unbind(endpoint), (e: ZmqError) => e.code === "ETERM");
});

test("options are typed properties and constructor options, checked", async () => {
  const push = new Push({ sendHighWaterMark: 7, linger: 0 });
  assert.equal(push.sendHighWaterMark, 7);
  push.receiveTimeout = 100;
  assert.equal(push.receiveTimeout, 100);
  assert.throws(() => new Push({ nonsense: 1 } as never), TypeError);
  assert.throws(() => (push.linger = 1.5), TypeError);
  assert.throws(() => (push.sendHighWaterMark = -1), RangeError);
  assert.throws(() => (push.routingId = "x".repeat(256)), RangeError);
  // 1 to 255 bytes, as libzmq (EINVAL there); null means none.
  assert.throws(() => (push.routingId = ""), { name: "RangeError", message: /routingId/ });
  assert.throws(() => push.connect("inproc://never", { routingId: "" }), { name: "RangeError", message: /routingId/ });
  push.routingId = "abc";
  assert.deepEqual([...push.routingId!], [97, 98, 99]);
  push.routingId = null;
  assert.equal(push.routingId, null);
  await push.close();
});

test("async iteration, readable and writable streams", async () => {
  const pull = new Pull();
  await pull.bind("inproc://streams");
  const push = new Push();
  push.connect("inproc://streams");
  const writer = push.writable.getWriter();
  await writer.write("w1");
  await writer.write(["w2", "x"]);
  writer.releaseLock();
  const reader = pull.readable.getReader();
  assert.deepEqual(text((await reader.read()).value!), ["w1"]);
  reader.releaseLock();
  for await (const msg of pull) {
    assert.deepEqual(text(msg), ["w2", "x"]);
    break;
  }
  const iterating = (async () => {
    const all = [];
    for await (const m of pull) all.push(m);
    return all.length;
  })();
  await closeAll(pull);
  assert.equal(await withTimeout(iterating, 2000, "iteration ends on close"), 0);
  await closeAll(push);
});

test("Symbol.asyncDispose closes the socket", async () => {
  const push = new Push();
  await push[Symbol.asyncDispose]();
  assert.equal(push.closed, true);
});

test("close with linger delivers what was queued", async () => {
  const pull = new Pull();
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({ linger: 2000 });
  push.connect(pull.lastEndpoint!);
  for (let i = 0; i < 1000; i++) await push.send(`m${i}`);
  await push.close();
  for (let i = 0; i < 1000; i++) assert.deepEqual(text(await withTimeout(pull.receive(), 5000, `m${i}`)), [`m${i}`]);
  await closeAll(pull);
});

test("a slow Pull stops reading: the sender blocks at the high-water marks, nothing is lost", async () => {
  const pull = new Pull({ receiveHighWaterMark: 10 });
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({ sendHighWaterMark: 10, sendTimeout: 200 });
  push.connect(pull.lastEndpoint!);
  const frame = new Uint8Array(64 * 1024);
  let sent = 0;
  try {
    for (; sent < 10_000; sent++) await push.send(frame);
  } catch (e) {
    assert.equal((e as ZmqError).code, "EAGAIN");
  }
  assert.ok(sent < 10_000, "the sender never blocked");
  for (let i = 0; i < sent; i++) await withTimeout(pull.receive(), 5000, `message ${i} of ${sent}`);
  await closeAll(push, pull);
});
