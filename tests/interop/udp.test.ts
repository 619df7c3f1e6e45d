// omq against libzmq 4.3.5 built with drafts (zeromq.js's draft build, in a Node child process) over
// udp:// unicast, both directions: RADIO -> DISH (libzmq's group datagram; only joined groups
// arrive) and DGRAM <-> DGRAM (raw datagrams, [address, body]).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Datagram, Dish, Radio } from "../../mod.ts";
import { udp } from "../../transports/runtime/udp.ts";
import { type Libzmq, type LibzmqSocket, startLibzmq } from "../support/libzmq.ts";
import { eventually, text, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

async function closeAll(...sockets: { linger: number; close(): Promise<void> }[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

/**
 * A UDP port free right now, for a libzmq socket to bind: libzmq reports a udp:// bind as it was
 * given, so it cannot say which port `:*` got.
 */
async function freePort(): Promise<number> {
  const socket = await udp.bind({ host: "127.0.0.1", port: 0, family: 4 });
  const port = socket.port;
  await socket.close();
  return port;
}

const portOf = (endpoint: string): number => Number(endpoint.slice(endpoint.lastIndexOf(":") + 1));

let marks = 0;

/**
 * Returns once a libzmq socket bound at a udp:// endpoint hears us, with nothing left queued: libzmq
 * binds it in its I/O thread after `bind` has returned, and a datagram sent before is lost. Probes go
 * out until one arrives, then a marker, read up to.
 */
async function untilBound(
  send: (body: string) => Promise<void>,
  receive: (timeout: number) => Promise<string | null>,
): Promise<void> {
  await eventually(async () => {
    await send("probe");
    return (await receive(50)) !== null;
  }, { timeout: 10_000 });
  const mark = `mark ${++marks}`;
  await send(mark);
  while ((await receive(10_000)) !== mark);
}

/** The body of what a libzmq socket receives next (the last frame), or null after `timeout` ms. */
const nextBody = (socket: LibzmqSocket, draft: boolean) => async (timeout: number): Promise<string | null> => {
  try {
    if (draft) return text((await socket.receiveWith(1, { timeout }))[0].frame);
    const message = await socket.receive({ timeout });
    return text(message[message.length - 1]);
  } catch (err) {
    if ((err as { code?: string }).code === "EAGAIN") return null;
    throw err;
  }
};

for (const host of ["127.0.0.1", "*"]) {
  test(`omq Radio connects, a libzmq Dish bound at udp://${host}:port gets only the groups it joined`, async () => {
    const port = await freePort();
    const dish = await zmq.socket("dish");
    await dish.bind(`udp://${host}:${port}`);
    await dish.join("weather", "news", "sync");
    const radio = new Radio();
    radio.connect(`udp://127.0.0.1:${port}`);
    await untilBound((body) => radio.send(body, { group: "sync" }), nextBody(dish, true));
    for (let i = 0; i < 10; i++) {
      await radio.send(`sport ${i}`, { group: "sport" });
      await radio.send(`weather ${i}`, { group: "weather" });
    }
    await radio.send("end", { group: "news" });
    const got = await dish.receiveWith(11);
    assert.deepEqual(
      got.map((m) => `${text(m.group!)}:${text(m.frame)}`),
      [...Array.from({ length: 10 }, (_, i) => `weather:weather ${i}`), "news:end"],
    );
    await dish.close();
    await closeAll(radio);
  });

  test(`a libzmq Radio connects, an omq Dish bound at udp://${host}:* gets only the groups it joined`, async () => {
    const dish = new Dish();
    await dish.bind(`udp://${host}:*`);
    dish.join("weather", "news");
    const radio = await zmq.socket("radio");
    await radio.connect(`udp://127.0.0.1:${portOf(dish.lastEndpoint!)}`);
    const messages = Array.from({ length: 10 }, (_, i) => [
      { frame: `sport ${i}`, group: "sport" },
      { frame: `weather ${i}`, group: "weather" },
    ]).flat();
    await radio.sendWith([...messages, { frame: "end", group: "news" }]);
    const got: string[] = [];
    while (got.length < 11) {
      const [body, { group }] = await withTimeout(dish.receive(), 10_000, `message ${got.length + 1}`);
      got.push(`${text(group)}:${text(body)}`);
    }
    assert.deepEqual(got, [...Array.from({ length: 10 }, (_, i) => `weather:weather ${i}`), "news:end"]);
    await radio.close();
    await closeAll(dish);
  });
}

test("an empty group and body, and a 127-byte group, reach a libzmq Dish", async () => {
  const port = await freePort();
  const dish = await zmq.socket("dish");
  await dish.bind(`udp://127.0.0.1:${port}`);
  // libzmq 4.3.5 reads the length byte as a signed char: a group of 128 bytes or more aborts it.
  const long = "g".repeat(127);
  await dish.join("", long, "sync");
  const radio = new Radio();
  radio.connect(`udp://127.0.0.1:${port}`);
  await untilBound((body) => radio.send(body, { group: "sync" }), nextBody(dish, true));
  await radio.send("", { group: "" });
  await radio.send("long", { group: long });
  const got = await dish.receiveWith(2);
  assert.deepEqual(got.map((m) => [text(m.group!), text(m.frame)]), [["", ""], [long, "long"]]);
  await dish.close();
  await closeAll(radio);
});

test("omq Datagram sends first, a libzmq Datagram answers to the address it got", async () => {
  const port = await freePort();
  const theirs = await zmq.socket("datagram");
  await theirs.bind(`udp://127.0.0.1:${port}`);
  const ours = new Datagram();
  await ours.bind("udp://127.0.0.1:*");
  const ourAddress = ours.lastEndpoint!.slice("udp://".length);
  await untilBound((body) => ours.send([`127.0.0.1:${port}`, body]), nextBody(theirs, false));
  for (let i = 0; i < 5; i++) await ours.send([`127.0.0.1:${port}`, `ping ${i}`]);
  const requests = await theirs.receiveMany(5);
  for (const [i, [from, body]] of requests.entries()) {
    // libzmq's address frames end with a NUL.
    assert.equal(text(from).replace(/\0$/, ""), ourAddress);
    assert.equal(text(body), `ping ${i}`);
  }
  await theirs.sendMany(requests.map(([from, body]) => [from, `re: ${text(body)}`]));
  for (let i = 0; i < 5; i++) {
    const [from, body] = await withTimeout(ours.receive(), 10_000, `reply ${i}`);
    assert.equal(text(from), `127.0.0.1:${port}`);
    assert.equal(text(body), `re: ping ${i}`);
  }
  await theirs.close();
  await closeAll(ours);
});

test("a libzmq Datagram sends first, an omq Datagram answers to the address it got", async () => {
  const port = await freePort();
  const theirs = await zmq.socket("datagram");
  await theirs.bind(`udp://127.0.0.1:${port}`);
  const ours = new Datagram();
  await ours.bind("udp://127.0.0.1:*");
  await theirs.sendMany(Array.from({ length: 5 }, (_, i) => [ours.lastEndpoint!.slice("udp://".length), `ping ${i}`]));
  for (let i = 0; i < 5; i++) {
    const [from, body] = await withTimeout(ours.receive(), 10_000, `ping ${i}`);
    assert.equal(text(from), `127.0.0.1:${port}`);
    assert.equal(text(body), `ping ${i}`);
    await ours.send([from, `re: ping ${i}`]);
  }
  const replies = await theirs.receiveMany(5);
  assert.deepEqual(replies.map(([, body]) => text(body)), Array.from({ length: 5 }, (_, i) => `re: ping ${i}`));
  await theirs.close();
  await closeAll(ours);
});
