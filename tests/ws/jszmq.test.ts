/**
 * Interop with JSZMQ (the `jszmq` npm package), a second ZWS 2.0 implementation. It speaks
 * bare "ZWS2.0" (no mechanism: a routing-id message first, then messages; RFC 45 §"No
 * Mechanism"), the protocol omq's servers accept and its clients offer.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import * as jszmq from "jszmq";
import { Publisher, Push, Reply, Request, Router, type Socket, Subscriber } from "../../mod.ts";
import { texts, withTimeout } from "../support/util.ts";

/** jszmq sockets are EventEmitters that emit "message" with the frames as arguments. */
type JsSocket = {
  connect(address: string): void;
  bind(address: string, server?: Server): void;
  send(message: string | Uint8Array | (string | Uint8Array)[]): void;
  subscribe?(topic: string): void;
  once(event: "message", fn: (...frames: Uint8Array[]) => void): void;
  close(): void;
};
const js = jszmq as unknown as Record<"Req" | "Rep" | "Pub" | "Sub" | "Dealer" | "Push" | "Pull", new () => JsSocket>;

const nextMessage = (socket: JsSocket, what: string): Promise<string[]> =>
  withTimeout(new Promise((resolve) => socket.once("message", (...frames) => resolve(texts(frames)))), 10000, what);

async function closeAll(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

/** An HTTP server on a free port for jszmq to bind on (its own bind wants a fixed port). */
async function httpServer(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

test("jszmq Req to omq Reply, and omq Request to jszmq Rep", async () => {
  const rep = new Reply();
  await rep.bind("ws://127.0.0.1:*/rep");
  const jreq = new js.Req();
  jreq.connect(rep.lastEndpoint!);
  jreq.send(["hello", "omq"]);
  assert.deepEqual(texts(await withTimeout(rep.receive(), 10000, "omq receive")), ["hello", "omq"]);
  const answer = nextMessage(jreq, "jszmq reply");
  await rep.send("hello jszmq");
  assert.deepEqual(await answer, ["hello jszmq"]);

  const { server, port } = await httpServer();
  const jrep = new js.Rep();
  jrep.bind(`ws://127.0.0.1:${port}/jrep`, server);
  const req = new Request();
  req.connect(`ws://127.0.0.1:${port}/jrep`);
  const question = nextMessage(jrep, "jszmq request");
  await req.send("question");
  assert.deepEqual(await question, ["question"]);
  jrep.send("answer");
  assert.deepEqual(texts(await withTimeout(req.receive(), 10000, "omq reply")), ["answer"]);
  jreq.close();
  jrep.close();
  server.close();
  await closeAll(rep, req);
});

test("jszmq Sub to omq Publisher (filtered by prefix), and omq Subscriber to jszmq Pub", async () => {
  const pub = new Publisher();
  await pub.bind("ws://127.0.0.1:*/pub");
  const jsub = new js.Sub();
  jsub.subscribe!("weather");
  jsub.connect(pub.lastEndpoint!);
  const got = nextMessage(jsub, "jszmq publication");
  let n = 0;
  const timer = setInterval(() => {
    void pub.send(["sport", `${n}`]);
    void pub.send(["weather", `${n++}`]);
  }, 5);
  try {
    assert.equal((await got)[0], "weather");
  } finally {
    clearInterval(timer);
  }

  const { server, port } = await httpServer();
  const jpub = new js.Pub();
  jpub.bind(`ws://127.0.0.1:${port}/jpub`, server);
  const sub = new Subscriber();
  sub.subscribe("x");
  sub.connect(`ws://127.0.0.1:${port}/jpub`);
  const received = sub.receive();
  const timer2 = setInterval(() => {
    jpub.send(["y", "no"]);
    jpub.send(["x", "yes"]);
  }, 5);
  try {
    assert.deepEqual(texts(await withTimeout(received, 10000, "omq publication")), ["x", "yes"]);
  } finally {
    clearInterval(timer2);
  }
  jsub.close();
  jpub.close();
  server.close();
  await closeAll(pub, sub);
});

test("jszmq Dealer to omq Router, and omq Push to jszmq Pull", async () => {
  const router = new Router();
  await router.bind("ws://127.0.0.1:*/router");
  const jdealer = new js.Dealer();
  jdealer.connect(router.lastEndpoint!);
  jdealer.send(["a", "b"]);
  const [id, ...frames] = await withTimeout(router.receive(), 10000, "router receive");
  assert.deepEqual(texts(frames), ["a", "b"]);
  const back = nextMessage(jdealer, "jszmq dealer receive");
  await router.send([id, "c"]);
  assert.deepEqual(await back, ["c"]);

  const { server, port } = await httpServer();
  const jpull = new js.Pull();
  jpull.bind(`ws://127.0.0.1:${port}/jpull`, server);
  const push = new Push();
  push.connect(`ws://127.0.0.1:${port}/jpull`);
  const pulled = nextMessage(jpull, "jszmq pull");
  await push.send(["work", "1"]);
  assert.deepEqual(await pulled, ["work", "1"]);
  jdealer.close();
  jpull.close();
  server.close();
  await closeAll(router, push);
});
