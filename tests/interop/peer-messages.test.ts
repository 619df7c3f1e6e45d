// libzmq's draft peer messages and notifications, against libzmq: helloMessage (ZMQ_HELLO_MSG) on the wire,
// disconnectMessage (ZMQ_DISCONNECT_MSG), hiccupMessage (ZMQ_HICCUP_MSG) and routerNotify (ZMQ_ROUTER_NOTIFY).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Dealer, Router, type Socket } from "../../mod.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { texts, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

const TCP = "tcp://127.0.0.1:*";
const ZMQ_ROUTER_NOTIFY = 97;
const ZMQ_HELLO_MSG = 110;

async function receive(socket: Socket, what: string): Promise<string[]> {
  return texts(await withTimeout(socket.receive(), 5000, what));
}

test("our helloMessage is the first message a libzmq ROUTER gets from us, before what was queued", async () => {
  const router = await zmq.socket("router");
  const endpoint = await router.bind(TCP);
  const dealer = new Dealer({ linger: 0, routingId: "d1", helloMessage: "hello from d1" });
  dealer.connect(endpoint);
  await dealer.send("queued before the connection is up");
  assert.deepEqual(texts(await router.receive()), ["d1", "hello from d1"]);
  assert.deepEqual(texts(await router.receive()), ["d1", "queued before the connection is up"]);
  await dealer.close();
});

test("a libzmq ROUTER's ZMQ_HELLO_MSG reaches our DEALER, and ours a libzmq DEALER", async () => {
  const theirs = await zmq.socket("router");
  await theirs.setOptionById(ZMQ_HELLO_MSG, "String", "welcome");
  const dealer = new Dealer({ linger: 0 });
  dealer.connect(await theirs.bind(TCP));
  assert.deepEqual(await receive(dealer, "libzmq's hello"), ["welcome"]);
  await dealer.close();

  const ours = new Router({ linger: 0, helloMessage: "welcome too" });
  await ours.bind(TCP);
  const client = await zmq.socket("dealer");
  await client.connect(ours.lastEndpoint!);
  assert.deepEqual(texts(await client.receive()), ["welcome too"]);
  await ours.close();
});

test('routerNotify: [id, ""] when a libzmq peer\'s connection is made and when it ends', async () => {
  const router = new Router({ linger: 0, routerNotify: 3 });
  await router.bind(TCP);
  const peer = await zmq.socket("dealer", { routingId: "p1" });
  await peer.connect(router.lastEndpoint!);
  assert.deepEqual(await receive(router, "connect notification"), ["p1", ""]);
  await peer.send("data");
  assert.deepEqual(await receive(router, "data"), ["p1", "data"]);
  await peer.close({ linger: 0 });
  assert.deepEqual(await receive(router, "disconnect notification"), ["p1", ""]);
  await router.close();
});

test("a libzmq ROUTER with ZMQ_ROUTER_NOTIFY sees our DEALER's routing id come and go", async () => {
  const theirs = await zmq.socket("router");
  await theirs.setOptionById(ZMQ_ROUTER_NOTIFY, "Int32", 3);
  const dealer = new Dealer({ linger: 0, routingId: "ours" });
  dealer.connect(await theirs.bind(TCP));
  assert.deepEqual(texts(await theirs.receive()), ["ours", ""]);
  await dealer.close();
  assert.deepEqual(texts(await theirs.receive()), ["ours", ""]);
});

test("disconnectMessage: our ROUTER receives it as from a libzmq peer whose connection ended", async () => {
  const router = new Router({ linger: 0, disconnectMessage: "gone" });
  await router.bind(TCP);
  const peer = await zmq.socket("dealer", { routingId: "p2" });
  await peer.connect(router.lastEndpoint!);
  await peer.send("hi");
  assert.deepEqual(await receive(router, "hi"), ["p2", "hi"]);
  await peer.close({ linger: 0 });
  assert.deepEqual(await receive(router, "the disconnect message"), ["p2", "gone"]);
  await router.close();
});

test("hiccupMessage: our connected DEALER receives it when a libzmq peer drops the connection", async () => {
  const theirs = await zmq.socket("router");
  const endpoint = await theirs.bind(TCP);
  const dealer = new Dealer({ linger: 0, hiccupMessage: "hiccup" });
  dealer.connect(endpoint);
  await dealer.send("ping");
  const [id] = await theirs.receive();
  await theirs.send([id, "pong"]);
  assert.deepEqual(await receive(dealer, "pong"), ["pong"]);
  await theirs.close({ linger: 0 });
  assert.deepEqual(await receive(dealer, "the hiccup message"), ["hiccup"]);
  await dealer.close();
});

test("over inproc: the hello message of each side, the binder's disconnect message when the other leaves", async () => {
  const router = new Router({ linger: 0, helloMessage: "from router", disconnectMessage: "left" });
  await router.bind("inproc://peer-messages");
  const dealer = new Dealer({ linger: 0, routingId: "d", helloMessage: "from dealer" });
  dealer.connect("inproc://peer-messages");
  assert.deepEqual(await receive(dealer, "the router's hello"), ["from router"]);
  assert.deepEqual(await receive(router, "the dealer's hello"), ["d", "from dealer"]);
  await dealer.close();
  assert.deepEqual(await receive(router, "the disconnect message"), ["d", "left"]);
  await router.close();
});
