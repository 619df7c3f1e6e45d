// omq/zeromq: the Observer (socket.events) with zeromq.js's event objects, modes and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zmq from "../../compat/zeromq.ts";
import { withTimeout } from "../support/util.ts";

test("events come as zeromq.js's objects and end with the socket; reading after the end is EBADF", async () => {
  const dealer = new zmq.Dealer({ linger: 0 });
  const events = dealer.events;
  assert.equal(dealer.events, events);
  await dealer.bind("tcp://127.0.0.1:*");
  const address = dealer.lastEndpoint!;
  assert.deepEqual(await events.receive(), { type: "bind", address });
  dealer.close();
  const rest: zmq.Event[] = [];
  for await (const event of events) rest.push(event);
  assert.deepEqual(rest.at(-1), { type: "end" });
  assert.equal(events.closed, true);
  await assert.rejects(events.receive(), { code: "EBADF", message: "Socket is closed" });
});

test("inproc endpoints report no events, as libzmq monitors none", async () => {
  const dealer = new zmq.Dealer({ linger: 0 });
  const seen: zmq.Event[] = [];
  const done = (async () => {
    for await (const event of dealer.events) seen.push(event);
  })();
  await dealer.bind("inproc://compat-no-events");
  dealer.close();
  await withTimeout(done, 5000, "the end event");
  assert.deepEqual(seen, [{ type: "end" }]);
});

test("a failed bind reports bind:error with libzmq's address (no transport) and zeromq.js's error", async () => {
  const first = new zmq.Dealer({ linger: 0 });
  await first.bind("tcp://127.0.0.1:*");
  const second = new zmq.Dealer({ linger: 0 });
  const failed = new Promise<zmq.EventOfType<"bind:error">>((resolve) => second.events.on("bind:error", resolve));
  await second.bind(first.lastEndpoint!).catch(() => {});
  const event = await withTimeout(failed, 5000, "bind:error");
  assert.equal(`tcp://${event.address}`, first.lastEndpoint);
  assert.equal(event.error.message, "Address already in use");
  assert.equal(event.error.code, "EADDRINUSE");
  assert.equal(typeof event.error.errno, "number");
  first.close();
  second.close();
});

test("on() switches to emitter mode for good: receive() then throws zeromq.js's error; off() removes", async () => {
  const dealer = new zmq.Dealer({ linger: 0 });
  const bound: string[] = [];
  let firstBind!: () => void;
  const boundOnce = new Promise<void>((resolve) => (firstBind = resolve));
  const listener = (event: zmq.EventOfType<"bind">) => {
    bound.push(event.address);
    firstBind();
  };
  dealer.events.on("bind", listener);
  assert.throws(() => dealer.events.receive(), {
    message: "Observer is in event emitter mode. " +
      "After a call to events.on() it is not possible to read events with events.receive().",
  });
  const ended = new Promise((resolve) => dealer.events.on("end", resolve));
  await dealer.bind("tcp://127.0.0.1:*");
  await withTimeout(boundOnce, 5000, "the bind event");
  dealer.events.off("bind", listener);
  await dealer.bind("tcp://127.0.0.1:*");
  dealer.close();
  await withTimeout(ended, 5000, "the end event");
  assert.equal(bound.length, 1);
});

test("new Observer(socket) needs a socket", () => {
  assert.throws(() => new zmq.Observer(undefined as never), {
    name: "TypeError",
    message: "Socket must be a socket object",
  });
  assert.throws(() => new zmq.Observer({}), { code: "EINVAL" });
});
