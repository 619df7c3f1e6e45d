// socket.stats and contextStats: counters that move exactly with the traffic, and the gauges of now.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Context,
  contextStats,
  Dish,
  Publisher,
  Pull,
  Push,
  Radio,
  Request,
  Router,
  type Socket,
  type SocketEvent,
  Subscriber,
} from "../../mod.ts";
import { eventually, tempIpcPath, text, withTimeout } from "../support/util.ts";

const TCP = "tcp://127.0.0.1:*";

/** Resolves with the first event of `type` on `socket`. */
function next(socket: Socket, type: SocketEvent["type"]): Promise<void> {
  return new Promise((resolve) => socket.events.on(type, () => resolve()));
}

test("messages and bytes sent and received, connections accepted and made", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind(TCP);
  const push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  for (let i = 0; i < 100; i++) await push.send(["header", "0123456789"]); // 16 bytes
  for (let i = 0; i < 100; i++) await withTimeout(pull.receive(), 5000, "receive");
  const sent = push.stats;
  const received = pull.stats;
  assert.deepEqual(
    [sent.messagesSent, sent.bytesSent, sent.messagesReceived, sent.connected, sent.accepted, sent.connections],
    [100, 1600, 0, 1, 0, 1],
  );
  assert.deepEqual(
    [received.messagesReceived, received.bytesReceived, received.messagesSent, received.accepted, received.connections],
    [100, 1600, 0, 1, 1],
  );
  assert.deepEqual([sent.messagesDropped, sent.reconnects, sent.disconnects, sent.handshakeFailures], [0, 0, 0, 0]);
  assert.deepEqual([received.queuedIn, sent.queuedOut], [0, 0]);
  assert.ok(Object.isFrozen(sent));
  await Promise.all([push.close(), pull.close()]);
});

test("queued gauges: what waits unread in a receiver, what waits for a peer that is not there", async () => {
  const endpoint = tempIpcPath();
  const push = new Push({ linger: 0 });
  push.connect(endpoint);
  for (let i = 0; i < 7; i++) await push.send("x");
  assert.equal(push.stats.queuedOut, 7);
  assert.equal(push.stats.connections, 0);
  const pull = new Pull({ linger: 0 });
  await pull.bind(endpoint);
  await eventually(() => pull.stats.queuedIn === 7);
  assert.equal(push.stats.queuedOut, 0);
  assert.equal(push.stats.connections, 1);
  await Promise.all([push.close(), pull.close()]);
});

test("a publisher counts the copies a full subscriber could not take as dropped", async () => {
  const context = new Context();
  const pub = new Publisher({ context, linger: 0, sendHighWaterMark: 2 });
  await pub.bind("inproc://drops");
  const sub = new Subscriber({ context, linger: 0, receiveHighWaterMark: 2 });
  sub.connect("inproc://drops");
  sub.subscribe();
  await eventually(async () => {
    await pub.send("probe");
    return sub.stats.queuedIn > 0;
  });
  while (sub.stats.queuedIn > 0) await sub.receive();
  const before = pub.stats;
  const subBefore = sub.stats;
  for (let i = 0; i < 50; i++) await pub.send("m");
  const queued = sub.stats.queuedIn;
  assert.ok(queued > 0 && queued < 50, `queued ${queued}`);
  // One subscriber: each message was either queued to it (sent) or dropped.
  assert.equal(pub.stats.messagesSent - before.messagesSent, queued);
  assert.equal(pub.stats.messagesDropped - before.messagesDropped, 50 - queued);
  assert.equal(sub.stats.messagesReceived - subBefore.messagesReceived, queued);
  await context.close();
});

test("a router counts messages for unknown peers as dropped (mandatory off)", async () => {
  const router = new Router({ linger: 0 });
  await router.send(["nobody", "hello"]);
  await router.send(["nobody", "again"]);
  assert.equal(router.stats.messagesDropped, 2);
  assert.equal(router.stats.messagesSent, 0);
  await router.close();
});

test("a radio counts the copies a full dish could not take; a dish, the messages of groups it left", async () => {
  const context = new Context();
  const radio = new Radio({ context, linger: 0, sendHighWaterMark: 2 });
  await radio.bind("inproc://radio-drops");
  const dish = new Dish({ context, linger: 0, receiveHighWaterMark: 2 });
  dish.connect("inproc://radio-drops");
  dish.join("a");
  await eventually(async () => {
    await radio.send("probe", { group: "a" });
    return dish.stats.queuedIn > 0;
  });
  while (dish.stats.queuedIn > 0) await dish.receive();
  const before = radio.stats.messagesDropped;
  for (let i = 0; i < 50; i++) await radio.send("m", { group: "a" });
  const queued = dish.stats.queuedIn;
  assert.ok(queued > 0 && queued < 50, `queued ${queued}`);
  assert.equal(radio.stats.messagesDropped - before, 50 - queued);
  // Left while one is queued: it is dropped when the dish reads past it.
  while (dish.stats.queuedIn > 0) await dish.receive();
  await radio.send("for a", { group: "a" });
  await eventually(() => dish.stats.queuedIn === 1);
  dish.leave("a");
  dish.join("b");
  await eventually(async () => {
    await radio.send("for b", { group: "b" });
    return dish.stats.queuedIn > 1;
  });
  const [body, { group }] = await withTimeout(dish.receive(), 5000, "the message for b");
  assert.deepEqual([text(body), text(group)], ["for b", "b"]);
  assert.equal(dish.stats.messagesDropped, 1);
  await context.close();
});

test("a relaxed REQ counts the replies to requests it gave up as dropped", async () => {
  const context = new Context();
  const router = new Router({ context, linger: 0 });
  await router.bind("inproc://req-drops");
  const req = new Request({ context, linger: 0, relaxed: true, correlate: true });
  req.connect("inproc://req-drops");
  await req.send("one");
  const first = await withTimeout(router.receive(), 5000, "request one");
  await req.send("two");
  const second = await withTimeout(router.receive(), 5000, "request two");
  await router.send([...first.slice(0, -1), "reply to one"]);
  await router.send([...second.slice(0, -1), "reply to two"]);
  const [reply] = await withTimeout(req.receive(), 5000, "reply to two");
  assert.equal(text(reply), "reply to two");
  assert.equal(req.stats.messagesDropped, 1);
  await context.close();
});

test("conflate: each replaced message counts as dropped by the receiver", async () => {
  const context = new Context();
  const pull = new Pull({ context, linger: 0, conflate: true });
  await pull.bind("inproc://latest");
  const push = new Push({ context, linger: 0, conflate: true });
  push.connect("inproc://latest");
  for (let i = 0; i < 5; i++) await push.send(`v${i}`);
  assert.equal(pull.stats.messagesDropped, 4);
  assert.equal(pull.stats.queuedIn, 1);
  assert.equal(push.stats.messagesDropped, 0);
  await context.close();
});

test("disconnects and reconnects follow the peer going away and coming back", async () => {
  const endpoint = tempIpcPath();
  const push = new Push({ linger: 0, reconnectInterval: 20 });
  let pull = new Pull({ linger: 0 });
  await pull.bind(endpoint);
  push.connect(endpoint);
  await eventually(() => push.stats.connections === 1);
  const lost = next(push, "disconnect");
  await pull.close();
  await withTimeout(lost, 5000, "disconnect");
  assert.deepEqual([push.stats.disconnects, push.stats.connections], [1, 0]);
  pull = new Pull({ linger: 0 });
  await pull.bind(endpoint);
  await eventually(() => push.stats.connections === 1);
  assert.deepEqual([push.stats.connected, push.stats.reconnects, push.stats.disconnects], [2, 1, 1]);
  await Promise.all([push.close(), pull.close()]);
});

test("handshake failures: a PLAIN server without a ZAP handler refuses, and both sides count it", async () => {
  const context = new Context();
  const pull = new Pull({ context, linger: 0, plainServer: true });
  await pull.bind(TCP);
  const push = new Push({ context, linger: 0, plainUsername: "u", plainPassword: "p", reconnectInterval: 50 });
  push.connect(pull.lastEndpoint!);
  await eventually(() => pull.stats.handshakeFailures >= 1 && push.stats.handshakeFailures >= 1);
  assert.equal(pull.stats.connections, 0);
  assert.ok(pull.stats.accepted >= 1);
  await context.close();
});

test("contextStats sums a context's sockets, and keeps what closed sockets counted", async () => {
  const context = new Context();
  const pull = new Pull({ context, linger: 0 });
  await pull.bind("inproc://sum");
  const push = new Push({ context, linger: 0 });
  push.connect("inproc://sum");
  for (let i = 0; i < 3; i++) await push.send("abcd");
  await pull.receive();
  let total = contextStats(context);
  assert.deepEqual(
    [total.messagesSent, total.bytesSent, total.messagesReceived, total.bytesReceived, total.connections],
    [3, 12, 3, 12, 2],
  );
  assert.deepEqual([total.queuedIn, total.queuedOut], [2, 2]); // one inproc pipe, seen from both ends
  await push.close();
  total = contextStats(context);
  assert.deepEqual([total.messagesSent, total.messagesReceived], [3, 3]);
  await pull.close();
  total = contextStats(context);
  assert.deepEqual([total.messagesSent, total.messagesReceived, total.connections, total.queuedIn], [3, 3, 0, 0]);
  await context.close();
});
