// RADIO/DISH and DGRAM over udp:// unicast, omq to omq: groups in one datagram each (libzmq's
// udp_engine), DGRAM's [address, body], the endpoints libzmq refuses, and datagrams that cannot
// be messages. Multicast is in udp-multicast.test.ts (it needs a network namespace).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Datagram, Dish, Publisher, Push, Radio, Server, type ZmqError } from "../../mod.ts";
import { udp } from "../../transports/runtime/udp.ts";
import { bytes, text, withTimeout } from "../support/util.ts";

async function closeAll(...sockets: { linger: number; close(): Promise<void> }[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

/** The next `count` messages of a Dish as "group:body". */
async function received(dish: Dish, count: number): Promise<string[]> {
  const got: string[] = [];
  while (got.length < count) {
    const [body, { group }] = await withTimeout(dish.receive(), 10_000, `message ${got.length + 1} of ${count}`);
    got.push(`${text(group)}:${text(body)}`);
  }
  return got;
}

/** The port of a bound udp:// endpoint. */
const portOf = (endpoint: string): number => Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));

const isCode = (code: string) => (err: unknown) => (err as ZmqError).code === code;

test("udp: a Dish bound at an address receives only the groups it joined, in order, with the group", async () => {
  const dish = new Dish();
  await dish.bind("udp://127.0.0.1:*");
  assert.match(dish.lastEndpoint!, /^udp:\/\/127\.0\.0\.1:\d+$/);
  dish.join("weather", "news");
  const radio = new Radio();
  radio.connect(dish.lastEndpoint!);
  // No handshake: what is sent before the radio's socket is open waits in its queue.
  for (let i = 0; i < 20; i++) {
    await radio.send(`sport ${i}`, { group: "sport" });
    await radio.send(`weather ${i}`, { group: "weather" });
    await radio.send(`news ${i}`, { group: bytes("news") });
  }
  const expected = Array.from({ length: 20 }, (_, i) => [`weather:weather ${i}`, `news:news ${i}`]).flat();
  assert.deepEqual(await received(dish, 40), expected);
  dish.leave("news");
  await radio.send("gone", { group: "news" });
  await radio.send("still", { group: "weather" });
  assert.deepEqual(await received(dish, 1), ["weather:still"]);
  await closeAll(radio, dish);
});

test("udp: udp://*:port binds every interface; a Radio reaches it at 127.0.0.1, or by host name", async () => {
  const dish = new Dish();
  await dish.bind("udp://*:*");
  assert.match(dish.lastEndpoint!, /^udp:\/\/0\.0\.0\.0:\d+$/);
  dish.join("a");
  const radio = new Radio();
  radio.connect(`udp://127.0.0.1:${portOf(dish.lastEndpoint!)}`);
  radio.connect(`udp://localhost:${portOf(dish.lastEndpoint!)}`);
  await radio.send("twice", { group: "a" });
  assert.deepEqual(await received(dish, 2), ["a:twice", "a:twice"], "one datagram per udp endpoint");
  await closeAll(radio, dish);
});

test("udp: IPv6 loopback", async () => {
  const dish = new Dish();
  await dish.bind("udp://[::1]:*");
  assert.match(dish.lastEndpoint!, /^udp:\/\/\[::1\]:\d+$/);
  dish.join("six");
  const radio = new Radio();
  radio.connect(dish.lastEndpoint!);
  await radio.send("over ::1", { group: "six" });
  assert.deepEqual(await received(dish, 1), ["six:over ::1"]);
  await closeAll(radio, dish);
});

test("udp: a Radio sends every group to its udp endpoints and only joined ones to its tcp Dishes", async () => {
  const radio = new Radio();
  await radio.bind("tcp://127.0.0.1:*");
  const tcpDish = new Dish();
  tcpDish.connect(radio.lastEndpoint!);
  tcpDish.join("tcp");
  const udpDishes = [new Dish(), new Dish()];
  for (const dish of udpDishes) {
    await dish.bind("udp://127.0.0.1:*");
    dish.join("udp");
    radio.connect(dish.lastEndpoint!);
  }
  // The tcp dish's join reaches the radio asynchronously: send until it hears.
  let heard = false;
  const first = tcpDish.receive().then(() => (heard = true));
  while (!heard) {
    await radio.send("probe", { group: "tcp" });
    await Promise.race([first, new Promise((r) => setTimeout(r, 20))]);
  }
  // The probes reached the udp dishes too, which dropped them: they joined "udp" only.
  await radio.send("for udp", { group: "udp" });
  await radio.send("for tcp", { group: "tcp" });
  for (const dish of udpDishes) assert.deepEqual(await received(dish, 1), ["udp:for udp"]);
  let last = "";
  while (last !== "tcp:for tcp") [last] = await received(tcpDish, 1);
  await closeAll(radio, tcpDish, ...udpDishes);
});

test("udp: a message too large for one datagram is dropped; the Radio carries on", async () => {
  const dish = new Dish();
  await dish.bind("udp://127.0.0.1:*");
  dish.join("g");
  const radio = new Radio();
  radio.connect(dish.lastEndpoint!);
  await radio.send(new Uint8Array(70_000), { group: "g" });
  await radio.send(new Uint8Array(65_000), { group: "g" });
  await radio.send("after", { group: "g" });
  const [big, { group }] = await withTimeout(dish.receive(), 10_000, "the 65000-byte message");
  assert.equal(big.byteLength, 65_000);
  assert.equal(text(group), "g");
  assert.deepEqual(await received(dish, 1), ["g:after"]);
  // A group is at most 255 bytes, over udp as anywhere.
  await assert.rejects(radio.send("x", { group: "g".repeat(256) }), isCode("EINVAL"));
  await closeAll(radio, dish);
});

test("udp: datagrams that are not messages are dropped by a Dish, and the next one arrives", async () => {
  const dish = new Dish({ maxMessageSize: 100 });
  await dish.bind("udp://127.0.0.1:*");
  dish.join("g", "");
  const port = portOf(dish.lastEndpoint!);
  const raw = await udp.bind({ host: "127.0.0.1", port: 0, family: 4 });
  const garbage = [
    new Uint8Array(0), // empty
    new Uint8Array([5, 0x67]), // truncated: says 5 bytes of group, has 1
    new Uint8Array([255, 1, 2, 3]), // a length byte past the end
    new Uint8Array([1, 0x67, ...new Uint8Array(101)]), // a body over maxMessageSize
    new Uint8Array([1, 0x68, 0x69]), // a group not joined
  ];
  for (const datagram of garbage) raw.send([datagram], "127.0.0.1", port);
  raw.send([new Uint8Array([0])], "127.0.0.1", port); // the empty group, an empty body
  raw.send([new Uint8Array([1, 0x67, ...bytes("ok")])], "127.0.0.1", port);
  assert.deepEqual(await received(dish, 2), [":", "g:ok"]);
  await raw.close();
  await closeAll(dish);
});

test("udp: Datagram sends [address, body] and receives [address, body]; a reply goes back", async () => {
  const a = new Datagram();
  const b = new Datagram({ maxMessageSize: 10 });
  await a.bind("udp://127.0.0.1:*");
  await b.bind("udp://127.0.0.1:*");
  const bAddress = b.lastEndpoint!.slice("udp://".length);
  for (let i = 0; i < 10; i++) await a.send([bAddress, `ping ${i}`]);
  for (let i = 0; i < 10; i++) {
    const [from, body] = await withTimeout(b.receive(), 10_000, `ping ${i}`);
    assert.equal(text(from), a.lastEndpoint!.slice("udp://".length));
    assert.equal(text(body), `ping ${i}`);
    await b.send([from, `pong ${i}`]);
  }
  for (let i = 0; i < 10; i++) {
    const [from, body] = await withTimeout(a.receive(), 10_000, `pong ${i}`);
    assert.equal(text(from), bAddress);
    assert.equal(text(body), `pong ${i}`);
  }
  // An empty datagram is a message too; one over maxMessageSize is dropped.
  await a.send([bAddress, ""]);
  await a.send([bAddress, "too long for b"]);
  await a.send([bAddress, "ok"]);
  assert.deepEqual((await b.receive()).map(text), [a.lastEndpoint!.slice("udp://".length), ""]);
  assert.equal(text((await b.receive())[1]), "ok");
  await closeAll(a, b);
});

test("udp: Datagram over IPv6 names its peers [host]:port", async () => {
  const a = new Datagram();
  const b = new Datagram();
  await a.bind("udp://[::1]:*");
  await b.bind("udp://[::1]:*");
  await a.send([b.lastEndpoint!.slice("udp://".length), "six"]);
  const [from, body] = await withTimeout(b.receive(), 10_000, "a datagram over ::1");
  assert.equal(text(from), a.lastEndpoint!.slice("udp://".length));
  assert.match(text(from), /^\[::1\]:\d+$/);
  assert.equal(text(body), "six");
  await closeAll(a, b);
});

test("udp: Datagram refuses what cannot be a datagram, and a second endpoint", async () => {
  const dgram = new Datagram();
  await assert.rejects(dgram.bind("tcp://127.0.0.1:*"), isCode("ENOCOMPATPROTO"));
  await assert.rejects(dgram.bind("inproc://dgram"), isCode("ENOCOMPATPROTO"));
  assert.throws(() => dgram.connect("udp://127.0.0.1:5555"), isCode("ENOCOMPATPROTO"));
  await dgram.bind("udp://127.0.0.1:*");
  await assert.rejects(dgram.bind("udp://127.0.0.1:*"), isCode("EINVAL"));
  await assert.rejects(dgram.send(["127.0.0.1:5555", "a", "b"]), isCode("EINVAL"));
  await assert.rejects(dgram.send("only a body"), isCode("EINVAL"));
  await assert.rejects(dgram.send(["localhost:5555", "x"]), isCode("EINVAL"));
  await assert.rejects(dgram.send(["127.0.0.1:0", "x"]), isCode("EINVAL"));
  await assert.rejects(dgram.send(["127.0.0.1:5555", new Uint8Array(65_508)]), isCode("EMSGSIZE"));
  // The socket is fine afterwards: unbind, bind elsewhere.
  await dgram.unbind(dgram.lastEndpoint!);
  await dgram.bind("udp://127.0.0.1:*");
  await closeAll(dgram);
});

test("udp: refused with ENOCOMPATPROTO where libzmq refuses it", async () => {
  const push = new Push();
  const pub = new Publisher();
  const server = new Server();
  const radio = new Radio();
  const dish = new Dish();
  await assert.rejects(push.bind("udp://127.0.0.1:*"), isCode("ENOCOMPATPROTO"));
  assert.throws(() => pub.connect("udp://127.0.0.1:5555"), isCode("ENOCOMPATPROTO"));
  assert.throws(() => server.connect("udp://127.0.0.1:5555"), isCode("ENOCOMPATPROTO"));
  await assert.rejects(radio.bind("udp://127.0.0.1:*"), isCode("ENOCOMPATPROTO"));
  assert.throws(() => dish.connect("udp://127.0.0.1:5555"), isCode("ENOCOMPATPROTO"));
  await assert.rejects(dish.bind("udp://no-such-nic0;239.1.2.3:*"), isCode("ENODEV"));
  assert.throws(() => radio.connect("udp://no-such-nic0;239.1.2.3:5555"), isCode("ENODEV"));
  await assert.rejects(dish.bind("udp://127.0.0.1:x"), isCode("EINVAL"));
  await closeAll(push, pub, server, radio, dish);
});

test("udp: what was sent just before close still goes out", async () => {
  const dish = new Dish();
  await dish.bind("udp://127.0.0.1:*");
  dish.join("g");
  const radio = new Radio({ linger: 1000 });
  radio.connect(dish.lastEndpoint!);
  for (let i = 0; i < 50; i++) await radio.send(`m${i}`, { group: "g" });
  await radio.close();
  assert.deepEqual(await received(dish, 50), Array.from({ length: 50 }, (_, i) => `g:m${i}`));

  const a = new Datagram();
  const b = new Datagram();
  await a.bind("udp://127.0.0.1:*");
  await b.bind("udp://127.0.0.1:*");
  await a.send([b.lastEndpoint!.slice("udp://".length), "last words"]);
  await a.close();
  assert.equal(text((await withTimeout(b.receive(), 10_000, "last words"))[1]), "last words");
  await closeAll(dish, b);
});

test("udp: unbind and disconnect close the endpoints; the sockets carry on", async () => {
  const dish = new Dish();
  await dish.bind("udp://127.0.0.1:*");
  const first = dish.lastEndpoint!;
  dish.join("g");
  const radio = new Radio();
  radio.connect(first);
  await radio.send("one", { group: "g" });
  assert.deepEqual(await received(dish, 1), ["g:one"]);
  await dish.unbind(first);
  radio.disconnect(first);
  await dish.bind("udp://127.0.0.1:*");
  radio.connect(dish.lastEndpoint!);
  await radio.send("two", { group: "g" });
  assert.deepEqual(await received(dish, 1), ["g:two"]);
  await closeAll(radio, dish);
});

test("udp: multicastHops and multicastLoop have libzmq's defaults and checks, on Radio and Datagram", () => {
  for (const socket of [new Radio(), new Datagram()]) {
    assert.equal(socket.multicastHops, 1);
    assert.equal(socket.multicastLoop, true);
    socket.multicastHops = 32;
    socket.multicastLoop = false;
    assert.equal(socket.multicastHops, 32);
    assert.throws(() => (socket.multicastHops = 0), RangeError);
    assert.throws(() => (socket.multicastHops = 256), RangeError);
    assert.throws(() => (socket.multicastLoop = 1 as unknown as boolean), TypeError);
    void socket.close();
  }
  const radio = new Radio({ multicastHops: 5, multicastLoop: false });
  assert.equal(radio.multicastHops, 5);
  void radio.close();
  assert.throws(() => new Dish({ multicastHops: 2 } as never), TypeError, "a Dish sends nothing");
});
