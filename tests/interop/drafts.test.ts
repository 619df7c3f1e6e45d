// omq's draft socket types against libzmq 4.3.5 built with drafts (zeromq.js's draft build, in a Node
// child process): CLIENT/SERVER and SCATTER/GATHER, both directions, over tcp and ipc.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Client, Gather, Scatter, Server } from "../../mod.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { tempIpcPath, text, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

async function closeAll(...sockets: { linger: number; close(): Promise<void> }[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

const endpoints = {
  tcp: () => "tcp://127.0.0.1:*",
  ipc: () => tempIpcPath(),
};

const big = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff);

for (const [transport, endpoint] of Object.entries(endpoints)) {
  test(`${transport}: omq Server binds, libzmq Clients connect; replies go by routing id`, async () => {
    const server = new Server();
    await server.bind(endpoint());
    const clients = [await zmq.socket("client"), await zmq.socket("client")];
    for (const c of clients) await c.connect(server.lastEndpoint!);
    for (const [i, c] of clients.entries()) await c.send(`hello ${i}`);
    for (let n = 0; n < 2; n++) {
      const [request, { routingId }] = await withTimeout(server.receive(), 10_000, "request");
      assert.ok(routingId > 0);
      await server.send(`re: ${text(request)}`, { routingId });
    }
    for (const [i, c] of clients.entries()) assert.deepEqual((await c.receive()).map(text), [`re: hello ${i}`]);
    // A large frame both ways.
    await clients[0].send(big);
    const [frame, { routingId }] = await withTimeout(server.receive(), 10_000, "big request");
    assert.deepEqual(frame, big);
    await server.send(frame, { routingId });
    assert.deepEqual((await clients[0].receive())[0], big);
    for (const c of clients) await c.close();
    await closeAll(server);
  });

  test(`${transport}: libzmq Server binds, omq Clients connect; libzmq replies by routing id`, async () => {
    const server = await zmq.socket("server");
    const ep = await server.bind(endpoint());
    const clients = [new Client(), new Client()];
    for (const c of clients) c.connect(ep);
    for (const [i, c] of clients.entries()) await c.send(`hello ${i}`);
    const requests = await server.receiveWith(2);
    const ids = new Set(requests.map((r) => r.routingId));
    assert.equal(ids.size, 2, "one routing id per client");
    await server.sendWith(requests.map((r) => ({ frame: `re: ${text(r.frame)}`, routingId: r.routingId })));
    for (const [i, c] of clients.entries()) {
      assert.deepEqual((await withTimeout(c.receive(), 10_000, `reply ${i}`)).map(text), [`re: hello ${i}`]);
    }
    await server.close();
    await closeAll(...clients);
  });

  test(`${transport}: omq Scatter binds, libzmq Gather receives in order`, async () => {
    const scatter = new Scatter();
    await scatter.bind(endpoint());
    const gather = await zmq.socket("gather");
    await gather.connect(scatter.lastEndpoint!);
    for (let i = 0; i < 300; i++) await scatter.send(`task ${i}`);
    const got = await gather.receiveMany(300);
    assert.deepEqual(got.map((m) => m.map(text)), Array.from({ length: 300 }, (_, i) => [`task ${i}`]));
    await gather.close();
    await closeAll(scatter);
  });

  test(`${transport}: libzmq Scatter binds, omq Gather receives in order`, async () => {
    const scatter = await zmq.socket("scatter");
    const ep = await scatter.bind(endpoint());
    const gather = new Gather();
    gather.connect(ep);
    await scatter.sendMany(Array.from({ length: 300 }, (_, i) => `task ${i}`));
    for (let i = 0; i < 300; i++) {
      assert.deepEqual((await withTimeout(gather.receive(), 10_000, `task ${i}`)).map(text), [`task ${i}`]);
    }
    await scatter.close();
    await closeAll(gather);
  });
}

test("an omq Gather refuses a libzmq Client at the handshake", async () => {
  const gather = new Gather();
  await gather.bind("tcp://127.0.0.1:*");
  const refused = (async () => {
    for await (const e of gather.events) if (e.type === "handshake:error:protocol") return e;
  })();
  const client = await zmq.socket("client");
  await client.connect(gather.lastEndpoint!);
  const event = await withTimeout(refused, 10_000, "refusal");
  assert.match(event!.error!.message, /CLIENT/);
  await client.close();
  await closeAll(gather);
});
