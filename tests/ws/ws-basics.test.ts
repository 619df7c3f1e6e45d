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
  type SocketType,
  Subscriber,
  type ZmqError,
} from "../../mod.ts";
import { parseEndpoint } from "../../transports/endpoint.ts";
import { WsConnection } from "../../transports/ws/connection.ts";
import { chooseProtocol, mechanismOf, offeredProtocols, tokenProtocols } from "../../transports/ws/protocol.ts";
import type { MessageHandlers, MessageSocket } from "../../transports/ws/types.ts";
import { createEngine, type EngineEnd } from "../../src/engine/mod.ts";
import { encodeCommand, encodeMetadata, type Metadata, metadataText } from "../../src/zmtp/command.ts";
import { NullMechanism } from "../../src/zmtp/mechanisms/null.ts";
import { Peer } from "../../src/peer.ts";
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

test("binding wss:// without wssCertPem and wssKeyPem fails with EINVAL naming them", async () => {
  const pull = new Pull();
  await assert.rejects(
    pull.bind("wss://127.0.0.1:*/x"),
    (err: ZmqError) => err.code === "EINVAL" && /wssCertPem and wssKeyPem/.test(err.message),
  );
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

/** A message connection as a ws adapter hands it to the engine, recording what the engine writes. */
function fakeConnection(mechanism: string, remoteAddress: string) {
  const conn = {
    kind: "message" as const,
    mechanism,
    remoteAddress,
    sent: [] as number[][],
    handlers: null as MessageHandlers | null,
    closedBy: null as string | null,
    start(handlers: MessageHandlers) {
      conn.handlers = handlers;
    },
    write(messages: readonly Uint8Array[]) {
      for (const m of messages) conn.sent.push([...m]);
      return true;
    },
    pause() {},
    resume() {},
    end() {
      conn.closedBy ??= "end";
      conn.handlers!.close();
    },
    destroy() {
      conn.closedBy ??= "destroy";
      conn.handlers!.close();
    },
  };
  return conn;
}

/** A ZWS engine for a socket of `type` over `conn`; the peer it would carry and how it ended. */
function zwsEngine(conn: ReturnType<typeof fakeConnection>, type: SocketType, identity?: string) {
  const peer = Peer.withPipes(1000, 1000, "ws://peer");
  const seen = { metadata: null as Metadata | null, end: null as EngineEnd | null };
  const metadata: [string, string][] = [["Socket-Type", type]];
  if (identity !== undefined) metadata.push(["Identity", identity]);
  const engine = createEngine(conn, {
    mechanism: new NullMechanism(metadata),
    asServer: false,
    maxMessageSize: -1,
    handshakeInterval: 0,
    socketType: type,
    defer: (fn) => setTimeout(fn, 0),
  }, {
    ready: (_engine, m) => {
      seen.metadata = m;
      return peer;
    },
    closed: (_engine, end) => (seen.end = end),
  });
  return { engine, peer, seen };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
const bytes = (text: string) => [...new TextEncoder().encode(text)];

test("ZWS engine: no greeting, one flag-byte message per frame, SUBSCRIBE as a 0x01 message, PING answered", async () => {
  const conn = fakeConnection("NULL", "peer:1");
  const { engine, peer, seen } = zwsEngine(conn, "SUB");
  await tick();
  const ready = encodeCommand("READY", encodeMetadata([["Socket-Type", "SUB"]]));
  // Our READY is the first thing sent: a command message, no greeting before it.
  assert.deepEqual(conn.sent, [[0x02, ...ready]]);
  conn.handlers!.message(new Uint8Array([0x02, ...encodeCommand("READY", encodeMetadata([["Socket-Type", "PUB"]]))]));
  assert.equal(metadataText(seen.metadata?.get("socket-type")), "PUB");
  peer.outbound.write([new Uint8Array([0x01, ...bytes("ab")])]);
  peer.outbound.write([new Uint8Array([0x41]), new Uint8Array(0)]);
  await engine.whenFlushed();
  assert.deepEqual(conn.sent.slice(1), [[0x00, 0x01, 0x61, 0x62], [0x01, 0x41], [0x00]]);
  // A long frame (> 255 bytes, a ZMTP long frame) is one message too.
  conn.handlers!.message(new Uint8Array([0x01, ...new Uint8Array(300).fill(7)]));
  conn.handlers!.message(new Uint8Array([0x00, 0x42]));
  const message = peer.inbound.read()!;
  assert.deepEqual(message.map((f) => f.byteLength), [300, 1]);
  assert.equal(Object.getPrototypeOf(message[0]), Uint8Array.prototype);
  conn.handlers!.message(new Uint8Array([0x02, ...encodeCommand("PING", new Uint8Array([0, 0, 0x63]))]));
  await engine.whenFlushed();
  assert.deepEqual(conn.sent.at(-1), [0x02, ...encodeCommand("PONG", new Uint8Array([0x63]))]);
  engine.close();
});

test("ZWS engine, bare ZWS2.0: routing ids first, the table names the peer type, no commands", async () => {
  const conn = fakeConnection("", "peer:5");
  const { engine, peer, seen } = zwsEngine(conn, "DEALER", "d1");
  await tick();
  assert.deepEqual(conn.sent, [[0x00, ...bytes("d1")]]);
  conn.handlers!.message(new Uint8Array([0x00, ...bytes("r")]));
  assert.equal(metadataText(seen.metadata?.get("socket-type")), "ROUTER");
  assert.equal(metadataText(seen.metadata?.get("identity")), "r");
  // A command from a bare peer means nothing; a message goes through.
  conn.handlers!.message(new Uint8Array([0x02, ...encodeCommand("PING", new Uint8Array([0, 0]))]));
  conn.handlers!.message(new Uint8Array([0x00, 0x43]));
  assert.deepEqual(peer.inbound.read()!.map((f) => [...f]), [[0x43]]);
  peer.outbound.write([new Uint8Array([0x44])]);
  await engine.whenFlushed();
  assert.deepEqual(conn.sent, [[0x00, ...bytes("d1")], [0x00, 0x44]]);
  engine.close();
});

for (
  const [what, message] of [
    ["an empty message", new Uint8Array(0)],
    ["reserved flag bits", new Uint8Array([0x80, 1, 2])],
  ] as const
) {
  test(`ZWS engine: ${what} from the peer closes that connection with a protocol error`, async () => {
    const conn = fakeConnection("NULL", "peer:2");
    const { seen } = zwsEngine(conn, "PULL");
    await tick();
    conn.handlers!.message(message);
    assert.equal(conn.closedBy, "destroy");
    assert.equal(seen.end?.handshake, "protocol");
    assert.match(String(seen.end?.error?.message), /ZWS protocol error from peer:2/);
  });
}

test("ws connection: a text message closes the connection, reported once", async () => {
  const socket = fakeSocket();
  const conn = new WsConnection(socket, "NULL", "peer:3");
  let closes = 0;
  conn.start({ message() {}, drain() {}, close: () => closes++ });
  conn.textMessage();
  conn.closed();
  await tick();
  assert.equal(closes, 1);
  assert.equal(socket.closedBy, "terminate");
});

test("ws connection: write asks to wait above the buffer limit and drains when it empties", async () => {
  const socket = fakeSocket() as ReturnType<typeof fakeSocket> & { bufferedAmount: number };
  const conn = new WsConnection(socket, "NULL", "peer:4");
  let drained = 0;
  conn.start({ message() {}, drain: () => drained++, close() {} });
  socket.bufferedAmount = 1 << 20;
  assert.equal(conn.write([new Uint8Array([0, 0x41])]), false);
  assert.deepEqual(socket.sent.map((m) => [...m]), [[0, 0x41]]);
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
