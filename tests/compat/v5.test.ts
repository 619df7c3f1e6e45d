// omq/zeromq/v5-compat: zeromq.js's v5-compatible API (event emitters, callbacks, setsockopt).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as zmq from "../../compat/v5.ts";
import { withTimeout } from "../support/util.ts";

/** The next `event` of an emitter, with its arguments. */
function once(socket: zmq.Socket, event: string): Promise<unknown[]> {
  return withTimeout(new Promise((resolve) => socket.once(event, (...args: unknown[]) => resolve(args))), 5000, event);
}

test("req/rep with message events and a bind callback", async () => {
  const rep = zmq.socket("rep");
  const req = zmq.socket("req");
  rep.on("message", (request: Buffer) => rep.send(`echo ${request}`));
  await new Promise<void>((resolve, reject) => rep.bind("tcp://127.0.0.1:*", (err) => (err ? reject(err) : resolve())));
  req.connect(rep.getsockopt(zmq.ZMQ_LAST_ENDPOINT) as string);
  const reply = once(req, "message");
  req.send("hello");
  const [frame] = await reply;
  assert.ok(Buffer.isBuffer(frame));
  assert.equal(String(frame), "echo hello");
  req.close();
  rep.close();
  assert.equal(rep.closed, true);
});

test("ZMQ_SNDMORE gathers parts into one message; send callbacks come once each is queued", async () => {
  const pull = zmq.socket("pull");
  const push = zmq.socket("push");
  pull.bindSync("inproc://v5-sndmore");
  push.connect("inproc://v5-sndmore");
  const message = once(pull, "message");
  let callbacks = 0;
  push.send(["a", "b"], zmq.ZMQ_SNDMORE);
  push.send(15.5, zmq.ZMQ_SNDMORE);
  push.send(Buffer.from("c"), 0, (err) => {
    assert.equal(err, undefined);
    callbacks++;
  });
  assert.deepEqual((await message).map(String), ["a", "b", "15.5", "c"]);
  assert.equal(callbacks, 1);
  push.close();
  pull.close();
});

test("pause() holds messages in order until resume()", async () => {
  const pull = zmq.socket("pull");
  const push = zmq.socket("push");
  pull.bindSync("inproc://v5-pause");
  push.connect("inproc://v5-pause");
  const seen: string[] = [];
  pull.on("message", (frame: Buffer) => seen.push(String(frame)));
  pull.pause();
  for (const text of ["one", "two", "three"]) push.send(text);
  // Each send has a callback-free queue; a last one with a callback tells when all are queued.
  await new Promise<void>((resolve) => push.send("four", null, () => resolve()));
  assert.deepEqual(seen, []);
  const done = new Promise<void>((resolve) => pull.on("message", () => seen.length === 4 && resolve()));
  pull.resume();
  await withTimeout(done, 5000, "the held messages");
  assert.deepEqual(seen, ["one", "two", "three", "four"]);
  push.close();
  pull.close();
});

test("an unroutable message goes to the send callback, or to an error event without one", async () => {
  const router = zmq.socket("router");
  router.setsockopt(zmq.ZMQ_ROUTER_MANDATORY, 1);
  router.setsockopt(zmq.ZMQ_SNDTIMEO, 10);
  const viaCallback = new Promise<Error | undefined>((resolve) => router.send(["nobody", "x"], null, resolve));
  assert.equal((await withTimeout(viaCallback, 5000, "the callback"))?.message, "Host unreachable");
  const viaEvent = once(router, "error");
  router.send(["nobody", "x"]);
  assert.equal(((await viaEvent)[0] as Error).message, "Host unreachable");
  router.close();
});

test("setsockopt/getsockopt by number and by short name, and the short names as properties", () => {
  const sock = zmq.socket("dealer", { backlog: 30, linger: 0 });
  assert.equal(sock.getsockopt(zmq.ZMQ_BACKLOG), 30);
  assert.equal(sock.setsockopt("backlog", 75), sock);
  assert.equal(sock.getsockopt("backlog"), 75);
  sock.backlog = 50;
  assert.equal(sock.backlog, 50);
  sock.identity = "me";
  assert.equal(sock.getsockopt(zmq.ZMQ_IDENTITY), "me");
  assert.equal(sock.mechanism, 0);
  sock.plain_server = 1;
  assert.equal(sock.mechanism, 1);
  assert.equal(sock.getsockopt(zmq.ZMQ_PLAIN_SERVER), 1);
  // libzmq's POLLOUT: a dealer has room once it has a peer.
  assert.equal(sock.getsockopt(zmq.ZMQ_EVENTS) & zmq.ZMQ_POLLOUT, 0);
  sock.connect("inproc://v5-events");
  assert.equal(sock.getsockopt(zmq.ZMQ_EVENTS) & zmq.ZMQ_POLLOUT, zmq.ZMQ_POLLOUT);
  assert.equal(sock.getsockopt(zmq.ZMQ_TYPE), zmq.ZMQ_DEALER);
  assert.throws(() => sock.getsockopt(zmq.ZMQ_FD), /not supported/);
  assert.throws(() => sock.setsockopt(9999, 1), /Unknown option/);
  assert.equal(sock.type, "dealer");
  sock.close();
});

test("monitor() emits libzmq's events under their v5 names, with (value, address)", async () => {
  const rep = zmq.socket("rep");
  rep.monitor();
  const listen = once(rep, "listen");
  rep.bind("tcp://127.0.0.1:*");
  const [, address] = await listen;
  assert.match(String(address), /^tcp:\/\/127\.0\.0\.1:\d+$/);
  const accepted = once(rep, "accept");
  const req = zmq.socket("req");
  req.connect(String(address));
  assert.equal((await accepted)[1], address);
  rep.unmonitor();
  req.close();
  rep.close();
});

test("proxy() forwards push to pull and rejects an order zeromq.js does not support", async () => {
  const frontend = zmq.socket("pull");
  const backend = zmq.socket("push");
  frontend.bindSync("inproc://v5-proxy-front");
  backend.bindSync("inproc://v5-proxy-back");
  zmq.proxy(frontend, backend);
  const pull = zmq.socket("pull");
  const push = zmq.socket("push");
  pull.connect("inproc://v5-proxy-back");
  push.connect("inproc://v5-proxy-front");
  const arrived = once(pull, "message");
  push.send("through the proxy");
  assert.equal(String((await arrived)[0]), "through the proxy");
  assert.throws(() => zmq.proxy(backend, backend), /not supported/);
  for (const s of [frontend, backend, pull, push]) s.close();
});

test("the module's other exports: constants, Context, curveKeypair, version, createSocket", () => {
  assert.equal(zmq.socket, zmq.createSocket);
  assert.equal(zmq.ZMQ_PUB, 1);
  assert.equal(zmq.ZMQ_SNDMORE, 2);
  assert.equal(zmq.STATE_CLOSED, 2);
  assert.equal(typeof zmq.options.linger, "number");
  const max = zmq.Context.getMaxSockets();
  zmq.Context.setMaxSockets(256);
  assert.equal(zmq.Context.getMaxSockets(), 256);
  zmq.Context.setMaxSockets(max);
  assert.throws(() => new zmq.Context(), /cannot be instantiated/);
  const { public: publicKey, secret } = zmq.curveKeypair();
  assert.equal(publicKey.length + secret.length, 80);
  assert.match(zmq.version, /^\d+\.\d+\.\d+$/);
  assert.throws(() => zmq.socket("nonsense" as zmq.SocketType), /Invalid socket type/);
  const sub = zmq.socket("sub");
  assert.equal(sub.subscribe("topic"), sub);
  const pub = zmq.socket("pub");
  assert.throws(() => pub.subscribe("x"), /Subscriber socket required/);
  pub.close();
  sub.close();
});
