// omq's draft socket types against libzmq 4.3.5 built with drafts (zeromq.js's draft build, in a Node
// child process): CLIENT/SERVER, SCATTER/GATHER and RADIO/DISH, both directions, over tcp and ipc.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Client, Dish, Gather, Radio, Scatter, Server } from "../../mod.ts";
import { type Libzmq, type LibzmqSocket, startLibzmq } from "../support/libzmq.ts";
import { eventually, tempIpcPath, text, withTimeout } from "../support/util.ts";

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

let marks = 0;

/**
 * Sends to `group` until the dish hears it (the radio learns a join asynchronously and drops
 * what it sends before), then a marker, and reads the dish up to it: nothing is left queued.
 */
async function synced(
  send: (body: string) => Promise<void>,
  receive: (timeout: number) => Promise<string | null>,
): Promise<void> {
  await eventually(async () => {
    await send("probe");
    return (await receive(50)) !== null;
  }, { timeout: 10_000 });
  const mark = `mark ${++marks}`;
  await send(mark);
  while ((await receive(10_000)) !== mark);
}

/** A libzmq Dish's next body, or null after `timeout` ms. */
const theirDish = (dish: LibzmqSocket) => async (timeout: number): Promise<string | null> => {
  try {
    return text((await dish.receiveWith(1, { timeout }))[0].frame);
  } catch (err) {
    if ((err as { code?: string }).code === "EAGAIN") return null;
    throw err;
  }
};

/** An omq Dish's next body, or null after `timeout` ms. */
const ourDish = (dish: Dish) => async (timeout: number): Promise<string | null> => {
  try {
    return text((await dish.receive({ signal: AbortSignal.timeout(timeout) }))[0]);
  } catch (err) {
    if ((err as Error).name === "TimeoutError") return null;
    throw err;
  }
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

for (const [transport, endpoint] of Object.entries(endpoints)) {
  test(`${transport}: omq Radio binds, a libzmq Dish gets only the groups it joined`, async () => {
    const radio = new Radio();
    await radio.bind(endpoint());
    const dish = await zmq.socket("dish");
    await dish.connect(radio.lastEndpoint!);
    await dish.join("weather", "news");
    await synced((body) => radio.send(body, { group: "news" }), theirDish(dish));
    for (let i = 0; i < 10; i++) {
      await radio.send(`sport ${i}`, { group: "sport" });
      await radio.send(`weather ${i}`, { group: "weather" });
    }
    await radio.send("end", { group: new TextEncoder().encode("news") });
    const got = await dish.receiveWith(11);
    assert.deepEqual(
      got.map((m) => `${text(m.group!)}:${text(m.frame)}`),
      [...Array.from({ length: 10 }, (_, i) => `weather:weather ${i}`), "news:end"],
    );
    // Leaving: libzmq sends a LEAVE, and what we send to the group stops at our radio.
    await dish.leave("weather");
    await dish.join("sync");
    await synced((body) => radio.send(body, { group: "sync" }), theirDish(dish));
    await radio.send("late", { group: "weather" });
    await radio.send("end", { group: "news" });
    assert.deepEqual((await dish.receiveWith(1)).map((m) => text(m.frame)), ["end"]);
    await dish.close();
    await closeAll(radio);
  });

  test(`${transport}: libzmq Radio binds, an omq Dish gets only the groups it joined`, async () => {
    const radio = await zmq.socket("radio");
    const ep = await radio.bind(endpoint());
    const dish = new Dish();
    dish.connect(ep);
    dish.join("weather", "news");
    await synced((body) => radio.sendWith([{ frame: body, group: "news" }]), ourDish(dish));
    await radio.sendWith([
      ...Array.from({ length: 10 }, (_, i) => [
        { frame: `sport ${i}`, group: "sport" },
        { frame: `weather ${i}`, group: "weather" },
      ]).flat(),
      { frame: "end", group: "news" },
    ]);
    const got: string[] = [];
    while (got.length < 11) {
      const [frame, { group }] = await withTimeout(dish.receive(), 10_000, "from libzmq");
      got.push(`${text(group)}:${text(frame)}`);
    }
    assert.deepEqual(got, [...Array.from({ length: 10 }, (_, i) => `weather:weather ${i}`), "news:end"]);
    await radio.close();
    await closeAll(dish);
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
