// propertiesOf(message): libzmq's zmq_msg_gets properties of the connection a message came in on.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, Pull, Push, Router, Subscriber, XPublisher } from "../../mod.ts";
import { encodeMetadata } from "../../src/zmtp/command.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { text, withTimeout } from "../support/util.ts";

const TCP = "tcp://127.0.0.1:*";
const ZMQ_METADATA = 95;

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

test("properties from READY: Socket-Type, Routing-Id, Peer-Address and the peer's X- metadata, any case", async () => {
  const router = new Router({ linger: 0, receiveProperties: true });
  await router.bind(TCP);
  const dealer = new Dealer({
    linger: 0,
    receiveProperties: true,
    routingId: "d1",
    metadata: { "X-Service": "billing", "X-Shard": "7" },
  });
  dealer.connect(router.lastEndpoint!);
  await dealer.send("hi");
  const message = await withTimeout(router.receive(), 5000, "receive");
  const props = router.propertiesOf(message)!;
  assert.equal(props.get("Socket-Type"), "DEALER");
  assert.equal(props.get("socket-type"), "DEALER");
  assert.equal(props.get("Routing-Id"), "d1");
  assert.equal(props.get("Identity"), "d1");
  assert.equal(props.get("Peer-Address"), "127.0.0.1");
  assert.equal(props.get("X-Service"), "billing");
  assert.equal(props.get("x-shard"), "7");
  assert.equal(props.get("User-Id"), null);
  assert.equal(props.get("X-Missing"), null);
  assert.deepEqual(props.bytes("X-Shard"), new Uint8Array([0x37]));
  assert.deepEqual(
    props.names().sort(),
    ["identity", "peer-address", "routing-id", "socket-type", "x-service", "x-shard"],
  );
  // The dealer sees the router's.
  await router.send([message[0], "back"]);
  const reply = await withTimeout(dealer.receive(), 5000, "reply");
  assert.equal(dealer.propertiesOf(reply)!.get("Socket-Type"), "ROUTER");
  await Promise.all([dealer.close(), router.close()]);
});

test("without receiveProperties nothing is recorded (EINVAL); with it, every message received since answers", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind(TCP);
  const push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  for (const m of ["a", "b", "c"]) await push.send(m);
  const first = await withTimeout(pull.receive(), 5000, "receive");
  assert.throws(() => pull.propertiesOf(first), { code: "EINVAL", message: /receiveProperties/ });

  pull.receiveProperties = true;
  const second = await withTimeout(pull.receive(), 5000, "receive");
  const third = await withTimeout(pull.receive(), 5000, "receive");
  assert.deepEqual([text(second[0]), text(third[0])], ["b", "c"]);
  assert.equal(pull.propertiesOf(first), null);
  assert.equal(pull.propertiesOf([new Uint8Array(1)]), null);
  assert.equal(pull.propertiesOf(second)!.get("Socket-Type"), "PUSH");
  assert.equal(pull.propertiesOf(third)!.get("Socket-Type"), "PUSH");
  pull.receiveProperties = false;
  assert.throws(() => pull.propertiesOf(third), { code: "EINVAL" });
  await Promise.all([push.close(), pull.close()]);
});

test("messages waited for (receive before send) and iterated carry their peer's properties too", async () => {
  const context = new Context();
  const pull = new Pull({ context, linger: 0, receiveProperties: true });
  await pull.bind("inproc://props");
  const a = new Push({ context, linger: 0, routingId: "A" });
  const b = new Push({ context, linger: 0, routingId: "B" });
  a.connect("inproc://props");
  b.connect("inproc://props");
  const waiting = pull.receive();
  await a.send("from a");
  const fromA = await waiting;
  await b.send("from b");
  const fromB = (await pull[Symbol.asyncIterator]().next()).value!;
  assert.equal(pull.propertiesOf(fromA)!.get("Routing-Id"), "A");
  assert.equal(pull.propertiesOf(fromB)!.get("Routing-Id"), "B");
  // inproc has no address and no metadata beyond what the socket itself knows.
  assert.equal(pull.propertiesOf(fromA)!.get("Peer-Address"), null);
  assert.equal(pull.propertiesOf(fromA)!.get("Socket-Type"), "PUSH");
  await context.close();
});

test("a message the socket type made itself has no properties (XPUB's subscription notice)", async () => {
  const context = new Context();
  const xpub = new XPublisher({ context, linger: 0, receiveProperties: true });
  await xpub.bind("inproc://subs");
  const sub = new Subscriber({ context, linger: 0 });
  sub.connect("inproc://subs");
  sub.subscribe("t");
  const notice = await withTimeout(xpub.receive(), 5000, "subscription");
  assert.equal(notice[0][0], 1);
  // XPUB queues notices as it reads the subscriber's pipe: which message is whose is not kept, so nothing is claimed.
  assert.equal(xpub.propertiesOf(notice), null);
  await context.close();
});

test("User-Id: the id a ZAP handler gave a PLAIN client, on its messages and in peers", async () => {
  const context = new Context();
  const zap = new Router({ context, linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  (async () => {
    for await (const [id, delimiter, version, requestId, , , , , user] of zap) {
      const ok = text(user) === "alice";
      await zap.send([id, delimiter, version, requestId, ok ? "200" : "400", "", ok ? "user:alice" : "", ""]);
    }
  })().catch(() => {});
  const pull = new Pull({ context, linger: 0, plainServer: true, receiveProperties: true });
  await pull.bind(TCP);
  const push = new Push({ context, linger: 0, plainUsername: "alice", plainPassword: "secret" });
  push.connect(pull.lastEndpoint!);
  await push.send("signed");
  const message = await withTimeout(pull.receive(), 5000, "receive");
  assert.equal(pull.propertiesOf(message)!.get("User-Id"), "user:alice");
  const [peer] = pull.peers;
  assert.deepEqual([peer.userId, peer.mechanism], ["user:alice", "PLAIN"]);
  assert.deepEqual([push.peers[0].userId, push.peers[0].mechanism], [null, "PLAIN"]);
  await context.close();
});

test("ZAP reply metadata become properties, ahead of the peer's own READY ones (libzmq's order); libzmq as the client", async () => {
  const context = new Context();
  const zap = new Router({ context, linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  (async () => {
    for await (const [id, delimiter, version, requestId, , , , , user] of zap) {
      const metadata = encodeMetadata([["X-Role", "admin"], ["X-Granted-By", "zap"]]);
      await zap.send([id, delimiter, version, requestId, "200", "", text(user), metadata]);
    }
  })().catch(() => {});
  const pull = new Pull({ context, linger: 0, plainServer: true, receiveProperties: true });
  await pull.bind(TCP);
  // omq's client announces an X-Role of its own: ZAP's wins, as in libzmq.
  const push = new Push({
    context,
    linger: 0,
    plainUsername: "alice",
    plainPassword: "s",
    metadata: { "X-Role": "guest" },
  });
  push.connect(pull.lastEndpoint!);
  await push.send("from omq");
  const fromOmq = await withTimeout(pull.receive(), 5000, "receive from omq");
  const props = pull.propertiesOf(fromOmq)!;
  assert.deepEqual(
    [props.get("X-Role"), props.get("X-Granted-By"), props.get("User-Id"), props.get("Socket-Type")],
    ["admin", "zap", "alice", "PUSH"],
  );
  const libzmqPush = await zmq.socket("push", { plainUsername: "bob", plainPassword: "s", linger: 0 });
  await libzmqPush.connect(pull.lastEndpoint!);
  await libzmqPush.send(["from libzmq"]);
  const fromLibzmq = await withTimeout(pull.receive(), 5000, "receive from libzmq");
  assert.equal(text(fromLibzmq[0]), "from libzmq");
  const theirs = pull.propertiesOf(fromLibzmq)!;
  assert.deepEqual([theirs.get("X-Role"), theirs.get("User-Id"), theirs.get("Peer-Address")], [
    "admin",
    "bob",
    "127.0.0.1",
  ]);
  await libzmqPush.close();
  await context.close();
});

test("libzmq peer: Socket-Type, Routing-Id, Peer-Address and its ZMQ_METADATA properties", async () => {
  const router = new Router({ linger: 0, receiveProperties: true });
  await router.bind(TCP);
  const dealer = await zmq.socket("dealer", { routingId: "zmq-dealer", linger: 0 });
  await dealer.setOptionById(ZMQ_METADATA, "String", "X-Color:red");
  await dealer.connect(router.lastEndpoint!);
  await dealer.send(["hello"]);
  const message = await withTimeout(router.receive(), 5000, "receive");
  assert.equal(text(message[0]), "zmq-dealer");
  const props = router.propertiesOf(message)!;
  assert.equal(props.get("Socket-Type"), "DEALER");
  assert.equal(props.get("Routing-Id"), "zmq-dealer");
  assert.equal(props.get("Peer-Address"), "127.0.0.1");
  assert.equal(props.get("X-Color"), "red");
  const [peer] = router.peers;
  assert.equal(peer.socketType, "DEALER");
  assert.deepEqual([peer.messagesIn, peer.bytesIn], [1, 5]);
  await dealer.close();
  await router.close();
});
