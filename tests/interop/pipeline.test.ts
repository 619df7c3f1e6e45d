// omq against libzmq 4.3 (zeromq.js, in a Node child process) for PAIR and PUSH/PULL,
// both directions, over tcp and ipc.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Pair, Pull, Push, type Socket } from "../../mod.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { tempIpcPath, texts, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed + (i >> 9)) & 0xff);

/** The messages every direction must carry intact: multipart, empty frames, the short/long boundary, 5 MB. */
const payloads = (): Uint8Array[][] => [
  [new TextEncoder().encode("hello"), new TextEncoder().encode("world")],
  [new Uint8Array(0)],
  [new Uint8Array(0), new Uint8Array([1]), new Uint8Array(0)],
  [pattern(255, 1)],
  [pattern(256, 2)],
  [pattern(255, 3), pattern(256, 4), pattern(257, 5)],
  [pattern(5 * 1024 * 1024, 6)],
];

function assertSame(got: Uint8Array[], want: Uint8Array[], what: string): void {
  assert.equal(got.length, want.length, `${what}: frame count`);
  got.forEach((f, i) => {
    assert.equal(f.byteLength, want[i].byteLength, `${what}: frame ${i} size`);
    assert.ok(f.every((b, k) => b === want[i][k]), `${what}: frame ${i} content`);
  });
}

async function close(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

const endpoints = {
  tcp: () => "tcp://127.0.0.1:*",
  ipc: () => tempIpcPath(),
};

test("tcp: a host name is bound at its address, and lastEndpoint names it as libzmq's does", async () => {
  const theirs = await zmq.socket("pull");
  const theirEndpoint = await theirs.bind("tcp://localhost:*");
  const pull = new Pull();
  await pull.bind("tcp://localhost:*");
  const host = (endpoint: string) => endpoint.slice(0, endpoint.lastIndexOf(":"));
  assert.equal(host(pull.lastEndpoint!), host(theirEndpoint), `omq ${pull.lastEndpoint}, libzmq ${theirEndpoint}`);
  assert.match(pull.lastEndpoint!, /^tcp:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
  const push = await zmq.socket("push");
  await push.connect(pull.lastEndpoint!);
  await push.send("by address", { timeout: 20_000 });
  assert.deepEqual(texts(await withTimeout(pull.receive(), 20_000, "from libzmq")), ["by address"]);
  await Promise.all([push.close(), theirs.close()]);
  await close(pull);
});

for (const [transport, endpoint] of Object.entries(endpoints)) {
  test(`${transport}: omq Push binds, libzmq Pull connects`, async () => {
    const push = new Push();
    await push.bind(endpoint());
    const pull = await zmq.socket("pull");
    await pull.connect(push.lastEndpoint!);
    for (const p of payloads()) await push.send(p);
    for (const [i, p] of payloads().entries()) assertSame(await pull.receive({ timeout: 20_000 }), p, `message ${i}`);
    await pull.close();
    await close(push);
  });

  test(`${transport}: libzmq Push binds, omq Pull connects`, async () => {
    const push = await zmq.socket("push");
    const ep = await push.bind(endpoint());
    const pull = new Pull();
    pull.connect(ep);
    for (const p of payloads()) await push.send(p, { timeout: 20_000 });
    for (const [i, p] of payloads().entries()) {
      assertSame(await withTimeout(pull.receive(), 20_000, `message ${i}`), p, `message ${i}`);
    }
    await push.close();
    await close(pull);
  });

  test(`${transport}: omq Pair binds, libzmq Pair connects, both ways`, async () => {
    const pair = new Pair();
    await pair.bind(endpoint());
    const peer = await zmq.socket("pair");
    await peer.connect(pair.lastEndpoint!);
    for (const p of payloads()) {
      await pair.send(p);
      const echoed = await peer.receive({ timeout: 20_000 });
      await peer.send(echoed);
      assertSame(await withTimeout(pair.receive(), 20_000, "echo"), p, "echo");
    }
    await peer.close();
    await close(pair);
  });

  test(`${transport}: libzmq Pair binds, omq Pair connects, both ways`, async () => {
    const peer = await zmq.socket("pair");
    const ep = await peer.bind(endpoint());
    const pair = new Pair();
    pair.connect(ep);
    for (const p of payloads()) {
      await peer.send(p, { timeout: 20_000 });
      const got = await withTimeout(pair.receive(), 20_000, "from libzmq");
      assertSame(got, p, "from libzmq");
      await pair.send(got);
      assertSame(await peer.receive({ timeout: 20_000 }), p, "back to libzmq");
    }
    await peer.close();
    await close(pair);
  });

  test(`${transport}: omq Push connected to two libzmq Pulls splits evenly`, async () => {
    const pulls = [await zmq.socket("pull"), await zmq.socket("pull")];
    const push = new Push();
    let handshakes = 0;
    const ready = (async () => {
      for await (const e of push.events) if (e.type === "handshake" && ++handshakes === 2) return;
    })();
    for (const p of pulls) push.connect(await p.bind(endpoint()));
    await withTimeout(ready, 5000, "both handshakes");
    for (let i = 0; i < 100; i++) await push.send(`task ${i}`);
    const [a, b] = await Promise.all(pulls.map((p) => p.receiveMany(50, { timeout: 10_000 })));
    assert.equal(a.length + b.length, 100);
    const all = new Set([...a, ...b].map((m) => texts(m)[0]));
    assert.equal(all.size, 100, "every task exactly once");
    for (const p of pulls) await p.close();
    await close(push);
  });

  test(`${transport}: omq Pull bound with two libzmq Pushes receives everything`, async () => {
    const pull = new Pull();
    await pull.bind(endpoint());
    const pushes = [await zmq.socket("push"), await zmq.socket("push")];
    for (const p of pushes) await p.connect(pull.lastEndpoint!);
    await Promise.all(pushes.map((p, k) => p.sendMany(Array.from({ length: 500 }, (_, i) => [`${k}`, `${i}`]))));
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(texts(await withTimeout(pull.receive(), 10_000, `message ${i}`)).join(":"));
    assert.equal(seen.size, 1000);
    for (const p of pushes) await p.close();
    await close(pull);
  });
}

test("a libzmq Push is refused by an omq Push (incompatible socket types)", async () => {
  const push = new Push();
  await push.bind("tcp://127.0.0.1:*");
  const refused = (async () => {
    for await (const e of push.events) if (e.type === "handshake:error:protocol") return e;
  })();
  const other = await zmq.socket("push");
  await other.connect(push.lastEndpoint!);
  const event = await withTimeout(refused, 5000, "refusal");
  assert.match(event!.error!.message, /PUSH/);
  await other.close();
  await close(push);
});
