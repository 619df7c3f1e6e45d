// PEER (RFC 51) and CHANNEL (libzmq's thread-safe PAIR) omq to omq over tcp, ipc and inproc
// (zeromq.js has neither, so these are checked against the RFC text and libzmq's behaviour).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Channel, Peer, type ZmqError } from "../../mod.ts";
import { tempIpcPath, text, withTimeout } from "../support/util.ts";

const transports = ["tcp", "ipc", "inproc"] as const;

function endpointFor(transport: (typeof transports)[number]): string {
  if (transport === "tcp") return "tcp://127.0.0.1:*";
  if (transport === "ipc") return tempIpcPath();
  return `inproc://drafts-p2p-${Math.random().toString(36).slice(2)}`;
}

async function closeAll(...sockets: { linger: number; close(): Promise<void> }[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

for (const transport of transports) {
  test(`${transport}: connectPeer resolves a routing id to send to at once; the other side replies by the id it received`, async () => {
    const a = new Peer();
    await a.bind(endpointFor(transport));
    const b = new Peer();
    const toA = await b.connectPeer(a.lastEndpoint!);
    assert.ok(Number.isInteger(toA) && toA > 0 && toA <= 0xffffffff, `routing id ${toA}`);
    // The queue exists from the connect on (RFC 51): this send does not wait for the connection.
    await b.send("hello", { routingId: toA });
    const [hello, { routingId: toB }] = await withTimeout(a.receive(), 5000, "hello");
    assert.equal(text(hello), "hello");
    await a.send("hi", { routingId: toB });
    const [hi, { routingId: from }] = await withTimeout(b.receive(), 5000, "hi");
    assert.equal(text(hi), "hi");
    assert.equal(from, toA, "a reply comes with the id connectPeer gave");
    await closeAll(a, b);
  });

  test(`${transport}: one Peer connected to two others addresses each by its own routing id`, async () => {
    const hub = new Peer();
    const others = [new Peer(), new Peer()];
    const ids: number[] = [];
    for (const o of others) {
      await o.bind(endpointFor(transport));
      ids.push(await hub.connectPeer(o.lastEndpoint!));
    }
    assert.notEqual(ids[0], ids[1]);
    for (const [i, id] of ids.entries()) await hub.send(`to ${i}`, { routingId: id });
    for (const [i, o] of others.entries()) {
      const [frame, { routingId }] = await withTimeout(o.receive(), 5000, `message ${i}`);
      assert.equal(text(frame), `to ${i}`);
      await o.send(`from ${i}`, { routingId });
    }
    const replies = new Map<number, string>();
    for (let i = 0; i < 2; i++) {
      const [frame, { routingId }] = await withTimeout(hub.receive(), 5000, "reply");
      replies.set(routingId, text(frame));
    }
    assert.deepEqual(replies, new Map([[ids[0], "from 0"], [ids[1], "from 1"]]));
    await closeAll(hub, ...others);
  });

  test(`${transport}: Channel carries single-part messages both ways between exactly two sockets`, async () => {
    const a = new Channel();
    await a.bind(endpointFor(transport));
    const b = new Channel();
    b.connect(a.lastEndpoint!);
    for (let i = 0; i < 50; i++) await b.send(`ping ${i}`);
    for (let i = 0; i < 50; i++) {
      const message = await withTimeout(a.receive(), 5000, `ping ${i}`);
      assert.deepEqual(message.map(text), [`ping ${i}`]);
      await a.send(`pong ${i}`);
    }
    for (let i = 0; i < 50; i++) {
      assert.deepEqual((await withTimeout(b.receive(), 5000, "pong")).map(text), [`pong ${i}`]);
    }
    await closeAll(a, b);
  });
}

test("connectPeer refuses the immediate option (ENOTSUP) and an endpoint connected already (EINVAL)", async () => {
  const peer = new Peer({ immediate: true });
  await assert.rejects(peer.connectPeer("tcp://127.0.0.1:9"), (e: ZmqError) => e.code === "ENOTSUP");
  peer.immediate = false;
  const id = await peer.connectPeer("inproc://drafts-p2p-twice");
  assert.ok(id > 0);
  await assert.rejects(peer.connectPeer("inproc://drafts-p2p-twice"), (e: ZmqError) => e.code === "EINVAL");
  await assert.rejects(
    peer.connectPeer("nope://x"),
    (e: ZmqError) => e.code === "EPROTONOSUPPORT" || e.code === "EINVAL",
  );
  await closeAll(peer);
});

test("Peer: multipart is EINVAL, an unknown routing id EHOSTUNREACH; a Peer refuses a Channel", async () => {
  const a = new Peer();
  await a.bind("tcp://127.0.0.1:*");
  const b = new Peer();
  const id = await b.connectPeer(a.lastEndpoint!);
  await assert.rejects(b.send(["x", "y"], { routingId: id }), (e: ZmqError) => e.code === "EINVAL");
  await assert.rejects(b.send("x", { routingId: id + 1 }), (e: ZmqError) => e.code === "EHOSTUNREACH");
  const refused = (async () => {
    for await (const e of a.events) if (e.type === "handshake:error:protocol") return e;
  })();
  const channel = new Channel();
  channel.connect(a.lastEndpoint!);
  assert.match((await withTimeout(refused, 5000, "refusal"))!.error!.message, /CHANNEL/);
  await closeAll(a, b, channel);
});

test("Channel: a multipart send is EINVAL; a second peer is not served while the first is attached", async () => {
  const a = new Channel();
  await a.bind("inproc://drafts-p2p-channel");
  const b = new Channel();
  b.connect("inproc://drafts-p2p-channel");
  const c = new Channel({ sendTimeout: 0 });
  c.connect("inproc://drafts-p2p-channel");
  await assert.rejects(b.send(["x", "y"]), (e: ZmqError) => e.code === "EINVAL");
  await b.send("from b");
  assert.deepEqual((await withTimeout(a.receive(), 5000, "from b")).map(text), ["from b"]);
  await assert.rejects(c.send("from c"), (e: ZmqError) => e.code === "EAGAIN");
  await closeAll(a, b, c);
});
