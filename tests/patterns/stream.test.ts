import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { Stream } from "../../mod.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { eventually, text, withTimeout } from "../support/util.ts";

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

const portOf = (s: Stream) => Number(s.lastEndpoint!.split(":").pop());

test("a plain TCP client against a bound Stream: connect notice, data both ways, close by empty frame", async () => {
  const stream = new Stream({ linger: 0 });
  await stream.bind("tcp://127.0.0.1:*");
  const client = await tcpClient(portOf(stream));
  const [id, hello] = await withTimeout(stream.receive(), 5000, "connect notification");
  assert.equal(id.byteLength, 5);
  assert.equal(id[0], 0);
  assert.equal(hello.byteLength, 0);
  client.sock.write("GET / HTTP/1.0\r\n\r\n");
  const [id2, request] = await withTimeout(stream.receive(), 5000, "request bytes");
  assert.deepEqual(id2, id);
  assert.match(text(request), /^GET \/ HTTP/);
  await stream.send([id, "HTTP/1.0 200 OK\r\n\r\nhello"]);
  await stream.send([id, ""]);
  // The id is gone at once, as libzmq drops the pipe at once.
  await assert.rejects(stream.send([id, "late"]), (e: { code?: string }) => e.code === "EHOSTUNREACH");
  await withTimeout(client.closed, 5000, "close by empty frame");
  assert.equal(client.received(), "HTTP/1.0 200 OK\r\n\r\nhello");
  // As libzmq: no disconnect notice for a connection the application closed, so the next
  // message is the next client's connect notice.
  const next = await tcpClient(portOf(stream));
  const [id3, notice] = await withTimeout(stream.receive(), 5000, "second client's connect notice");
  assert.notDeepEqual(id3, id);
  assert.equal(notice.byteLength, 0);
  next.sock.destroy();
  await stream.close();
});

test("a client closing its side: its last bytes, then a disconnect notice; its id then fails with EHOSTUNREACH", async () => {
  const stream = new Stream({ linger: 0 });
  await stream.bind("tcp://127.0.0.1:*");
  const client = await tcpClient(portOf(stream));
  const [id] = await withTimeout(stream.receive(), 5000, "connect");
  client.sock.end("bye");
  assert.equal(text((await withTimeout(stream.receive(), 5000, "data"))[1]), "bye");
  const [gone, empty] = await withTimeout(stream.receive(), 5000, "disconnect");
  assert.deepEqual(gone, id);
  assert.equal(empty.byteLength, 0);
  await assert.rejects(stream.send([id, "late"]), (e: { code?: string }) => e.code === "EHOSTUNREACH");
  await stream.close();
});

test("several clients get their own ids and their own replies", async () => {
  const stream = new Stream({ linger: 0 });
  await stream.bind("tcp://127.0.0.1:*");
  const clients = [];
  const ids = new Map<string, number>();
  for (let k = 0; k < 3; k++) {
    clients.push(await tcpClient(portOf(stream)));
    const [id] = await withTimeout(stream.receive(), 5000, "connect");
    ids.set(id.join(","), k); // generated ids are binary, not UTF-8
  }
  assert.equal(ids.size, 3);
  for (const [k, c] of clients.entries()) c.sock.write(`client ${k}`);
  for (let n = 0; n < 3; n++) {
    const [id, data] = await withTimeout(stream.receive(), 5000, "data");
    await stream.send([id, `reply to ${text(data)}`]);
  }
  for (const [k, c] of clients.entries()) {
    await eventually(() => c.received() === `reply to client ${k}`);
    c.sock.destroy();
  }
  await stream.close();
});

test("notify: false delivers data only, no connect or disconnect notices", async () => {
  const stream = new Stream({ linger: 0, notify: false });
  assert.equal(stream.notify, false);
  await stream.bind("tcp://127.0.0.1:*");
  const first = await tcpClient(portOf(stream));
  first.sock.end("one");
  const [id1, data1] = await withTimeout(stream.receive(), 5000, "first data");
  assert.equal(text(data1), "one");
  await withTimeout(first.closed, 5000, "first closed");
  const second = await tcpClient(portOf(stream));
  second.sock.write("two");
  const [id2, data2] = await withTimeout(stream.receive(), 5000, "second data");
  assert.equal(text(data2), "two");
  assert.notDeepEqual(id2, id1);
  second.sock.destroy();
  await stream.close();
});

test("a Stream stops reading from a fast client while its queue is full, and loses nothing", async () => {
  const stream = new Stream({ linger: 0, receiveHighWaterMark: 4 });
  await stream.bind("tcp://127.0.0.1:*");
  const client = await tcpClient(portOf(stream));
  await withTimeout(stream.receive(), 5000, "connect");
  const total = 16 * 1024 * 1024;
  const block = new Uint8Array(64 * 1024);
  for (let i = 0; i < block.length; i++) block[i] = i % 251;
  for (let sent = 0; sent < total; sent += block.length) client.sock.write(block);
  client.sock.end();
  // Not reading from the kernel can only be seen over time: most of it still waits in the client.
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(client.sock.writableLength > total / 2, `the client still holds ${client.sock.writableLength} bytes`);
  let got = 0;
  let ok = true;
  for (;;) {
    const [, data] = await withTimeout(stream.receive(), 10_000, "data");
    if (data.byteLength === 0) break; // the disconnect notice
    for (let i = 0; i < data.byteLength; i += 4096) ok &&= data[i] === (got + i) % block.length % 251;
    got += data.byteLength;
  }
  assert.equal(got, total);
  assert.ok(ok, "bytes arrive in order");
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

test("a connected Stream reconnects under the same id when the server drops it, but not after closing it itself", async () => {
  const accepted: net.Socket[] = [];
  const server = net.createServer((s) => {
    accepted.push(s);
    s.on("error", () => {});
    if (accepted.length === 1) s.destroy(); // the first connection is dropped by the server
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  const stream = new Stream({ linger: 0, reconnectInterval: 10 });
  stream.connect(`tcp://127.0.0.1:${port}`, { routingId: "srv" });
  // libzmq 4.3 does the same: connect, disconnect and connect notices, all under the connect routing id.
  for (const what of ["connect", "disconnect", "reconnect"]) {
    const [id, empty] = await withTimeout(stream.receive(), 5000, what);
    assert.equal(text(id), "srv");
    assert.equal(empty.byteLength, 0);
  }
  await stream.send(["srv", "last words"]);
  await stream.send(["srv", ""]);
  const second = accepted[1];
  let heard = "";
  second.on("data", (d) => (heard += d));
  await withTimeout(new Promise((r) => second.on("close", r)), 5000, "closed by the empty frame");
  assert.equal(heard, "last words");
  // Absence can only be checked over time: many reconnect intervals pass without a new connection.
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(accepted.length, 2);
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

test("a connected Stream queues what is sent to its routing id before the connection is up, as libzmq", async () => {
  let request = "";
  const server = net.createServer((sock) => {
    sock.on("data", (d) => {
      request += d.toString();
      if (request.endsWith("\r\n\r\n")) sock.end("HTTP/1.0 200 OK\r\n\r\nhello");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const stream = new Stream({ linger: 0 });
  stream.connect(`tcp://127.0.0.1:${port}`, { routingId: "client-1" });
  // In the same turn as connect: no connection yet, but the id has its queue.
  await stream.send(["client-1", "GET / HTTP/1.0\r\n\r\n"]);
  let body = "";
  for await (const [id, data] of stream) {
    assert.equal(text(id), "client-1");
    body += text(data);
    if (body.endsWith("hello")) break;
  }
  assert.equal(body, "HTTP/1.0 200 OK\r\n\r\nhello");
  assert.equal(request, "GET / HTTP/1.0\r\n\r\n");
  await stream.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("a reply sent just before close() with linger 0 reaches the client, as libzmq's I/O thread writes it at once", async () => {
  const stream = new Stream({ linger: 0 });
  await stream.bind("tcp://127.0.0.1:*");
  const client = await tcpClient(portOf(stream));
  await withTimeout(stream.receive(), 5000, "connect notification");
  client.sock.write("GET / HTTP/1.0\r\n\r\n");
  const [id] = await withTimeout(stream.receive(), 5000, "request");
  await stream.send([id, "HTTP/1.0 200 OK\r\n\r\nbye"]);
  await stream.close();
  await withTimeout(client.closed, 5000, "the client's close");
  assert.equal(client.received(), "HTTP/1.0 200 OK\r\n\r\nbye");
});
