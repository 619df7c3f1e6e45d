// CLIENT/SERVER (RFC 41) omq to omq over tcp, ipc and inproc, and the XREQ/XREP aliases.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, Dealer, Router, Server, type Socket, XREP, XREQ, type ZmqError } from "../../mod.ts";
import * as net from "node:net";
import { encodeGreeting } from "../../src/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { COMMAND, encodeFrames, MORE } from "../../src/zmtp/frame.ts";
import { bytes, concatBytes, tempIpcPath, text, withTimeout } from "../support/util.ts";

const transports = ["tcp", "ipc", "inproc"] as const;

function endpointFor(transport: (typeof transports)[number]): string {
  if (transport === "tcp") return "tcp://127.0.0.1:*";
  if (transport === "ipc") return tempIpcPath();
  return `inproc://drafts-cs-${Math.random().toString(36).slice(2)}`;
}

async function closeAll(...sockets: { linger: number; close(): Promise<void> }[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

async function handshakes(socket: Socket | Server, count: number): Promise<void> {
  let seen = 0;
  for await (const e of socket.events) if (e.type === "handshake" && ++seen === count) return;
}

for (const transport of transports) {
  test(`${transport}: Server replies to each Client by the routing id its request came with`, async () => {
    const server = new Server();
    await server.bind(endpointFor(transport));
    const clients = [new Client(), new Client(), new Client()];
    for (const c of clients) c.connect(server.lastEndpoint!);
    for (const [i, c] of clients.entries()) await c.send(`hello ${i}`);
    const ids = new Set<number>();
    for (let n = 0; n < clients.length; n++) {
      const [request, { routingId }] = await withTimeout(server.receive(), 5000, "request");
      assert.equal(typeof routingId, "number");
      assert.ok(routingId > 0 && routingId <= 0xffffffff, `routing id ${routingId}`);
      ids.add(routingId);
      await server.send(`re: ${text(request)}`, { routingId });
    }
    assert.equal(ids.size, 3, "one routing id per client");
    for (const [i, c] of clients.entries()) {
      const reply = await withTimeout(c.receive(), 5000, `reply ${i}`);
      assert.equal(reply.length, 1);
      assert.equal(text(reply[0]), `re: hello ${i}`);
    }
    await closeAll(server, ...clients);
  });

  test(`${transport}: Client round-robins over Servers and fair-queues their replies`, async () => {
    const servers = [new Server(), new Server()];
    const client = new Client();
    for (const s of servers) {
      await s.bind(endpointFor(transport));
      client.connect(s.lastEndpoint!);
    }
    if (transport !== "inproc") await withTimeout(handshakes(client, 2), 5000, "handshakes");
    for (let i = 0; i < 10; i++) await client.send(`${i}`);
    const counts = await Promise.all(servers.map(async (s) => {
      const got: string[] = [];
      for (let i = 0; i < 5; i++) {
        const [frame, { routingId }] = await withTimeout(s.receive(), 5000, "request");
        got.push(text(frame));
        await s.send(`from ${servers.indexOf(s)}`, { routingId });
      }
      return got;
    }));
    assert.deepEqual(counts.map((c) => c.length), [5, 5]);
    const replies: string[] = [];
    for (let i = 0; i < 10; i++) replies.push(text((await withTimeout(client.receive(), 5000, "reply"))[0]));
    assert.equal(replies.filter((r) => r === "from 0").length, 5);
    await closeAll(client, ...servers);
  });
}

test("a multipart send is EINVAL on Client and Server; a frame in an array of one is fine", async () => {
  const server = new Server();
  await server.bind("inproc://drafts-cs-multipart");
  const client = new Client();
  client.connect("inproc://drafts-cs-multipart");
  await assert.rejects(client.send(["a", "b"]), (e: ZmqError) => e.code === "EINVAL");
  await client.send(["one"]);
  const [frame, { routingId }] = await withTimeout(server.receive(), 5000, "request");
  assert.equal(text(frame), "one");
  await assert.rejects(server.send(["a", "b"], { routingId }), (e: ZmqError) => e.code === "EINVAL");
  await assert.rejects(server.send([], { routingId }), (e: ZmqError) => e.code === "EINVAL");
  await closeAll(server, client);
});

test("Server.send to an unknown routing id rejects with EHOSTUNREACH", async () => {
  const server = new Server();
  await assert.rejects(server.send("x", { routingId: 12345 }), (e: ZmqError) => e.code === "EHOSTUNREACH");
  await assert.rejects(
    server.send("x", undefined as unknown as { routingId: number }),
    (e: ZmqError) => e.code === "EHOSTUNREACH",
  );
  await closeAll(server);
});

test("Server drops a multipart message from a peer, as libzmq does (RFC 41: single-part only)", async () => {
  const server = new Server();
  await server.bind("tcp://127.0.0.1:*");
  const port = Number(server.lastEndpoint!.split(":").pop());
  const ready = encodeCommand("READY", encodeMetadata([["Socket-Type", "CLIENT"]]));
  const raw = net.connect({ host: "127.0.0.1", port }, () => {
    raw.write(concatBytes([
      encodeGreeting("NULL", false),
      encodeFrames([ready], COMMAND),
      encodeFrames([bytes("part 1")], MORE),
      encodeFrames([bytes("part 2")]),
      encodeFrames([bytes("single")]),
    ]));
  });
  raw.on("error", () => {});
  const [frame] = await withTimeout(server.receive(), 5000, "the single-part message");
  assert.equal(text(frame), "single");
  assert.equal(server.stats.messagesDropped, 1);
  raw.destroy();
  await closeAll(server);
});

test("Server and Client iterate, and Server.writable takes [frame, { routingId }]", async () => {
  const server = new Server();
  await server.bind("inproc://drafts-cs-streams");
  const client = new Client();
  client.connect("inproc://drafts-cs-streams");
  await client.send("ping");
  for await (const [frame, { routingId }] of server) {
    assert.equal(text(frame), "ping");
    const writer = server.writable.getWriter();
    await writer.write(["pong", { routingId }]);
    writer.releaseLock();
    break;
  }
  const reader = client.readable.getReader();
  const { value } = await withTimeout(reader.read(), 5000, "pong");
  assert.equal(text(value![0]), "pong");
  reader.releaseLock();
  await closeAll(server, client);
});

test("a Client is refused by a Router and a Server by a Dealer (incompatible types)", async () => {
  const router = new Router();
  await router.bind("tcp://127.0.0.1:*");
  const refused = (async () => {
    for await (const e of router.events) if (e.type === "handshake:error:protocol") return e;
  })();
  const client = new Client();
  client.connect(router.lastEndpoint!);
  const event = await withTimeout(refused, 5000, "refusal");
  assert.match(event!.error!.message, /CLIENT/);
  await closeAll(router, client);
});

test("XREQ and XREP are Dealer and Router", async () => {
  assert.equal(XREQ, Dealer);
  assert.equal(XREP, Router);
  const xrep = new XREP();
  await xrep.bind("inproc://drafts-xrep");
  const xreq = new XREQ({ routingId: "me" });
  xreq.connect("inproc://drafts-xrep");
  await xreq.send(["", "hi"]);
  const [id, , body] = await withTimeout(xrep.receive(), 5000, "request");
  assert.equal(text(id), "me");
  assert.equal(text(body), "hi");
  assert.equal(xrep.socketType, "ROUTER");
  await closeAll(xrep, xreq);
});
