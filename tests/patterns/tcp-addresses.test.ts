// What a tcp endpoint's host means, as libzmq reads it: the ipv6 switch (ZMQ_IPV6), network interface
// names to bind, a source address to connect from (`tcp://source;destination`), and the listen backlog.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { Context, Dealer, Pull, Push, type Socket, type ZmqError } from "../../mod.ts";
import { fakeRuntime } from "../support/fake-runtime.ts";
import { startLibzmq } from "../support/libzmq.ts";
import { eventually, texts, withTimeout } from "../support/util.ts";

const portOf = (s: Socket) => Number(s.lastEndpoint!.split(":").pop());

/** Whether a plain TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

test("ipv6 off (libzmq's default): * is IPv4 only; an IPv6 address written out still binds (omq's choice)", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://*:*");
  assert.equal(await reachable("127.0.0.1", portOf(pull)), true);
  assert.equal(await reachable("::1", portOf(pull)), false);
  await pull.bind("tcp://[::1]:*");
  assert.equal(await reachable("::1", portOf(pull)), true);
  await pull.close();
});

test("ipv6 on: * is dual-stack and IPv6 addresses bind and connect", async () => {
  const pull = new Pull({ linger: 0, ipv6: true });
  await pull.bind("tcp://*:*");
  assert.equal(await reachable("127.0.0.1", portOf(pull)), true);
  assert.equal(await reachable("::1", portOf(pull)), true);
  await pull.bind("tcp://[::1]:*");
  const push = new Push({ linger: 0, ipv6: true });
  push.connect(pull.lastEndpoint!);
  await push.send("over IPv6");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "the message")), ["over IPv6"]);
  await Promise.all([push.close(), pull.close()]);
});

test("ipv6 off: an IPv6 address written out is connected to as given (libzmq would refuse it)", async () => {
  const pull = new Pull({ linger: 0, ipv6: true });
  await pull.bind("tcp://[::1]:*");
  const push = new Push({ linger: 0, reconnectInterval: 10 });
  push.connect(pull.lastEndpoint!);
  await push.send("over IPv6");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "the message")), ["over IPv6"]);
  await Promise.all([push.close(), pull.close()]);
});

test("a network interface name binds its address: tcp://lo:* is 127.0.0.1, or ::1 with ipv6", async () => {
  const v4 = new Pull({ linger: 0 });
  await v4.bind("tcp://lo:*");
  assert.match(v4.lastEndpoint!, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  const v6 = new Pull({ linger: 0, ipv6: true });
  await v6.bind("tcp://lo:*");
  assert.match(v6.lastEndpoint!, /^tcp:\/\/\[::1\]:\d+$/);
  await assert.rejects(v4.bind("tcp://no-such-nic-or-host.invalid:*"), (e: ZmqError) => e.code === "ENODEV");
  await Promise.all([v4.close(), v6.close()]);
});

test("tcp://source;destination connects from the source address (and port), seen by the server", async () => {
  const seen: string[] = [];
  const server = net.createServer((sock) => {
    seen.push(`${sock.remoteAddress}:${sock.remotePort}`);
    sock.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  const free = new Pull({ linger: 0 });
  await free.bind("tcp://127.0.0.3:*");
  const sourcePort = portOf(free);
  await free.close();
  const a = new Dealer({ linger: 0, reconnectInterval: 60_000 });
  a.connect(`tcp://127.0.0.2:0;127.0.0.1:${port}`);
  const b = new Dealer({ linger: 0, reconnectInterval: 60_000 });
  b.connect(`tcp://127.0.0.3:${sourcePort};127.0.0.1:${port}`);
  const c = new Dealer({ linger: 0, reconnectInterval: 60_000 });
  c.connect(`tcp://lo:*;127.0.0.1:${port}`);
  await eventually(() => seen.length === 3);
  assert.ok(seen.some((s) => s.startsWith("127.0.0.2:")));
  assert.ok(seen.includes(`127.0.0.3:${sourcePort}`));
  assert.equal(seen.filter((s) => s.startsWith("127.0.0.1:")).length, 1);
  assert.throws(() => a.connect("tcp://127.0.0.2:0;[::1]"), (e: ZmqError) => e.code === "EINVAL");
  await Promise.all([a.close(), b.close(), c.close()]);
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("a libzmq server's ZAP handler sees the source address we connect from", async () => {
  await using zmq = await startLibzmq();
  const zap = await zmq.zapHandler({});
  const router = await zmq.socket("router", { zapDomain: "d" });
  const endpoint = await router.bind("tcp://127.0.0.1:*");
  const dealer = new Dealer({ linger: 0 });
  dealer.connect(`tcp://127.0.0.2:0;${endpoint.slice("tcp://".length)}`);
  await dealer.send("hi");
  assert.deepEqual(texts(await router.receive()).slice(1), ["hi"]);
  assert.deepEqual((await zap.requests()).map((r) => r.address), ["127.0.0.2"]);
  await dealer.close();
});

test("backlog reaches the runtime's listen (libzmq's default: 100)", async () => {
  const runtime = fakeRuntime();
  const context = new Context({ runtime });
  const pull = new Pull({ context, backlog: 5 });
  await pull.bind("tcp://127.0.0.1:*");
  const other = new Pull({ context });
  await other.bind("ipc:///fake/backlog");
  assert.deepEqual(runtime.listenOptions.map((o) => o?.backlog), [5, 100]);
  await Promise.all([pull.close(), other.close()]);
});

test("tcpAcceptFilter closes connections from elsewhere at once (accept:error), both against libzmq and ours", async () => {
  await using zmq = await startLibzmq();
  const filtered = new Dealer({ linger: 0, tcpAcceptFilter: "127.0.0.1" });
  const refusals: string[] = [];
  (async () => {
    for await (const e of filtered.events) if (e.type === "accept:error") refusals.push(e.address!);
  })();
  await filtered.bind("tcp://127.0.0.1:*");
  const target = filtered.lastEndpoint!.slice("tcp://".length);
  const outsider = await zmq.socket("dealer", { reconnectInterval: 60_000 });
  await outsider.connect(`tcp://127.0.0.2:0;${target}`);
  await eventually(() => refusals.length === 1);
  const insider = await zmq.socket("dealer");
  await insider.connect(`tcp://127.0.0.1:0;${target}`);
  await insider.send("let in");
  assert.deepEqual(texts(await withTimeout(filtered.receive(), 5000, "the insider's message")), ["let in"]);
  await filtered.close();

  // libzmq's own filter refuses our connection from a source outside it, and takes one inside it.
  const theirs = await zmq.socket("pull", { tcpAcceptFilter: "127.0.0.1" });
  const endpoint = (await theirs.bind("tcp://127.0.0.1:*")).slice("tcp://".length);
  const ours = new Push({ linger: 0, reconnectInterval: 60_000 });
  ours.connect(`tcp://127.0.0.2:0;${endpoint}`);
  await theirs.waitEvent("accept:error");
  const allowed = new Push({ linger: 0 });
  allowed.connect(`tcp://127.0.0.1:0;${endpoint}`);
  await allowed.send("from inside");
  assert.deepEqual(texts(await theirs.receive()), ["from inside"]);
  await Promise.all([ours.close(), allowed.close()]);
});
