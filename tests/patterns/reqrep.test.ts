import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Reply, Request, Router, type Socket, type ZmqError } from "../../mod.ts";
import { tempIpcPath, texts, withTimeout } from "../support/util.ts";

const transports = {
  tcp: () => "tcp://127.0.0.1:*",
  ipc: () => tempIpcPath(),
  inproc: () => `inproc://rr-${Math.random().toString(36).slice(2)}`,
};

async function close(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

/** Resolves once `socket` has completed `n` handshakes (inproc has none: resolves at once). */
async function handshakes(socket: Socket, n: number, inproc: boolean): Promise<void> {
  if (inproc) return;
  for await (const e of socket.events) if (e.type === "handshake" && --n === 0) return;
}

const isEfsm = (e: ZmqError) => e.code === "EFSM";

for (const [transport, endpoint] of Object.entries(transports)) {
  test(`${transport}: Request and Reply in lockstep`, async () => {
    const rep = new Reply();
    await rep.bind(endpoint());
    const req = new Request();
    req.connect(rep.lastEndpoint!);
    for (let i = 0; i < 10; i++) {
      await req.send(["hello", `${i}`]);
      const request = await withTimeout(rep.receive(), 5000, "request");
      assert.deepEqual(texts(request), ["hello", `${i}`]);
      await rep.send(["world", `${i}`]);
      assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "reply")), ["world", `${i}`]);
    }
    await close(req, rep);
  });

  test(`${transport}: 10 requests from one Request to two Replies split 5/5`, async () => {
    const reps = [new Reply(), new Reply()];
    const req = new Request();
    for (const r of reps) await r.bind(endpoint());
    const ready = handshakes(req, 2, transport === "inproc");
    for (const r of reps) req.connect(r.lastEndpoint!);
    await withTimeout(ready, 5000, "handshakes");
    const served = [0, 0];
    const serving = reps.map(async (rep, k) => {
      for (;;) {
        const msg = await rep.receive().catch(() => null);
        if (!msg) return;
        served[k]++;
        await rep.send(msg);
      }
    });
    for (let i = 0; i < 10; i++) {
      await req.send(`${i}`);
      assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "reply")), [`${i}`]);
    }
    assert.deepEqual(served, [5, 5]);
    await close(req, ...reps);
    await Promise.all(serving);
  });

  test(`${transport}: Dealer to Router: routing ids as announced, replies routed back`, async () => {
    const router = new Router();
    await router.bind(endpoint());
    const dealers = [new Dealer({ routingId: "alpha" }), new Dealer({ routingId: "beta" })];
    for (const d of dealers) d.connect(router.lastEndpoint!);
    for (const d of dealers) await d.send(["from", new TextDecoder().decode(d.routingId as Uint8Array)]);
    const ids = new Set<string>();
    for (let i = 0; i < 2; i++) {
      const [id, from, name] = texts(await withTimeout(router.receive(), 5000, "dealer message"));
      assert.equal(from, "from");
      assert.equal(id, name);
      ids.add(id);
      await router.send([id, "to", id]);
    }
    assert.deepEqual([...ids].sort(), ["alpha", "beta"]);
    for (const d of dealers) {
      const [to, name] = texts(await withTimeout(d.receive(), 5000, "routed reply"));
      assert.equal(to, "to");
      assert.equal(name, new TextDecoder().decode(d.routingId as Uint8Array));
    }
    await close(router, ...dealers);
  });
}

test("Request rejects a second send before the reply, and a receive before any send, with EFSM", async () => {
  const req = new Request();
  await assert.rejects(req.receive(), isEfsm);
  req.connect("inproc://efsm-nobody");
  await req.send("one");
  await assert.rejects(req.send("two"), isEfsm);
  const rep = new Reply();
  await assert.rejects(rep.send("no request"), isEfsm);
  await close(req, rep);
});

test("Reply rejects a second receive before it replied with EFSM", async () => {
  const rep = new Reply();
  await rep.bind("inproc://rep-efsm");
  const req = new Request();
  req.connect("inproc://rep-efsm");
  await req.send("q");
  await rep.receive();
  await assert.rejects(rep.receive(), isEfsm);
  await close(req, rep);
});

test("a relaxed Request may resend; correlate ignores replies to older requests", async () => {
  const router = new Router();
  await router.bind("inproc://relaxed");
  const req = new Request({ relaxed: true, correlate: true });
  req.connect("inproc://relaxed");
  await req.send("first");
  const first = await router.receive();
  await req.send("second");
  const second = await router.receive();
  // Answer the first request (stale) then the second: only the second is delivered.
  await router.send([...first.slice(0, 3), new TextEncoder().encode("stale")]);
  await router.send([...second.slice(0, 3), new TextEncoder().encode("fresh")]);
  assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "fresh reply")), ["fresh"]);
  await close(req, router);
});

test("Router with mandatory rejects unknown routing ids with EHOSTUNREACH; without, drops silently", async () => {
  const router = new Router({ mandatory: true });
  await assert.rejects(
    router.send(["nobody", "x"]),
    (e: ZmqError) => e.code === "EHOSTUNREACH" && /6e6f626f6479/.test(e.message),
  );
  // A message that is only a routing id is dropped silently even when mandatory, as libzmq does.
  await router.send(["nobody"]);
  router.mandatory = false;
  await router.send(["nobody", "x"]);
  await close(router);
});

test("Router with mandatory waits while the peer's queue is full; without, drops", async () => {
  const router = new Router({ mandatory: true, sendHighWaterMark: 1 });
  await router.bind("inproc://mandatory-full");
  const dealer = new Dealer({ routingId: "d", receiveHighWaterMark: 1 });
  dealer.connect("inproc://mandatory-full");
  // The inproc pipe holds sendHighWaterMark + receiveHighWaterMark = 2 messages.
  await router.send(["d", "1"]);
  await router.send(["d", "2"]);
  router.sendTimeout = 0;
  await assert.rejects(router.send(["d", "3"]), (e: ZmqError) => e.code === "EAGAIN");
  router.sendTimeout = -1;
  const waiting = router.send(["d", "3"]);
  assert.deepEqual(texts(await withTimeout(dealer.receive(), 5000, "1")), ["1"]);
  await withTimeout(waiting, 5000, "the waiting send");
  router.mandatory = false;
  await router.send(["d", "4"]); // the queue is full again: dropped
  assert.deepEqual(texts(await dealer.receive()), ["2"]);
  assert.deepEqual(texts(await dealer.receive()), ["3"]);
  dealer.receiveTimeout = 0;
  await assert.rejects(dealer.receive(), (e: ZmqError) => e.code === "EAGAIN");
  await close(router, dealer);
});

test("Router ignores a second peer announcing an id in use (no handover)", async () => {
  const router = new Router();
  await router.bind("inproc://duplicate");
  const a = new Dealer({ routingId: "same" });
  a.connect("inproc://duplicate");
  await a.send("from a");
  assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "a")), ["same", "from a"]);
  const b = new Dealer({ routingId: "same" });
  b.connect("inproc://duplicate");
  await b.send("from b");
  await a.send("again from a");
  assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "a again")), ["same", "again from a"]);
  await router.send(["same", "to the first"]);
  assert.deepEqual(texts(await withTimeout(a.receive(), 5000, "routed to a")), ["to the first"]);
  b.receiveTimeout = 0;
  await assert.rejects(b.receive(), (e: ZmqError) => e.code === "EAGAIN");
  await close(router, a, b);
});

test("Router.connect with a routing id already in use throws EINVAL", async () => {
  const router = new Router();
  router.connect("tcp://127.0.0.1:1", { routingId: "x" });
  assert.throws(() => router.connect("tcp://127.0.0.1:2", { routingId: "x" }), (e: ZmqError) => e.code === "EINVAL");
  await close(router);
});

test("inproc: a Router that connected before the bind learns the binder's routing id", async () => {
  const client = new Router({ routingId: "cli", mandatory: true });
  client.connect("inproc://late-router");
  const server = new Router({ routingId: "srv" });
  await server.bind("inproc://late-router");
  await client.send(["srv", "hi"]);
  assert.deepEqual(texts(await withTimeout(server.receive(), 5000, "at server")), ["cli", "hi"]);
  await server.send(["cli", "hello"]);
  assert.deepEqual(texts(await withTimeout(client.receive(), 5000, "at client")), ["srv", "hello"]);
  await close(server, client);
});

test("probeRouter: Router, Dealer and Request send an empty message to each new peer", async () => {
  const router = new Router();
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ probeRouter: true, routingId: "dealer" });
  dealer.connect(router.lastEndpoint!);
  assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "dealer probe")), ["dealer", ""]);
  const req = new Request({ probeRouter: true, routingId: "req" });
  req.connect(router.lastEndpoint!);
  assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "request probe")), ["req", ""]);
  const target = new Dealer();
  await target.bind("tcp://127.0.0.1:*");
  const prober = new Router({ probeRouter: true });
  prober.connect(target.lastEndpoint!);
  assert.deepEqual(texts(await withTimeout(target.receive(), 5000, "router probe")), [""]);
  await close(router, dealer, req, target, prober);
});

test("Request discards malformed replies and replies from other peers", async () => {
  const a = new Router();
  await a.bind("inproc://malformed-a");
  const b = new Router();
  await b.bind("inproc://malformed-b");
  const req = new Request({ routingId: "req" });
  req.connect("inproc://malformed-a");
  req.connect("inproc://malformed-b");
  await req.send("q"); // round-robin: the first request goes to the first peer, a
  assert.deepEqual(texts(await withTimeout(a.receive(), 5000, "request")), ["req", "", "q"]);
  await b.send(["req", "", "not from the peer asked"]);
  await a.send(["req", "no delimiter"]);
  await a.send(["req", ""]); // a delimiter with nothing after it
  await a.send(["req", "x", "", "y"]);
  await a.send(["req", "", "good", "reply"]);
  assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "reply")), ["good", "reply"]);
  await close(req, a, b);
});

test("Reply discards requests without an envelope delimiter", async () => {
  const rep = new Reply();
  await rep.bind("inproc://rep-malformed");
  const dealer = new Dealer();
  dealer.connect("inproc://rep-malformed");
  await dealer.send("no delimiter");
  await dealer.send(["x", ""]);
  await dealer.send(["", "good"]);
  assert.deepEqual(texts(await withTimeout(rep.receive(), 5000, "request")), ["good"]);
  await rep.send("ok");
  assert.deepEqual(texts(await withTimeout(dealer.receive(), 5000, "reply")), ["", "ok"]);
  await close(rep, dealer);
});

test("a relaxed Request ignores the late reply to a request it gave up on (another peer)", async () => {
  const a = new Router();
  await a.bind("inproc://relaxed-a");
  const b = new Router();
  await b.bind("inproc://relaxed-b");
  const req = new Request({ relaxed: true, routingId: "req" });
  req.connect("inproc://relaxed-a");
  req.connect("inproc://relaxed-b");
  await req.send("first");
  await req.send("second");
  assert.deepEqual(texts(await withTimeout(a.receive(), 5000, "first")), ["req", "", "first"]);
  assert.deepEqual(texts(await withTimeout(b.receive(), 5000, "second")), ["req", "", "second"]);
  await a.send(["req", "", "late"]);
  await b.send(["req", "", "current"]);
  assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "reply")), ["current"]);
  await close(req, a, b);
});

test("a correlating Request works through a Reply (the request id travels in the envelope)", async () => {
  const rep = new Reply();
  await rep.bind("tcp://127.0.0.1:*");
  const req = new Request({ correlate: true });
  req.connect(rep.lastEndpoint!);
  for (let i = 0; i < 3; i++) {
    await req.send(`q${i}`);
    assert.deepEqual(texts(await withTimeout(rep.receive(), 5000, "request")), [`q${i}`]);
    await rep.send(`a${i}`);
    assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "reply")), [`a${i}`]);
  }
  await close(req, rep);
});

test("Router handover: a new peer with the same id takes it over", async () => {
  const router = new Router({ handover: true });
  await router.bind("inproc://handover");
  const a = new Dealer({ routingId: "same" });
  a.connect("inproc://handover");
  await a.send("from a");
  assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "a")), ["same", "from a"]);
  const b = new Dealer({ routingId: "same" });
  b.connect("inproc://handover");
  await b.send("from b");
  assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "b")), ["same", "from b"]);
  await router.send(["same", "to the newest"]);
  assert.deepEqual(texts(await withTimeout(b.receive(), 5000, "routed to b")), ["to the newest"]);
  await close(router, a, b);
});

test("Router.connect(endpoint, { routingId }) names the peer; Router to Router with known ids", async () => {
  const server = new Router({ routingId: "server" });
  await server.bind("tcp://127.0.0.1:*");
  const client = new Router({ routingId: "client" });
  client.connect(server.lastEndpoint!, { routingId: "srv" });
  await client.send(["srv", "hi"]);
  assert.deepEqual(texts(await withTimeout(server.receive(), 5000, "at server")), ["client", "hi"]);
  await server.send(["client", "hello"]);
  assert.deepEqual(texts(await withTimeout(client.receive(), 5000, "at client")), ["srv", "hello"]);
  await close(server, client);
});

test("a peer without an id gets a generated 5-byte id starting with 0", async () => {
  const router = new Router();
  await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer();
  dealer.connect(router.lastEndpoint!);
  await dealer.send("x");
  const [id] = await withTimeout(router.receive(), 5000, "anonymous");
  assert.equal(id.byteLength, 5);
  assert.equal(id[0], 0);
  await close(router, dealer);
});

test("Reply keeps an envelope two routers deep (Router→Dealer relays)", async () => {
  // client(REQ) → front(ROUTER) relay → back(DEALER) → mid(ROUTER) relay → mid2(DEALER) → worker(REP)
  const worker = new Reply();
  await worker.bind("inproc://deep-worker");
  const front = new Router();
  await front.bind("inproc://deep-front");
  const back = new Dealer();
  const mid = new Router();
  await mid.bind("inproc://deep-mid");
  back.connect("inproc://deep-mid");
  const mid2 = new Dealer();
  mid2.connect("inproc://deep-worker");
  const client = new Request();
  client.connect("inproc://deep-front");
  const relay = async (from: Socket, to: Socket) => {
    for (;;) {
      const m = await from.receive().catch(() => null);
      if (!m) return;
      await to.send(m);
    }
  };
  const relays = [relay(front, back), relay(back, front), relay(mid, mid2), relay(mid2, mid)];
  await client.send("deep");
  const request = await withTimeout(worker.receive(), 5000, "request at worker");
  assert.deepEqual(texts(request), ["deep"]);
  await worker.send("answer");
  assert.deepEqual(texts(await withTimeout(client.receive(), 5000, "answer at client")), ["answer"]);
  await close(client, front, back, mid, mid2, worker);
  await Promise.all(relays);
});
