// SCATTER/GATHER (RFC 49) omq to omq over tcp, ipc and inproc.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Gather, Pull, Push, Scatter, type ZmqError } from "../../mod.ts";
import { tempIpcPath, text, withTimeout } from "../support/util.ts";

const transports = ["tcp", "ipc", "inproc"] as const;

function endpointFor(transport: (typeof transports)[number]): string {
  if (transport === "tcp") return "tcp://127.0.0.1:*";
  if (transport === "ipc") return tempIpcPath();
  return `inproc://drafts-sg-${Math.random().toString(36).slice(2)}`;
}

async function closeAll(...sockets: { linger: number; close(): Promise<void> }[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

for (const transport of transports) {
  test(`${transport}: Scatter sends to Gather in order`, async () => {
    const gather = new Gather();
    await gather.bind(endpointFor(transport));
    const scatter = new Scatter();
    scatter.connect(gather.lastEndpoint!);
    for (let i = 0; i < 200; i++) await scatter.send(`task ${i}`);
    for (let i = 0; i < 200; i++) {
      const message = await withTimeout(gather.receive(), 5000, `task ${i}`);
      assert.equal(message.length, 1);
      assert.equal(text(message[0]), `task ${i}`);
    }
    await closeAll(scatter, gather);
  });

  test(`${transport}: Scatter load-balances over two Gathers`, async () => {
    const scatter = new Scatter();
    const gathers = [new Gather(), new Gather()];
    let handshakes = 0;
    const ready = (async () => {
      for await (const e of scatter.events) if (e.type === "handshake" && ++handshakes === 2) return;
    })();
    for (const g of gathers) {
      await g.bind(endpointFor(transport));
      scatter.connect(g.lastEndpoint!);
    }
    if (transport !== "inproc") await withTimeout(ready, 5000, "handshakes");
    for (let i = 0; i < 100; i++) await scatter.send(`${i}`);
    const got = await Promise.all(gathers.map(async (g) => {
      const seen: string[] = [];
      for (let i = 0; i < 50; i++) seen.push(text((await withTimeout(g.receive(), 5000, "task"))[0]));
      return seen;
    }));
    assert.equal(new Set([...got[0], ...got[1]]).size, 100, "every task exactly once");
    await closeAll(scatter, ...gathers);
  });
}

test("Scatter refuses a multipart send with EINVAL; Gather cannot send, Scatter cannot receive", async () => {
  const scatter = new Scatter();
  const gather = new Gather();
  await assert.rejects(scatter.send(["a", "b"]), (e: ZmqError) => e.code === "EINVAL");
  await assert.rejects(gather.send("a"), (e: ZmqError) => e.code === "ENOTSUP");
  await assert.rejects(scatter.receive(), (e: ZmqError) => e.code === "ENOTSUP");
  await closeAll(scatter, gather);
});

test("Scatter and Gather refuse Push and Pull peers (incompatible types)", async () => {
  const gather = new Gather();
  await gather.bind("tcp://127.0.0.1:*");
  const refused = (async () => {
    for await (const e of gather.events) if (e.type === "handshake:error:protocol") return e;
  })();
  const push = new Push();
  push.connect(gather.lastEndpoint!);
  const event = await withTimeout(refused, 5000, "refusal");
  assert.match(event!.error!.message, /PUSH/);
  await closeAll(gather, push, new Pull());
});

test("Gather with conflate keeps only the newest message", async () => {
  const gather = new Gather({ conflate: true });
  await gather.bind("inproc://drafts-sg-conflate");
  const scatter = new Scatter({ conflate: true });
  scatter.connect("inproc://drafts-sg-conflate");
  for (let i = 0; i < 10; i++) await scatter.send(`${i}`);
  assert.equal(text((await withTimeout(gather.receive(), 5000, "newest"))[0]), "9");
  await closeAll(scatter, gather);
});
