// socket.peers: one read-only snapshot per peer, with real counts and queue sizes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Pull, Push, Router } from "../../mod.ts";
import { eventually, tempIpcPath, text, withTimeout } from "../support/util.ts";

const TCP = "tcp://127.0.0.1:*";

test("a tcp peer: endpoint, remote address, type, routing id, connect time, messages and bytes each way", async () => {
  const router = new Router({ linger: 0 });
  await router.bind(TCP);
  const dealer = new Dealer({ linger: 0, routingId: "d1" });
  const before = Date.now();
  dealer.connect(router.lastEndpoint!);
  for (let i = 0; i < 10; i++) await dealer.send(["0123456789", "abc"]); // 13 bytes each
  for (let i = 0; i < 10; i++) await withTimeout(router.receive(), 5000, "receive");
  for (let i = 0; i < 4; i++) await router.send(["d1", "12345"]);
  for (let i = 0; i < 4; i++) await withTimeout(dealer.receive(), 5000, "reply");

  const [seen] = router.peers;
  assert.equal(router.peers.length, 1);
  assert.equal(seen.endpoint, router.lastEndpoint);
  assert.match(seen.remoteAddress!, /^127\.0\.0\.1:\d+$/);
  assert.equal(seen.socketType, "DEALER");
  assert.equal(text(seen.routingId!), "d1");
  assert.equal(seen.mechanism, "NULL");
  assert.equal(seen.userId, null);
  assert.ok(seen.connectedAt! >= before && seen.connectedAt! <= Date.now(), `connectedAt ${seen.connectedAt}`);
  assert.deepEqual(
    [seen.messagesIn, seen.bytesIn, seen.messagesOut, seen.bytesOut, seen.queuedIn],
    [10, 130, 4, 20, 0],
  );
  assert.ok(Object.isFrozen(seen));

  const [theirs] = dealer.peers;
  assert.equal(theirs.endpoint, router.lastEndpoint);
  assert.equal(theirs.socketType, "ROUTER");
  assert.equal(theirs.remoteAddress, router.lastEndpoint!.slice("tcp://".length));
  assert.deepEqual([theirs.messagesOut, theirs.bytesOut, theirs.messagesIn, theirs.bytesIn], [10, 130, 4, 20]);
  // A fresh array of fresh snapshots each time.
  assert.notEqual(dealer.peers, dealer.peers);
  await Promise.all([dealer.close(), router.close()]);
});

test("queued out while the peer is not there, up to the high-water mark; delivered and counted once it binds", async () => {
  const endpoint = tempIpcPath();
  const push = new Push({ linger: 0, sendHighWaterMark: 5, sendTimeout: 0 });
  push.connect(endpoint);
  for (let i = 0; i < 5; i++) await push.send(`m${i}`);
  await assert.rejects(push.send("one too many"), { code: "EAGAIN" });
  let [peer] = push.peers;
  assert.equal(peer.connectedAt, null);
  assert.equal(peer.socketType, null);
  assert.deepEqual([peer.queuedOut, peer.messagesOut, peer.bytesOut], [5, 5, 10]);

  const pull = new Pull({ linger: 0 });
  await pull.bind(endpoint);
  await eventually(() => pull.peers[0]?.queuedIn === 5);
  [peer] = push.peers;
  assert.equal(peer.queuedOut, 0);
  assert.equal(peer.socketType, "PULL");
  assert.notEqual(peer.connectedAt, null);
  const [theirs] = pull.peers;
  assert.deepEqual([theirs.messagesIn, theirs.bytesIn, theirs.queuedIn, theirs.socketType], [5, 10, 5, "PUSH"]);
  assert.equal(theirs.endpoint, endpoint);
  await pull.receive();
  assert.equal(pull.peers[0].queuedIn, 4);
  await Promise.all([push.close(), pull.close()]);
});

test("an inproc peer: the name as remote address, and one pipe seen from both ends", async () => {
  const context = new Context();
  const pull = new Pull({ context, linger: 0 });
  await pull.bind("inproc://observed");
  const push = new Push({ context, linger: 0, routingId: "pusher" });
  push.connect("inproc://observed");
  for (let i = 0; i < 3; i++) await push.send(["ab", "c"]);
  const [out] = push.peers;
  const [into] = pull.peers;
  assert.equal(out.remoteAddress, "observed");
  assert.equal(into.remoteAddress, "observed");
  assert.equal(out.endpoint, "inproc://observed");
  assert.equal(into.socketType, "PUSH");
  assert.equal(text(into.routingId!), "pusher");
  assert.equal(out.socketType, "PULL");
  assert.notEqual(into.connectedAt, null);
  assert.notEqual(out.connectedAt, null);
  assert.deepEqual([out.messagesOut, out.bytesOut, out.queuedOut], [3, 9, 3]);
  assert.deepEqual([into.messagesIn, into.bytesIn, into.queuedIn], [3, 9, 3]);
  await pull.receive();
  assert.equal(push.peers[0].queuedOut, 2);
  assert.equal(pull.peers[0].queuedIn, 2);
  await context.close();
});

test("a peer that is let go disappears from the list", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind(TCP);
  const push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("x");
  await withTimeout(pull.receive(), 5000, "receive");
  assert.equal(pull.peers.length, 1);
  await push.close();
  await eventually(() => pull.peers.length === 0);
  await pull.close();
});
