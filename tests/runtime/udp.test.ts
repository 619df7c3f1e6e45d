// The UDP adapter of whichever runtime runs this file (node:dgram on Node and Deno, Bun.udpSocket
// on Bun), held to the contract in transports/runtime/udp-types.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { udp, type UdpSocket } from "../../transports/runtime/udp.ts";
import { bytes, text, withTimeout } from "../support/util.ts";

interface Received {
  data: Uint8Array;
  host: string;
  port: number;
}

/** A started socket whose datagrams and send errors are recorded. */
async function open(host = "127.0.0.1", reuseAddress = false, port = 0) {
  const socket = await udp.bind({ host, port, family: host.includes(":") ? 6 : 4, reuseAddress });
  const got: Received[] = [];
  const errors: Error[] = [];
  let wake: (() => void) | null = null;
  socket.start({
    datagram: (data, from, fromPort) => {
      got.push({ data, host: from, port: fromPort });
      wake?.();
    },
    sendError: (error) => {
      errors.push(error);
      wake?.();
    },
  });
  /** Resolves once `cond` holds (checked after each event). */
  const until = (cond: () => boolean, what: string) =>
    withTimeout(
      new Promise<void>((resolve) => {
        wake = () => {
          if (cond()) resolve();
        };
        wake();
      }),
      10_000,
      what,
    );
  return { socket, got, errors, until };
}

test(`${udp.name}: a datagram gathered from chunks arrives whole, with its source`, async () => {
  const a = await open();
  const b = await open();
  assert.ok(a.socket.port > 0, "the kernel chose a port");
  b.socket.send([bytes("he"), bytes("llo"), new Uint8Array(0), bytes(" world")], "127.0.0.1", a.socket.port);
  b.socket.send([bytes("second")], "127.0.0.1", a.socket.port);
  await a.until(() => a.got.length === 2, "two datagrams");
  assert.equal(text(a.got[0].data), "hello world");
  assert.equal(a.got[0].host, "127.0.0.1");
  assert.equal(a.got[0].port, b.socket.port);
  // The first datagram's bytes are its own: the second did not land on them.
  assert.equal(text(a.got[0].data), "hello world");
  assert.equal(text(a.got[1].data), "second");
  await Promise.all([a.socket.close(), b.socket.close()]);
});

test(`${udp.name}: IPv6 loopback`, async () => {
  const a = await open("::1");
  const b = await open("::1");
  b.socket.send([bytes("six")], "::1", a.socket.port);
  await a.until(() => a.got.length === 1, "a datagram over ::1");
  assert.equal(text(a.got[0].data), "six");
  assert.equal(a.got[0].host, "::1");
  await Promise.all([a.socket.close(), b.socket.close()]);
});

test(`${udp.name}: a port is shared with reuseAddress, refused with EADDRINUSE without`, async () => {
  const a = await open("0.0.0.0", true);
  const b = await open("0.0.0.0", true, a.socket.port);
  assert.equal(b.socket.port, a.socket.port);
  await assert.rejects(udp.bind({ host: "127.0.0.1", port: a.socket.port, family: 4 }), { code: "EADDRINUSE" });
  await Promise.all([a.socket.close(), b.socket.close()]);
});

test(`${udp.name}: a datagram too large for UDP is dropped with EMSGSIZE; the socket carries on`, async () => {
  const a = await open();
  const b = await open();
  b.socket.send([new Uint8Array(70_000)], "127.0.0.1", a.socket.port);
  await b.until(() => b.errors.length === 1, "the send error");
  assert.equal((b.errors[0] as { code?: string }).code, "EMSGSIZE");
  b.socket.send([bytes("after")], "127.0.0.1", a.socket.port);
  await a.until(() => a.got.length === 1, "the next datagram");
  assert.equal(text(a.got[0].data), "after");
  await Promise.all([a.socket.close(), b.socket.close()]);
});

test(`${udp.name}: close waits until what was sent is handed to the kernel`, async () => {
  const a = await open();
  const b = await open();
  for (let i = 0; i < 200; i++) b.socket.send([bytes(`n${i}`)], "127.0.0.1", a.socket.port);
  await b.socket.close();
  await a.until(() => a.got.length === 200, "200 datagrams");
  assert.deepEqual(a.got.map((g) => text(g.data)), Array.from({ length: 200 }, (_, i) => `n${i}`));
  await a.socket.close();
});

test(`${udp.name}: multicast options and memberships; a bad group is an errno-coded error`, async () => {
  const a = await open("0.0.0.0", true);
  a.socket.setMulticastHops(3);
  a.socket.setMulticastLoop(false);
  a.socket.setMulticastLoop(true);
  a.socket.setMulticastInterface("127.0.0.1");
  a.socket.addMembership("239.192.7.7", "127.0.0.1");
  a.socket.dropMembership("239.192.7.7", "127.0.0.1");
  assert.throws(() => a.socket.addMembership("10.1.2.3", "127.0.0.1"), (err: { code?: string }) => {
    return typeof err.code === "string" && err.code.startsWith("E");
  });
  await a.socket.close();
});

test(`${udp.name}: host names and interface names resolve`, async () => {
  assert.deepEqual(await udp.lookup("127.0.0.1"), { host: "127.0.0.1", family: 4 });
  assert.deepEqual(await udp.lookup("::1"), { host: "::1", family: 6 });
  assert.equal((await udp.lookup("localhost", 4)).host, "127.0.0.1");
  assert.equal(udp.interfaceAddress("lo", 4), "127.0.0.1");
  assert.equal(udp.interfaceAddress("no-such-interface0", 4), null);
});

test(`${udp.name}: after pause and resume, datagrams are delivered again`, async () => {
  const a = await open();
  const b = await open();
  const sockets: UdpSocket[] = [a.socket, b.socket];
  a.socket.pause();
  a.socket.resume();
  b.socket.send([bytes("x")], "127.0.0.1", a.socket.port);
  await a.until(() => a.got.length === 1, "a datagram after resume");
  await Promise.all(sockets.map((s) => s.close()));
});
