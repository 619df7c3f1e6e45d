import { test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Reply, Request, Router, type Socket, type ZmqError } from "../mod.ts";
import { tempIpcPath, texts, withTimeout } from "./support/util.ts";

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
  await assert.rejects(router.send(["nobody", "x"]), (e: ZmqError) => e.code === "EHOSTUNREACH" && /6e6f626f6479/.test(e.message));
  router.mandatory = false;
  await router.send(["nobody", "x"]);
  await close(router);
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
