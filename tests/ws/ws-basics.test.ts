import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Dealer,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type Socket,
  Subscriber,
  type ZmqError,
} from "../../mod.ts";
import { parseEndpoint } from "../../transports/endpoint.ts";
import { ZwsConnection } from "../../transports/ws/connection.ts";
import { chooseProtocol, mechanismOf, offeredProtocols, tokenProtocols } from "../../transports/ws/protocol.ts";
import type { MessageSocket } from "../../transports/ws/types.ts";
import { encodeGreeting } from "../../src/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { texts, withTimeout } from "../support/util.ts";

async function closeAll(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

test("ws endpoints parse with a path (default /) and report the bound port", async () => {
  assert.deepEqual(parseEndpoint("ws://127.0.0.1:5555/zmq", false), {
    transport: "ws",
    address: { kind: "ws", secure: false, host: "127.0.0.1", port: 5555, path: "/zmq" },
    wildcardHost: false,
  });
  const ep = parseEndpoint("wss://[::1]:443", false);
  assert.equal(ep.transport, "ws");
  if (ep.transport === "ws") {
    assert.deepEqual([ep.address.host, ep.address.path, ep.address.secure], ["::1", "/", true]);
  }
  assert.throws(() => parseEndpoint("ws://127.0.0.1:*/x", false), { code: "EINVAL" });
  const pull = new Pull();
  await pull.bind("ws://127.0.0.1:*/a/b");
  assert.match(pull.lastEndpoint!, /^ws:\/\/127\.0\.0\.1:\d+\/a\/b$/);
  await closeAll(pull);
});

test("ZWS subprotocols: what a client offers and what a server picks", () => {
  assert.deepEqual(offeredProtocols("NULL"), ["ZWS2.0/NULL", "ZWS2.0"]);
  assert.deepEqual(tokenProtocols(offeredProtocols("NULL")), ["ZWS2.0"]);
  assert.deepEqual(tokenProtocols(offeredProtocols("CURVE")), []);
  assert.equal(chooseProtocol(["ZWS2.0/NULL, ZWS2.0"], "NULL"), "ZWS2.0/NULL");
  assert.equal(chooseProtocol(["ZWS2.0"], "NULL"), "ZWS2.0");
  assert.equal(chooseProtocol(["ZWS2.0"], "PLAIN"), null);
  assert.equal(chooseProtocol(["ZWS2.0/PLAIN"], "PLAIN"), "ZWS2.0/PLAIN");
  assert.equal(mechanismOf("ZWS2.0/CURVE"), "CURVE");
  assert.equal(mechanismOf("ZWS2.0"), "");
  assert.equal(mechanismOf("chat"), null);
});

test("binding wss:// fails with EPROTONOSUPPORT (no certificate option)", async () => {
  const pull = new Pull();
  await assert.rejects(pull.bind("wss://127.0.0.1:*/x"), (err: ZmqError) => err.code === "EPROTONOSUPPORT");
  await closeAll(pull);
});

test("ws: Request and Reply exchange over ws://", async () => {
  const rep = new Reply();
  const req = new Request();
  await rep.bind("ws://127.0.0.1:*/rep");
  req.connect(rep.lastEndpoint!);
  for (let i = 0; i < 5; i++) {
    await req.send(["hello", String(i)]);
    const request = await withTimeout(rep.receive(), 5000, "request");
    assert.deepEqual(texts(request), ["hello", String(i)]);
    await rep.send(["world", String(i)]);
    assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "reply")), ["world", String(i)]);
  }
  await closeAll(req, rep);
});

test("ws: Subscriber gets only its prefixes from a Publisher (subscriptions as messages)", async () => {
  const pub = new Publisher();
  const sub = new Subscriber();
  await pub.bind("ws://127.0.0.1:*/pub");
  sub.subscribe("weather");
  sub.connect(pub.lastEndpoint!);
  const got = sub.receive();
  let n = 0;
  const timer = setInterval(() => {
    void pub.send(["sport", `s${n}`]);
    void pub.send(["weather", `w${n++}`]);
  }, 5);
  try {
    const msg = await withTimeout(got, 5000, "publication");
    assert.equal(texts(msg)[0], "weather");
  } finally {
    clearInterval(timer);
  }
  await closeAll(pub, sub);
});

test("ws: Push to Pull keeps order across 64 KiB and 1 MiB frames", async () => {
  const pull = new Pull();
  const push = new Push();
  await pull.bind("ws://127.0.0.1:*");
  push.connect(pull.lastEndpoint!);
  const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
  const count = 300;
  const sending = (async () => {
    for (let i = 0; i < count; i++) {
      await push.send([String(i), i % 50 === 0 ? big : i % 7 === 0 ? big.subarray(0, 65536) : "x"]);
    }
  })();
  for (let i = 0; i < count; i++) {
    const msg = await withTimeout(pull.receive(), 10000, `message ${i}`);
    assert.equal(texts([msg[0]])[0], String(i));
    if (i % 50 === 0) assert.deepEqual(msg[1], big);
  }
  await sending;
  await closeAll(push, pull);
});

test("ws: Dealer and Router carry routing ids both ways", async () => {
  const router = new Router();
  const dealer = new Dealer({ routingId: "d1" });
  await router.bind("ws://127.0.0.1:*/router");
  dealer.connect(router.lastEndpoint!);
  await dealer.send(["ping"]);
  const [id, body] = await withTimeout(router.receive(), 5000, "router receive");
  assert.deepEqual(texts([id, body]), ["d1", "ping"]);
  await router.send([id, "pong"]);
  assert.deepEqual(texts(await withTimeout(dealer.receive(), 5000, "dealer receive")), ["pong"]);
  await closeAll(dealer, router);
});

test("ws: a connect to a wrong path keeps retrying and gets through once bound there", async () => {
  const pull = new Pull();
  await pull.bind("ws://127.0.0.1:*/right");
  const wrong = pull.lastEndpoint!.replace("/right", "/wrong");
  const push = new Push({ reconnectInterval: 20 });
  push.connect(wrong);
  const retried = (async () => {
    for await (const e of push.events) if (e.type === "connect:retry") return true;
  })();
  assert.equal(await withTimeout(retried, 5000, "connect:retry"), true);
  push.disconnect(wrong);
  push.connect(pull.lastEndpoint!);
  await push.send("through");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "message")), ["through"]);
  await closeAll(push, pull);
});

// --- ZWS framing against a scripted WebSocket ---

/** A MessageSocket recording what is sent. */
function fakeSocket(): MessageSocket & { sent: Uint8Array[]; closedBy: string | null } {
  return {
    sent: [],
    closedBy: null,
    bufferedAmount: 0,
    send(m) {
      this.sent.push(m.slice());
    },
    close() {
      this.closedBy = "close";
    },
    terminate() {
      this.closedBy = "terminate";
    },
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

test("ZWS connection: greeting swallowed, frames re-cut into flag-byte messages, SUBSCRIBE as a message", async () => {
  const socket = fakeSocket();
  const conn = new ZwsConnection(socket, "NULL", "peer:1");
  const received: Uint8Array[] = [];
  conn.start({ data: (c) => received.push(c), drain() {}, close() {} });
  const ready = encodeCommand("READY", encodeMetadata([["Socket-Type", "SUB"]]));
  const sub = encodeCommand("SUBSCRIBE", new TextEncoder().encode("ab"));
  const frames = [
    encodeGreeting("NULL", false),
    new Uint8Array([0x04, ready.byteLength, ...ready]),
    new Uint8Array([0x04, sub.byteLength, ...sub, 0x01, 1, 0x41, 0x00, 0]),
  ];
  assert.equal(conn.write(frames), true);
  assert.deepEqual(socket.sent.map((m) => [...m]), [[0x02, ...ready], [0x00, 0x01, 0x61, 0x62], [0x01, 0x41], [0x00]]);
  await tick();
  // The peer's greeting is made up: ZMTP 3.1, NULL, as-server since we are not.
  assert.equal(received.length, 1);
  assert.deepEqual([...received[0].subarray(0, 12)], [...encodeGreeting("NULL", true).subarray(0, 12)]);
  assert.equal(received[0][32], 1);
  // A long frame (> 255 bytes) gets an 8-byte ZMTP size.
  conn.message(new Uint8Array([0x01, ...new Uint8Array(300)]));
  assert.deepEqual([...received[1].subarray(0, 9)], [0x03, 0, 0, 0, 0, 0, 0, 0x01, 0x2c]);
  conn.message(new Uint8Array([0x02, 0x04, 0x50, 0x49, 0x4e, 0x47, 0, 0]));
  assert.deepEqual([...received[2].subarray(0, 2)], [0x04, 7]);
});

for (
  const [what, message] of [
    ["an empty message", new Uint8Array(0)],
    ["reserved flag bits", new Uint8Array([0x80, 1, 2])],
  ] as const
) {
  test(`ZWS connection: ${what} from the peer closes that connection with an error`, async () => {
    const socket = fakeSocket();
    const conn = new ZwsConnection(socket, "NULL", "peer:2");
    let closed: Error | undefined | null = null;
    conn.start({ data() {}, drain() {}, close: (e) => (closed = e) });
    conn.message(message);
    await tick();
    assert.equal(socket.closedBy, "terminate");
    assert.match(String((closed as Error | null)?.message), /ZWS protocol error from peer:2/);
  });
}

test("ZWS connection: a text message closes the connection", async () => {
  const socket = fakeSocket();
  const conn = new ZwsConnection(socket, "NULL", "peer:3");
  let closes = 0;
  conn.start({ data() {}, drain() {}, close: () => closes++ });
  conn.textMessage();
  conn.closed();
  await tick();
  assert.equal(closes, 1);
});

test("ZWS connection: write asks to wait above the buffer limit and drains when it empties", async () => {
  const socket = fakeSocket() as ReturnType<typeof fakeSocket> & { bufferedAmount: number };
  const conn = new ZwsConnection(socket, "NULL", "peer:4");
  let drained = 0;
  conn.start({ data() {}, drain: () => drained++, close() {} });
  conn.write([encodeGreeting("NULL", false)]);
  socket.bufferedAmount = 1 << 20;
  assert.equal(conn.write([new Uint8Array([0, 1, 0x41])]), false);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(drained, 0);
  socket.bufferedAmount = 0;
  await withTimeout(
    (async () => {
      while (drained === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    })(),
    2000,
    "drain",
  );
  conn.destroy();
});

// --- a hostile WebSocket client against an omq server ---

interface RawWebSocket {
  binaryType: string;
  readonly protocol: string;
  send(data: Uint8Array | string): void;
  close(): void;
  addEventListener(type: string, fn: (event: { data?: unknown }) => void): void;
}

/** A plain WebSocket (the runtime's own; the `ws` package on Node 20), not omq. */
async function rawWebSocket(url: string, protocols: string[]): Promise<RawWebSocket> {
  const Ctor = (globalThis as { WebSocket?: new (url: string, p: string[]) => RawWebSocket }).WebSocket ??
    ((await import("ws")).WebSocket as unknown as new (url: string, p: string[]) => RawWebSocket);
  const ws = new Ctor(url, protocols);
  ws.binaryType = "arraybuffer";
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      ws.addEventListener("open", () => resolve());
      ws.addEventListener("error", () => reject(new Error(`cannot open ${url}`)));
    }),
    5000,
    "raw WebSocket open",
  );
  return ws;
}

const closedSoon = (ws: RawWebSocket) =>
  withTimeout(new Promise<void>((resolve) => ws.addEventListener("close", () => resolve())), 5000, "server close");

for (
  const [what, attack] of [
    ["a text message", (ws: RawWebSocket) => ws.send("hello")],
    ["reserved ZWS flag bits", (ws: RawWebSocket) => ws.send(new Uint8Array([0xf0, 1, 2, 3]))],
    ["an empty binary message", (ws: RawWebSocket) => ws.send(new Uint8Array(0))],
  ] as const
) {
  test(`ws: ${what} from a WebSocket client drops only that connection`, async () => {
    const rep = new Reply();
    await rep.bind("ws://127.0.0.1:*/rep");
    const hostile = await rawWebSocket(rep.lastEndpoint!, ["ZWS2.0"]);
    assert.equal(hostile.protocol, "ZWS2.0");
    const closed = closedSoon(hostile);
    attack(hostile);
    await closed;
    // The socket carries on for a good peer.
    const req = new Request();
    req.connect(rep.lastEndpoint!);
    await req.send("still there?");
    assert.deepEqual(texts(await withTimeout(rep.receive(), 5000, "request")), ["still there?"]);
    await rep.send("yes");
    assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "reply")), ["yes"]);
    await closeAll(req, rep);
  });
}

test("ws: a WebSocket client offering no ZWS subprotocol is refused at the upgrade", async () => {
  const pull = new Pull();
  await pull.bind("ws://127.0.0.1:*/zws");
  await assert.rejects(rawWebSocket(pull.lastEndpoint!, ["chat"]));
  await closeAll(pull);
});

test("ws: unbind stops accepting, and the same port can be bound again", async () => {
  const pull = new Pull();
  await pull.bind("ws://127.0.0.1:*/a");
  const endpoint = pull.lastEndpoint!;
  await pull.unbind(endpoint);
  await assert.rejects(rawWebSocket(endpoint, ["ZWS2.0"]));
  const again = new Pull();
  await again.bind(endpoint);
  const push = new Push();
  push.connect(endpoint);
  await push.send("rebound");
  assert.deepEqual(texts(await withTimeout(again.receive(), 5000, "message")), ["rebound"]);
  await closeAll(push, pull, again);
});
