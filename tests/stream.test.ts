import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { Stream } from "../mod.ts";
import { type Libzmq, startLibzmq } from "./support/libzmq.ts";
import { text, withTimeout } from "./support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

/** A plain TCP client that collects what it receives. */
function tcpClient(port: number): Promise<{ sock: net.Socket; received: () => string; closed: Promise<void> }> {
  return new Promise((resolve) => {
    let data = "";
    const sock = net.connect({ host: "127.0.0.1", port });
    const closed = new Promise<void>((r) => sock.on("close", () => r()));
    sock.on("data", (d) => (data += d.toString()));
    sock.on("error", () => {});
    sock.on("connect", () => resolve({ sock, received: () => data, closed }));
  });
}

test("a plain TCP client against a bound Stream: notifications, data both ways, close by empty frame", async () => {
  const stream = new Stream({ linger: 0 });
  await stream.bind("tcp://127.0.0.1:*");
  const client = await tcpClient(Number(stream.lastEndpoint!.split(":").pop()));
  const [id, hello] = await withTimeout(stream.receive(), 5000, "connect notification");
  assert.equal(id.byteLength, 5);
  assert.equal(hello.byteLength, 0);
  client.sock.write("GET / HTTP/1.0\r\n\r\n");
  const [id2, request] = await withTimeout(stream.receive(), 5000, "request bytes");
  assert.deepEqual(id2, id);
  assert.match(text(request), /^GET \/ HTTP/);
  await stream.send([id, "HTTP/1.0 200 OK\r\n\r\nhello"]);
  await stream.send([id, ""]);
  await withTimeout(client.closed, 5000, "close by empty frame");
  assert.equal(client.received(), "HTTP/1.0 200 OK\r\n\r\nhello");
  const [id3, bye] = await withTimeout(stream.receive(), 5000, "disconnect notification");
  assert.deepEqual(id3, id);
  assert.equal(bye.byteLength, 0);
  await stream.close();
});

test("a client closing its side gives a disconnect notification; unknown ids fail with EHOSTUNREACH", async () => {
  const stream = new Stream({ linger: 0 });
  await stream.bind("tcp://127.0.0.1:*");
  const client = await tcpClient(Number(stream.lastEndpoint!.split(":").pop()));
  const [id] = await withTimeout(stream.receive(), 5000, "connect");
  client.sock.end("bye");
  assert.equal(text((await withTimeout(stream.receive(), 5000, "data"))[1]), "bye");
  const [gone, empty] = await withTimeout(stream.receive(), 5000, "disconnect");
  assert.deepEqual(gone, id);
  assert.equal(empty.byteLength, 0);
  await assert.rejects(stream.send([id, "late"]), (e: { code?: string }) => e.code === "EHOSTUNREACH");
  await stream.close();
});

test("a Stream connecting out to a plain TCP server, with its own routing id", async () => {
  const server = net.createServer((s) => s.on("data", (d) => s.write(`echo:${d}`)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const stream = new Stream({ linger: 0 });
  stream.connect(`tcp://127.0.0.1:${port}`, { routingId: "srv" });
  const [id, hello] = await withTimeout(stream.receive(), 5000, "connected");
  assert.equal(text(id), "srv");
  assert.equal(hello.byteLength, 0);
  await stream.send(["srv", "ping"]);
  const [, reply] = await withTimeout(stream.receive(), 5000, "echo");
  assert.equal(text(reply), "echo:ping");
  await stream.close();
  server.close();
});

test("omq Stream and libzmq STREAM talk raw bytes to each other, both directions", async () => {
  // omq binds, libzmq connects.
  const stream = new Stream({ linger: 0 });
  await stream.bind("tcp://127.0.0.1:*");
  const raw = await zmq.socket("stream", { linger: 0 });
  await raw.connect(stream.lastEndpoint!, { routingId: "omq" });
  const [id] = await withTimeout(stream.receive(), 5000, "libzmq connected");
  await raw.send(["omq", "from libzmq"]);
  let got = "";
  while (!got.includes("from libzmq")) got += text((await withTimeout(stream.receive(), 5000, "bytes"))[1]);
  await stream.send([id, "from omq"]);
  let back = "";
  while (!back.includes("from omq")) {
    const [, data] = await raw.receive({ timeout: 5000 });
    back += text(data);
  }
  await raw.close();
  await stream.close();

  // libzmq binds, omq connects.
  const bound = await zmq.socket("stream", { linger: 0 });
  const ep = await bound.bind("tcp://127.0.0.1:*");
  const out = new Stream({ linger: 0 });
  out.connect(ep, { routingId: "lz" });
  await withTimeout(out.receive(), 5000, "connected to libzmq");
  await out.send(["lz", "hi libzmq"]);
  let at = "";
  let peerId: Uint8Array | null = null;
  while (!at.includes("hi libzmq")) {
    const [pid, data] = await bound.receive({ timeout: 5000 });
    peerId = pid;
    at += text(data);
  }
  await bound.send([peerId!, "hi omq"]);
  let reply = "";
  while (!reply.includes("hi omq")) reply += text((await withTimeout(out.receive(), 5000, "reply"))[1]);
  await bound.close();
  await out.close();
});
