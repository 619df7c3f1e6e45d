// omq/zeromq: readable/writable as zeromq.js's booleans, synchronous close, and the turn-taking of busy sockets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import * as zmq from "../../compat/zeromq.ts";
import { withTimeout } from "../support/util.ts";

/** Resolves once `socket.readable` is true, asking once per turn of the event loop. */
async function untilReadable(socket: { readable: boolean; closed: boolean }): Promise<void> {
  while (!socket.readable && !socket.closed) await new Promise<void>((resolve) => setImmediate(resolve));
}

test("readable is true once a message is ready, and that message is the next receive()", async () => {
  const pull = new zmq.Pull({ linger: 0 });
  const push = new zmq.Push({ linger: 0 });
  await pull.bind("inproc://compat-readable");
  push.connect("inproc://compat-readable");
  assert.equal(pull.readable, false);
  assert.equal(pull.readable, false); // asking again takes nothing away
  await push.send("one");
  await push.send("two");
  assert.equal(pull.readable, true);
  assert.equal(pull.readable, true);
  const [one] = await pull.receive();
  const [two] = await pull.receive();
  assert.deepEqual([one.toString(), two.toString()], ["one", "two"]);
  assert.equal(pull.readable, false);
  push.close();
  pull.close();
});

test("readable over tcp becomes true when the message arrives", async () => {
  const pull = new zmq.Pull({ linger: 0 });
  const push = new zmq.Push({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  push.connect(pull.lastEndpoint!);
  await push.send("over tcp");
  await withTimeout(untilReadable(pull), 5000, "readable");
  assert.equal((await pull.receive())[0].toString(), "over tcp");
  push.close();
  pull.close();
});

test("writable and readable are false for the type that cannot, and once closed", () => {
  const pub = new zmq.Publisher();
  const sub = new zmq.Subscriber();
  assert.equal(pub.readable, false);
  assert.equal(pub.writable, true);
  assert.equal(sub.writable, false);
  pub.close();
  sub.close();
  assert.equal(pub.writable, false);
  assert.equal(sub.readable, false);
});

test("REQ: readable only after a request, writable only after its reply", async () => {
  const rep = new zmq.Reply({ linger: 0 });
  const req = new zmq.Request({ linger: 0 });
  await rep.bind("inproc://compat-req-state");
  req.connect("inproc://compat-req-state");
  assert.deepEqual([req.readable, req.writable], [false, true]);
  await req.send("ping");
  assert.deepEqual([req.readable, req.writable], [false, false]);
  const [ping] = await withTimeout(rep.receive(), 5000, "the request");
  await rep.send(ping);
  await withTimeout(untilReadable(req), 5000, "the reply");
  assert.equal(req.writable, false); // the reply is ready but not received yet
  assert.equal((await req.receive())[0].toString(), "ping");
  assert.equal(req.writable, true);
  req.close();
  rep.close();
});

test("a socket busy with ready messages lets the event loop turn every 512 calls, as zeromq.js does", async () => {
  const pull = new zmq.Pull({ linger: 0, receiveHighWaterMark: 0 });
  const push = new zmq.Push({ linger: 0, sendHighWaterMark: 0 });
  await pull.bind("inproc://compat-yield");
  push.connect("inproc://compat-yield");
  let turns = 0;
  let counting = true;
  const count = () => {
    if (!counting) return;
    turns++;
    setImmediate(count);
  };
  setImmediate(count);
  for (let i = 0; i < 2048; i++) await push.send("x");
  for (let i = 0; i < 2048; i++) await pull.receive();
  counting = false;
  // 2048 calls on each socket that could all resolve at once: a turn of the loop after each 512.
  assert.ok(turns >= 2 * (2048 / 512 - 1), `the loop turned ${turns} times`);
  push.close();
  pull.close();
});
