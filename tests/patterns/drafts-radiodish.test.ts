// RADIO/DISH (RFC 48) omq to omq over tcp, ipc and inproc: groups, joins, leaves, reconnects, limits.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { Dish, Radio, type ZmqError } from "../../mod.ts";
import { encodeGreeting, GREETING_SIZE } from "../../src/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { COMMAND, encodeFrames, FrameDecoder, MORE } from "../../src/zmtp/frame.ts";
import { bytes, concatBytes, eventually, tempIpcPath, text, withTimeout } from "../support/util.ts";

const transports = ["tcp", "ipc", "inproc"] as const;

function endpointFor(transport: (typeof transports)[number]): string {
  if (transport === "tcp") return "tcp://127.0.0.1:*";
  if (transport === "ipc") return tempIpcPath();
  return `inproc://drafts-rd-${Math.random().toString(36).slice(2)}`;
}

async function closeAll(...sockets: { linger: number; close(): Promise<void> }[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

let syncs = 0;

/**
 * Returns once `dish` is known to the radio as a member of `group`, with nothing left in its
 * queue: the radio learns a join asynchronously and rightly drops what it sends before.
 * Probes go out until one arrives, then a last marker, read up to (per connection, in order).
 */
async function untilJoined(radio: Radio, dish: Dish, group: string): Promise<void> {
  const first = dish.receive();
  let arrived = false;
  first.then(() => (arrived = true), () => {});
  await eventually(async () => {
    await radio.send("probe", { group });
    await new Promise((r) => setTimeout(r, 10));
    return arrived;
  });
  const marker = `sync ${++syncs}`;
  await radio.send(marker, { group });
  while (text((await withTimeout(dish.receive(), 5000, marker))[0]) !== marker);
}

for (const transport of transports) {
  test(`${transport}: Dish receives only the groups it joined, with the group`, async () => {
    const radio = new Radio();
    await radio.bind(endpointFor(transport));
    const dish = new Dish();
    dish.connect(radio.lastEndpoint!);
    dish.join("weather", "news");
    await untilJoined(radio, dish, "weather");
    for (let i = 0; i < 20; i++) {
      await radio.send(`sport ${i}`, { group: "sport" });
      await radio.send(`weather ${i}`, { group: "weather" });
      await radio.send(`news ${i}`, { group: new TextEncoder().encode("news") });
    }
    await radio.send("end", { group: "news" });
    const got: string[] = [];
    for (;;) {
      const [frame, { group }] = await withTimeout(dish.receive(), 5000, "message");
      assert.ok(group instanceof Uint8Array);
      got.push(`${text(group)}:${text(frame)}`);
      if (text(frame) === "end") break;
    }
    assert.ok(!got.some((g) => g.startsWith("sport")), "no message from a group not joined");
    assert.deepEqual(
      got.filter((g) => g.startsWith("weather:")),
      Array.from({ length: 20 }, (_, i) => `weather:weather ${i}`),
    );
    assert.equal(got.filter((g) => g.startsWith("news:")).length, 21);
    await closeAll(radio, dish);
  });

  test(`${transport}: a left group stops arriving; the radio reaches several dishes`, async () => {
    const radio = new Radio();
    await radio.bind(endpointFor(transport));
    const dishes = [new Dish(), new Dish()];
    for (const d of dishes) d.connect(radio.lastEndpoint!);
    // Dish 1 first: its probes would reach dish 0 if it had joined "a" already.
    dishes[1].join("a");
    await untilJoined(radio, dishes[1], "a");
    dishes[0].join("a", "b");
    await untilJoined(radio, dishes[0], "b"); // joins arrive in order: "a" too
    dishes[0].leave("a");
    for (let i = 0; i < 10; i++) await radio.send(`a ${i}`, { group: "a" });
    await radio.send("end", { group: "b" });
    for (let i = 0; i < 10; i++) assert.equal(text((await withTimeout(dishes[1].receive(), 5000, "a"))[0]), `a ${i}`);
    // Dish 0 left "a": the next thing it receives is the end on "b".
    const [frame, { group }] = await withTimeout(dishes[0].receive(), 5000, "end at dish 0");
    assert.deepEqual([text(group), text(frame)], ["b", "end"]);
    await closeAll(radio, ...dishes);
  });
}

test("tcp: a Dish's joins are sent again after the radio restarts", async () => {
  const first = new Radio();
  await first.bind("tcp://127.0.0.1:*");
  const endpoint = first.lastEndpoint!;
  const dish = new Dish({ reconnectInterval: 20 });
  dish.connect(endpoint);
  dish.join("g");
  await untilJoined(first, dish, "g");
  await closeAll(first);
  const second = new Radio();
  await second.bind(endpoint);
  await untilJoined(second, dish, "g");
  await second.send("after restart", { group: "g" });
  assert.equal(text((await withTimeout(dish.receive(), 5000, "after restart"))[0]), "after restart");
  await closeAll(second, dish);
});

test("a Dish that joins before it connects gets its groups on connect (inproc, bind after connect)", async () => {
  const dish = new Dish();
  dish.join("early");
  dish.connect("inproc://drafts-rd-late-bind");
  const radio = new Radio();
  await radio.bind("inproc://drafts-rd-late-bind");
  await radio.send("hi", { group: "early" });
  const [frame, { group }] = await withTimeout(dish.receive(), 5000, "early group");
  assert.equal(text(frame), "hi");
  assert.equal(text(group), "early");
  await closeAll(radio, dish);
});

test("group limits and misuse: EINVAL as libzmq (255 bytes, joining twice, leaving a group not joined)", async () => {
  const dish = new Dish();
  const radio = new Radio();
  dish.join("x".repeat(255));
  assert.throws(() => dish.join("x".repeat(256)), (e: ZmqError) => e.code === "EINVAL" && /256/.test(e.message));
  assert.throws(() => dish.join("x".repeat(255)), (e: ZmqError) => e.code === "EINVAL");
  assert.throws(() => dish.leave("never"), (e: ZmqError) => e.code === "EINVAL");
  dish.join("");
  dish.leave("");
  await assert.rejects(radio.send("m", { group: "y".repeat(256) }), (e: ZmqError) => e.code === "EINVAL");
  await assert.rejects(radio.send(["a", "b"], { group: "g" }), (e: ZmqError) => e.code === "EINVAL");
  await assert.rejects(
    radio.send("m", undefined as unknown as { group: string }),
    (e: ZmqError) => e.code === "EINVAL",
  );
  await assert.rejects(radio.receive(), (e: ZmqError) => e.code === "ENOTSUP");
  await assert.rejects(
    dish.send("m", undefined as never),
    (e: ZmqError) => e.code === "ENOTSUP",
  );
  assert.equal(dish.linger, 0, "a dish does not linger, as libzmq's");
  await closeAll(radio, dish);
});

test("Dish iterates [frame, { group }] and Radio.writable takes [frame, { group }]", async () => {
  const radio = new Radio();
  await radio.bind("inproc://drafts-rd-streams");
  const dish = new Dish();
  dish.join("s");
  dish.connect("inproc://drafts-rd-streams");
  const writer = radio.writable.getWriter();
  await writer.write(["one", { group: "s" }]);
  writer.releaseLock();
  for await (const [frame, { group }] of dish) {
    assert.equal(text(frame), "one");
    assert.equal(text(group), "s");
    break;
  }
  await closeAll(radio, dish);
});

/**
 * A DISH spoken by hand over tcp (ZMTP 3.1, NULL): sends `commands` after its READY (and any
 * given to `send` later) and collects the message frames the radio writes, as texts.
 */
function rawDish(endpoint: string, commands: Uint8Array[]) {
  const port = Number(endpoint.split(":").pop());
  const received: string[][] = [];
  let frames: string[] = [];
  let greeting = 0;
  const decoder = new FrameDecoder({
    frame: (flags, body) => {
      if (flags & COMMAND) return;
      frames.push(text(body));
      if (flags & MORE) return;
      received.push(frames);
      frames = [];
    },
  });
  const socket = net.connect({ host: "127.0.0.1", port }, () => {
    const ready = encodeCommand("READY", encodeMetadata([["Socket-Type", "DISH"]]));
    socket.write(concatBytes([encodeGreeting("NULL", false), encodeFrames([ready, ...commands], COMMAND)]));
  });
  socket.on("error", () => {});
  socket.on("data", (chunk: Uint8Array) => {
    const skip = Math.min(GREETING_SIZE - greeting, chunk.byteLength);
    greeting += skip;
    if (chunk.byteLength > skip) decoder.push(new Uint8Array(chunk.subarray(skip)));
  });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return {
    received,
    closed,
    send: (...more: Uint8Array[]) => socket.write(encodeFrames(more, COMMAND)),
    close: () => socket.destroy(),
  };
}

/** Probes `group` until the raw dish has a message for it, then forgets what it received. */
async function rawSync(radio: Radio, dish: ReturnType<typeof rawDish>, group: string): Promise<void> {
  await eventually(async () => {
    await radio.send("probe", { group });
    return dish.received.some(([g]) => g === group);
  });
  dish.received.length = 0;
}

test("tcp: the radio filters by group; on the wire a message is the group (MORE) and the body", async () => {
  const radio = new Radio();
  await radio.bind("tcp://127.0.0.1:*");
  const dish = rawDish(radio.lastEndpoint!, [encodeCommand("JOIN", bytes("in")), encodeCommand("JOIN", bytes("gone"))]);
  await rawSync(radio, dish, "gone");
  // This peer does not filter: whatever it gets, the radio sent. After the LEAVE (commands are
  // taken in order, so once "sync" is joined the LEAVE is done), "gone" stops at the radio.
  dish.send(encodeCommand("LEAVE", bytes("gone")), encodeCommand("JOIN", bytes("sync")));
  await rawSync(radio, dish, "sync");
  for (let i = 0; i < 5; i++) {
    await radio.send(`out ${i}`, { group: "out" });
    await radio.send(`gone ${i}`, { group: "gone" });
    await radio.send(`in ${i}`, { group: "in" });
  }
  const got = () => dish.received.filter(([, body]) => body !== "probe"); // late probes may still come
  await eventually(() => got().length >= 5);
  assert.deepEqual(got(), Array.from({ length: 5 }, (_, i) => ["in", `in ${i}`]));
  dish.close();
  await dish.closed;
  await closeAll(radio);
});

test("tcp: a JOIN naming a group longer than 255 bytes, or a truncated command, costs the peer its connection", async () => {
  const radio = new Radio();
  await radio.bind("tcp://127.0.0.1:*");
  for (const bad of [encodeCommand("JOIN", new Uint8Array(256)), new Uint8Array([4, 74, 79])]) {
    const dish = rawDish(radio.lastEndpoint!, [bad]);
    await withTimeout(dish.closed, 5000, "the radio to drop the peer");
  }
  const good = rawDish(radio.lastEndpoint!, [encodeCommand("JOIN", new Uint8Array(255).fill(97))]);
  await rawSync(radio, good, "a".repeat(255));
  good.close();
  await closeAll(radio);
});
