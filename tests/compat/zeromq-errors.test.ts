// omq/zeromq: zeromq.js's errors (texts, codes, errno, address) and its rules for busy and closed sockets.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zmq from "../../compat/zeromq.ts";
import { withTimeout } from "../support/util.ts";

/** zeromq.js's error shape: the text, the code and a numeric errno (and the address when given). */
function errno(code: string, message: string, address?: string) {
  return (err: unknown) => {
    const e = err as { code?: string; errno?: unknown; address?: string; message: string };
    assert.equal(e.message, message);
    assert.equal(e.code, code);
    assert.equal(typeof e.errno, "number");
    if (address !== undefined) assert.equal(e.address, address);
    return true;
  };
}

test("endpoint errors carry libzmq's texts and the address", async () => {
  const dealer = new zmq.Dealer();
  await assert.rejects(dealer.bind("foo-bar"), errno("EINVAL", "Invalid argument", "foo-bar"));
  await assert.rejects(dealer.bind("foo://bar"), errno("EPROTONOSUPPORT", "Protocol not supported", "foo://bar"));
  assert.throws(() => dealer.connect("foo-bar"), errno("EINVAL", "Invalid argument", "foo-bar"));
  assert.throws(() => dealer.disconnect("tcp://127.0.0.1:1"), errno("ENOENT", "No such endpoint", "tcp://127.0.0.1:1"));
  await assert.rejects(dealer.unbind("tcp://127.0.0.1:1"), errno("ENOENT", "No such endpoint"));
  await dealer.bind("tcp://127.0.0.1:*");
  const other = new zmq.Dealer();
  await assert.rejects(other.bind(dealer.lastEndpoint!), errno("EADDRINUSE", "Address already in use"));
  dealer.close();
  other.close();
});

test("a closed socket throws EBADF at once, as zeromq.js's native methods do", () => {
  const pair = new zmq.Pair();
  pair.close();
  assert.equal(pair.closed, true);
  assert.throws(() => pair.send("x"), errno("EBADF", "Socket is closed"));
  assert.throws(() => pair.receive(), errno("EBADF", "Socket is closed"));
  assert.throws(() => pair.bind("inproc://closed"), errno("EBADF", "Socket is closed"));
  assert.throws(() => pair.connect("inproc://closed"), errno("EBADF", "Socket is closed"));
  pair.close(); // twice: nothing
});

test("close() cuts a pending receive and a pending send short with EAGAIN", async () => {
  const dealer = new zmq.Dealer();
  const receiving = dealer.receive();
  const sending = dealer.send("nobody takes this");
  dealer.close();
  await assert.rejects(receiving, errno("EAGAIN", "Operation was not possible or timed out"));
  await assert.rejects(sending, errno("EAGAIN", "Operation was not possible or timed out"));
});

test("timeouts are EAGAIN with zeromq.js's text", async () => {
  const pair = new zmq.Pair({ receiveTimeout: 5, sendTimeout: 5, linger: 0 });
  await assert.rejects(pair.receive(), errno("EAGAIN", "Operation was not possible or timed out"));
  await assert.rejects(pair.send("no peer"), errno("EAGAIN", "Operation was not possible or timed out"));
  pair.close();
});

test("during a bind the socket takes no other call (EBUSY), and close() waits for the bind", async () => {
  const dealer = new zmq.Dealer();
  const binding = dealer.bind("tcp://127.0.0.1:*");
  assert.throws(
    () => dealer.bind("tcp://127.0.0.1:*"),
    errno("EBUSY", "Socket is blocked by a bind or unbind operation"),
  );
  assert.throws(() => dealer.send("x"), { code: "EBUSY" });
  dealer.close();
  assert.equal(dealer.closed, false);
  await binding;
  assert.equal(dealer.closed, true);
});

test("a second receive while one waits is EBUSY; two receives of ready messages are not", async () => {
  const pull = new zmq.Pull({ linger: 0 });
  const push = new zmq.Push({ linger: 0 });
  await pull.bind("inproc://compat-ebusy-receive");
  const waiting = pull.receive();
  assert.throws(
    () => pull.receive(),
    errno("EBUSY", "Socket is busy reading; only one receive operation may be in progress at any time"),
  );
  push.connect("inproc://compat-ebusy-receive");
  await push.send("a");
  assert.equal((await withTimeout(waiting, 5000, "the waiting receive"))[0].toString(), "a");
  await push.send("b");
  await push.send("c"); // inproc: in the pipe once sent
  const [b, c] = await Promise.all([pull.receive(), pull.receive()]);
  assert.deepEqual([b[0].toString(), c[0].toString()], ["b", "c"]);
  push.close();
  pull.close();
});

test("a send waiting for room makes the next send EBUSY, in the same turn as in later ones", async () => {
  const dealer = new zmq.Dealer({ linger: 0 });
  assert.equal(dealer.writable, false); // no peer: libzmq's POLLOUT is off
  const waiting = dealer.send("no peer yet").catch((err) => err);
  const busy = errno("EBUSY", "Socket is busy writing; only one send operation may be in progress at any time");
  assert.throws(() => dealer.send("at once"), busy);
  await new Promise<void>((resolve) => setTimeout(resolve, 0)); // the next turn
  assert.equal(dealer.writable, false);
  assert.throws(() => dealer.send("again"), busy);
  dealer.close();
  assert.equal((await waiting).code, "EAGAIN");
});

test("writable and readable answer at once, as libzmq's ZMQ_EVENTS: a peer with room, a message ready", async () => {
  const pull = new zmq.Pull({ linger: 0 });
  const push = new zmq.Push({ linger: 0, sendHighWaterMark: 1 });
  await pull.bind("inproc://compat-events-now");
  assert.equal(push.writable, false);
  push.connect("inproc://compat-events-now");
  assert.equal(push.writable, true);
  assert.equal(pull.readable, false);
  await push.send("one");
  assert.equal(pull.readable, true);
  assert.equal(pull.readable, true); // asking again does not lose it
  assert.deepEqual((await pull.receive()).map(String), ["one"]);
  assert.equal(pull.readable, false);
  push.close();
  pull.close();
});

test("REQ: a second request waits for the reply; with a send timeout it fails with EFSM", async () => {
  const rep = new zmq.Reply({ linger: 0 });
  const req = new zmq.Request({ linger: 0, sendTimeout: 10 });
  await rep.bind("inproc://compat-req-efsm");
  req.connect("inproc://compat-req-efsm");
  await req.send("first");
  assert.equal(req.writable, false);
  await assert.rejects(req.send("too soon"), errno("EFSM", "Operation cannot be accomplished in current state"));
  req.sendTimeout = -1;
  const second = req.send("second"); // waits for the reply to "first" to be received
  const [request] = await withTimeout(rep.receive(), 5000, "the request");
  await rep.send(request);
  assert.equal((await withTimeout(req.receive(), 5000, "the reply"))[0].toString(), "first");
  await withTimeout(second, 5000, "the second request");
  assert.equal((await withTimeout(rep.receive(), 5000, "the second request"))[0].toString(), "second");
  req.close();
  rep.close();
});

test("ROUTER mandatory: an unknown peer is EHOSTUNREACH, 'Host unreachable'", async () => {
  const router = new zmq.Router({ mandatory: true, sendTimeout: 0 });
  await assert.rejects(router.send(["nobody", "x"]), errno("EHOSTUNREACH", "Host unreachable"));
  router.close();
});

test("maxSockets is enforced: one socket more is EMFILE", () => {
  const context = new zmq.Context({ maxSockets: 2 });
  const a = new zmq.Dealer({ context });
  const b = new zmq.Dealer({ context });
  assert.throws(() => new zmq.Dealer({ context }), errno("EMFILE", "Too many open file descriptors"));
  a.close();
  const c = new zmq.Dealer({ context });
  b.close();
  c.close();
});
