// omq against libzmq 4.3 for REQ–REP, REQ–ROUTER, DEALER–REP, DEALER–ROUTER and ROUTER–ROUTER:
// each pair with omq on either side, each side binding, over tcp and ipc.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as omq from "../../mod.ts";
import { type Libzmq, type LibzmqSocketType, startLibzmq } from "../support/libzmq.ts";
import { bytes, tempIpcPath, texts, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

type Kind = "req" | "rep" | "dealer" | "router";

/** One side of a conversation, omq or libzmq, behind the same small interface. */
interface Side {
  bind(endpoint: string): Promise<string>;
  connect(endpoint: string, routingId?: string): Promise<void>;
  send(frames: (string | Uint8Array)[]): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

const CLASSES = { req: omq.Request, rep: omq.Reply, dealer: omq.Dealer, router: omq.Router } as const;

function omqSide(kind: Kind, routingId?: string): Side {
  const s = new CLASSES[kind]({ linger: 0, ...(routingId ? { routingId } : {}) });
  return {
    async bind(ep) {
      await s.bind(ep);
      return s.lastEndpoint!;
    },
    connect: (ep, rid) => Promise.resolve(s.connect(ep, rid ? { routingId: rid } : undefined)),
    send: (frames) => s.send(frames),
    receive: () => withTimeout(s.receive(), 5000, `omq ${kind} receive`),
    close: () => s.close(),
  };
}

async function libzmqSide(kind: Kind, routingId?: string): Promise<Side> {
  const s = await zmq.socket(kind as LibzmqSocketType, { linger: 0, ...(routingId ? { routingId } : {}) });
  return {
    bind: (ep) => s.bind(ep),
    connect: (ep, rid) => s.connect(ep, rid ? { routingId: rid } : undefined),
    send: (frames) => s.send(frames),
    receive: () => s.receive({ timeout: 5000 }),
    close: () => s.close(),
  };
}

/** How each socket type frames a request or a reply in its own API. */
const asClient: Record<Kind, { wrap(body: string): (string | Uint8Array)[]; unwrap(m: Uint8Array[]): string[] }> = {
  req: { wrap: (b) => [b], unwrap: (m) => texts(m) },
  dealer: { wrap: (b) => ["", b], unwrap: (m) => (assert.equal(m[0].byteLength, 0, "delimiter"), texts(m.slice(1))) },
  router: { wrap: (b) => ["srv", "", b], unwrap: (m) => (assert.equal(texts(m)[0], "srv"), texts(m.slice(2))) },
  rep: { wrap: () => [], unwrap: () => [] },
};

const pairs: [Kind, Kind][] = [["req", "rep"], ["req", "router"], ["dealer", "rep"], ["dealer", "router"], [
  "router",
  "router",
]];
const endpoints = { tcp: () => "tcp://127.0.0.1:*", ipc: () => tempIpcPath() };

for (const [clientKind, serverKind] of pairs) {
  for (const [transport, endpoint] of Object.entries(endpoints)) {
    for (const omqIs of ["client", "server"] as const) {
      for (const binder of ["client", "server"] as const) {
        const name =
          `${transport}: ${clientKind.toUpperCase()}–${serverKind.toUpperCase()}, omq ${omqIs}, ${binder} binds`;
        test(name, async () => {
          // Router–Router needs known ids on both sides: the server announces "srv", the client "cli".
          const clientId = clientKind === "router" || clientKind === "dealer" ? "cli" : undefined;
          const serverId = serverKind === "router" && clientKind === "router" ? "srv" : undefined;
          const client = omqIs === "client" ? omqSide(clientKind, clientId) : await libzmqSide(clientKind, clientId);
          const server = omqIs === "server" ? omqSide(serverKind, serverId) : await libzmqSide(serverKind, serverId);
          const peerName = clientKind === "router" ? "srv" : undefined;
          if (binder === "server") await client.connect(await server.bind(endpoint()), peerName);
          else await server.connect(await client.bind(endpoint()), clientKind === "router" ? "cli" : undefined);
          if (clientKind === "router" && binder === "client") {
            // The bound client ROUTER learns the connecting server's id ("srv") from its handshake; the server named
            // the client in connect(). The server speaks first so the client knows the connection is up.
            await server.send(["cli", "", "hello"]);
            assert.deepEqual(texts(await client.receive()), ["srv", "", "hello"]);
          }
          for (let i = 0; i < 3; i++) {
            await client.send(asClient[clientKind].wrap(`request ${i}`));
            const request = await server.receive();
            let reply: (string | Uint8Array)[];
            if (serverKind === "rep") {
              assert.deepEqual(texts(request), [`request ${i}`]);
              reply = [`reply ${i}`];
            } else {
              // ROUTER sees [routingId, "", body]; the id is the peer's announced one, or a generated 5-byte id.
              const [id, delimiter, body] = request;
              if (clientId) assert.deepEqual(id, bytes(clientId));
              else assert.ok(id.byteLength === 5 && id[0] === 0, `generated id, got ${[...id]}`);
              assert.equal(delimiter.byteLength, 0);
              assert.equal(new TextDecoder().decode(body), `request ${i}`);
              reply = [id, "", `reply ${i}`];
            }
            await server.send(reply);
            assert.deepEqual(asClient[clientKind].unwrap(await client.receive()), [`reply ${i}`]);
          }
          await client.close();
          await server.close();
        });
      }
    }
  }
}

test("tcp: 10 requests from an omq Request connected to two libzmq Replies split 5/5", async () => {
  const reps = [await zmq.socket("rep", { linger: 0 }), await zmq.socket("rep", { linger: 0 })];
  const req = new omq.Request({ linger: 0 });
  let handshakes = 0;
  const ready = (async () => {
    for await (const e of req.events) if (e.type === "handshake" && ++handshakes === 2) return;
  })();
  for (const r of reps) req.connect(await r.bind("tcp://127.0.0.1:*"));
  await withTimeout(ready, 5000, "both handshakes");
  const served = [0, 0];
  for (let i = 0; i < 10; i++) {
    await req.send(`${i}`);
    // Round-robin: the request went to one of the two; whichever has it answers.
    const k = i % 2 === 0 ? 0 : 1;
    const got = await reps[k].receive({ timeout: 5000 }).catch(() => null);
    const which = got ? k : 1 - k;
    const msg = got ?? await reps[which].receive({ timeout: 5000 });
    served[which]++;
    await reps[which].send(msg);
    assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "reply")), [`${i}`]);
  }
  assert.deepEqual(served, [5, 5]);
  await req.close();
  for (const r of reps) await r.close();
});

test("tcp: probeRouter both ways between omq and libzmq", async () => {
  const zRouter = await zmq.socket("router", { linger: 0 });
  const ep = await zRouter.bind("tcp://127.0.0.1:*");
  const dealer = new omq.Dealer({ linger: 0, probeRouter: true, routingId: "p" });
  dealer.connect(ep);
  assert.deepEqual(texts(await zRouter.receive({ timeout: 5000 })), ["p", ""]);
  const router = new omq.Router({ linger: 0 });
  await router.bind("tcp://127.0.0.1:*");
  const zDealer = await zmq.socket("dealer", { linger: 0, probeRouter: true, routingId: "z" });
  await zDealer.connect(router.lastEndpoint!);
  assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "libzmq probe")), ["z", ""]);
  // An omq Router probing a bound libzmq Dealer.
  const target = await zmq.socket("dealer", { linger: 0 });
  const prober = new omq.Router({ linger: 0, probeRouter: true });
  prober.connect(await target.bind("tcp://127.0.0.1:*"));
  assert.deepEqual(texts(await target.receive({ timeout: 5000 })), [""]);
  for (const s of [dealer, router, prober]) await s.close();
  for (const s of [zRouter, zDealer, target]) await s.close();
});

test("tcp: correlate and relaxed between omq and libzmq Requests and Replies", async () => {
  // omq Request (correlate, relaxed) → libzmq Router: the request id frame comes first, then the delimiter.
  const zRouter = await zmq.socket("router", { linger: 0 });
  const req = new omq.Request({ linger: 0, correlate: true, relaxed: true, routingId: "r" });
  req.connect(await zRouter.bind("tcp://127.0.0.1:*"));
  await req.send("first");
  const first = await zRouter.receive({ timeout: 5000 });
  await req.send("second");
  const second = await zRouter.receive({ timeout: 5000 });
  assert.equal(first[1].byteLength, 4);
  assert.deepEqual(texts([first[0], ...first.slice(2)]), ["r", "", "first"]);
  await zRouter.send([...first.slice(0, 3), "stale"]);
  await zRouter.send([...second.slice(0, 3), "fresh"]);
  assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "fresh reply")), ["fresh"]);
  // libzmq Request (correlate, relaxed) → omq Reply: the id travels in the envelope and comes back.
  const rep = new omq.Reply({ linger: 0 });
  await rep.bind("tcp://127.0.0.1:*");
  const zReq = await zmq.socket("req", { linger: 0, correlate: true, relaxed: true });
  await zReq.connect(rep.lastEndpoint!);
  for (let i = 0; i < 3; i++) {
    await zReq.send(`q${i}`);
    assert.deepEqual(texts(await withTimeout(rep.receive(), 5000, "request")), [`q${i}`]);
    await rep.send(`a${i}`);
    assert.deepEqual(texts(await zReq.receive({ timeout: 5000 })), [`a${i}`]);
  }
  await req.close();
  await rep.close();
  await zRouter.close();
  await zReq.close();
});

for (const handover of [false, true]) {
  test(`tcp: omq Router ${handover ? "hands an id over to" : "ignores"} a second libzmq Dealer with the same id`, async () => {
    const router = new omq.Router({ linger: 0, handover });
    let handshakes = 0;
    const secondReady = (async () => {
      for await (const e of router.events) if (e.type === "handshake" && ++handshakes === 2) return;
    })();
    await router.bind("tcp://127.0.0.1:*");
    const first = await zmq.socket("dealer", { linger: 0, routingId: "same" });
    await first.connect(router.lastEndpoint!);
    await first.send("from first");
    assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "first")), ["same", "from first"]);
    const second = await zmq.socket("dealer", { linger: 0, routingId: "same" });
    await second.connect(router.lastEndpoint!);
    await withTimeout(secondReady, 5000, "second handshake");
    await second.send("from second");
    await first.send("again from first");
    await router.send(["same", "to same"]);
    const [winner, loser] = handover ? [second, first] : [first, second];
    assert.deepEqual(texts(await withTimeout(router.receive(), 5000, "winner's message")), [
      "same",
      handover ? "from second" : "again from first",
    ]);
    assert.deepEqual(texts(await winner.receive({ timeout: 5000 })), ["to same"]);
    await assert.rejects(loser.receive({ timeout: 200 }), (e: { code?: string }) => e.code === "EAGAIN");
    await router.close();
    await first.close();
    await second.close();
  });
}
