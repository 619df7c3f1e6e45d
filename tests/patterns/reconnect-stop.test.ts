// reconnectStop (libzmq's draft ZMQ_RECONNECT_STOP): when a connected endpoint stops trying.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { Context, Dealer, Pull, Push, type Socket, type SocketEvent, type ZmqError } from "../../mod.ts";
import { fakeRuntime } from "../support/fake-runtime.ts";
import { eventually, withTimeout } from "../support/util.ts";

function record(socket: Socket): SocketEvent[] {
  const seen: SocketEvent[] = [];
  (async () => {
    for await (const e of socket.events) seen.push(e);
  })();
  return seen;
}

/** A tcp endpoint nothing listens on. */
async function refusingEndpoint(): Promise<string> {
  const holder = new Pull({ linger: 0 });
  await holder.bind("tcp://127.0.0.1:*");
  const endpoint = holder.lastEndpoint!;
  await holder.close();
  return endpoint;
}

/** The events after the first of `type` (at least one turn later, so that what followed it synchronously is in). */
async function after(events: SocketEvent[], type: string, address?: string): Promise<SocketEvent[]> {
  const at = () => events.findIndex((e) => e.type === type && (address === undefined || e.address === address));
  await eventually(() => at() >= 0);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return events.slice(at() + 1);
}

/** Whether the socket still has a queue for the endpoint: with none, a send cannot wait anywhere. */
async function hasNoPeer(socket: Push | Dealer): Promise<void> {
  socket.sendTimeout = 0;
  await assert.rejects(socket.send("probe"), (e: ZmqError) => e.code === "EAGAIN");
}

test("reconnectStop 1: a refused tcp connection drops the endpoint instead of retrying", async () => {
  const endpoint = await refusingEndpoint();
  const push = new Push({ linger: 0, reconnectStop: 1, reconnectInterval: 10 });
  const events = record(push);
  push.connect(endpoint);
  assert.deepEqual((await after(events, "close")).map((e) => e.type), [], "no retry follows the refusal");
  await eventually(() => hasNoPeer(push));
  // Without the option the same endpoint is retried.
  const retrying = new Push({ linger: 0, reconnectInterval: 10 });
  const retries = record(retrying);
  retrying.connect(endpoint);
  assert.equal((await after(retries, "close"))[0]?.type, "connect:retry");
  await Promise.all([push.close(), retrying.close()]);
});

test("reconnectStop 2: a connection that fails its handshake (a peer that is no ZMTP peer) is not tried again", async () => {
  let accepted = 0;
  const server = net.createServer((sock) => {
    accepted++;
    sock.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const dealer = new Dealer({ linger: 0, reconnectStop: 2, reconnectInterval: 10 });
  const events = record(dealer);
  dealer.connect(endpoint);
  const rest = await after(events, "handshake:error:other");
  assert.deepEqual(rest.map((e) => e.type), ["disconnect"], "no retry follows the failed handshake");
  await eventually(() => hasNoPeer(dealer));
  assert.equal(accepted, 1);
  await dealer.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test("reconnectStop 4: after a disconnect(), a refused ipc connection stops that endpoint's dialing", async () => {
  const context = new Context({ runtime: fakeRuntime() });
  const a = new Pull({ context, linger: 0 });
  const b = new Pull({ context, linger: 0 });
  await a.bind("ipc:///fake/a");
  await b.bind("ipc:///fake/b");
  const push = new Push({ context, linger: 0, reconnectStop: 4, reconnectInterval: 10 });
  const events = record(push);
  const handshakes = () => events.filter((e) => e.type === "handshake").length;
  push.connect("ipc:///fake/a");
  push.connect("ipc:///fake/b");
  await eventually(() => handshakes() === 2);
  push.disconnect("ipc:///fake/a");
  await b.close(); // its connection ends; the reconnect that follows is refused, and is the last
  const rest = await after(events, "close", "ipc:///fake/b");
  assert.deepEqual(rest.map((e) => e.type), []);
  // The endpoint itself stays connected (libzmq keeps the session): a message still queues for it.
  await withTimeout(push.send("kept"), 1000, "a send to the stopped endpoint's queue");
  await Promise.all([push.close(), a.close()]);
});
