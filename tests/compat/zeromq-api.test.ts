// omq/zeromq: the names, frames and conversions of zeromq.js v6's API.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as zmq from "../../compat/zeromq.ts";
import * as draft from "../../compat/draft.ts";
import { Push as OmqPush } from "../../mod.ts";
import { withTimeout } from "../support/util.ts";

test("omq/zeromq exports exactly zeromq.js's values", () => {
  assert.deepEqual(Object.keys(zmq).sort(), [
    "Context",
    "Dealer",
    "Observer",
    "Pair",
    "Proxy",
    "Publisher",
    "Pull",
    "Push",
    "Reply",
    "Request",
    "Router",
    "Socket",
    "Stream",
    "Subscriber",
    "XPublisher",
    "XSubscriber",
    "capability",
    "context",
    "curveKeyPair",
    "version",
  ]);
  assert.deepEqual(Object.keys(draft).sort(), ["Client", "Datagram", "Dish", "Gather", "Radio", "Scatter", "Server"]);
});

test("version is the libzmq version omq follows; capability holds booleans; curveKeyPair gives Z85 keys", () => {
  assert.match(zmq.version, /^4\.3\.\d+$/);
  assert.ok(Object.values(zmq.capability).every((value) => typeof value === "boolean"));
  assert.equal(zmq.capability.curve, true);
  assert.equal(zmq.capability.ipc, true);
  const { publicKey, secretKey } = zmq.curveKeyPair();
  assert.match(publicKey, /^[\x21-\x7e]{40}$/);
  assert.match(secretKey, /^[\x21-\x7e]{40}$/);
});

test("received frames are Buffers over the bytes sent, on every runtime", async () => {
  const pull = new zmq.Pull({ linger: 0 });
  const push = new zmq.Push({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  push.connect(pull.lastEndpoint!);
  await push.send(["first", Buffer.from([1, 2, 3])]);
  const message = await withTimeout(pull.receive(), 5000, "a message");
  assert.ok(message.every((frame) => Buffer.isBuffer(frame)));
  assert.equal(message[0].toString(), "first");
  assert.deepEqual([...message[1]], [1, 2, 3]);
  push.close();
  pull.close();
});

test("what zeromq.js sends as frames: null is empty, numbers and other values become their text", async () => {
  const pull = new zmq.Pull({ linger: 0 });
  const push = new zmq.Push({ linger: 0 });
  await pull.bind("inproc://compat-coercion");
  push.connect("inproc://compat-coercion");
  const sent = [null, 16.19, true, {}, Uint8Array.from([0x66, 0x6f]), Int16Array.from([1]).buffer, "text"];
  await push.send(sent as zmq.MessageLike[]);
  const received = await withTimeout(pull.receive(), 5000, "a message");
  assert.deepEqual(received.map((frame) => frame.toString("latin1")), [
    "",
    "16.19",
    "true",
    "[object Object]",
    "fo",
    "\x01\x00",
    "text",
  ]);
  push.close();
  pull.close();
});

test("a frame of up to 128 bytes is copied at send, as zeromq.js copies it; a larger one is shared", async () => {
  const pull = new zmq.Pull({ linger: 0 });
  const push = new zmq.Push({ linger: 0 });
  await pull.bind("inproc://compat-copy-small");
  push.connect("inproc://compat-copy-small");
  const small = Buffer.alloc(128, 1);
  const view = new Uint16Array(4).fill(1);
  const large = Buffer.alloc(129, 1);
  await push.send([small, view, large]);
  // A program may fill its small buffers again once send() resolved.
  small.fill(2);
  view.fill(2);
  const [a, b, c] = await withTimeout(pull.receive(), 5000, "a message");
  assert.ok(a.every((byte) => byte === 1));
  assert.deepEqual([...b], [1, 0, 1, 0, 1, 0, 1, 0]);
  assert.equal(c.buffer, large.buffer);
  push.close();
  pull.close();
});

test("send() without a message throws zeromq.js's TypeError; a type that cannot receive has no receive()", () => {
  const sub = new zmq.Subscriber();
  assert.throws(() => (sub as unknown as { send(): void }).send(), {
    name: "TypeError",
    message: "Message must be present",
  });
  const pub = new zmq.Publisher();
  assert.equal((pub as unknown as { receive?: unknown }).receive, undefined);
  sub.close();
  pub.close();
});

test("omq/zeromq and omq share the default context: inproc reaches across the two APIs", async () => {
  const pull = new zmq.Pull({ linger: 0 });
  await pull.bind("inproc://compat-shared-context");
  const push = new OmqPush({ linger: 0 });
  push.connect("inproc://compat-shared-context");
  await push.send("from omq");
  const [frame] = await withTimeout(pull.receive(), 5000, "a message from the omq API");
  assert.equal(frame.toString(), "from omq");
  assert.equal(zmq.context.blocky, true);
  await push.close();
  pull.close();
});

test("Context, Socket, Proxy and Observer called without new throw N-API's TypeError; new, extends and instanceof still work", () => {
  for (const cls of [zmq.Context, zmq.Socket, zmq.Proxy, zmq.Observer]) {
    assert.throws(() => (cls as unknown as () => void)(), {
      name: "TypeError",
      message: "Class constructors cannot be invoked without 'new'",
    });
  }
  // The socket kinds are JavaScript classes in zeromq.js too: the runtime's own text (it names the class).
  assert.throws(
    () => (zmq.Dealer as unknown as () => void)(),
    (err) => err instanceof TypeError && /Dealer/.test(err.message),
  );
  const context = new zmq.Context({ blocky: false });
  class Tagged extends zmq.Context {
    get tag(): string {
      return "mine";
    }
  }
  const tagged = new Tagged();
  const dealer = new zmq.Dealer({ context });
  try {
    assert.ok(context instanceof zmq.Context && tagged instanceof zmq.Context && tagged.tag === "mine");
    assert.ok(dealer instanceof zmq.Socket);
    assert.ok(dealer.events instanceof zmq.Observer);
  } finally {
    dealer.close();
  }
});

test("new Socket(type) makes a socket of libzmq's type number; an unknown number is EINVAL", () => {
  class MySocket extends zmq.Socket {
    constructor() {
      super(5);
    }
  }
  const dealer = new MySocket();
  assert.equal(dealer.type, 5);
  assert.equal(typeof (dealer as unknown as { send: unknown }).send, "function");
  dealer.close();
  assert.throws(() => new (zmq.Socket as unknown as new (type: number) => zmq.Socket)(37), {
    code: "EINVAL",
    message: "Invalid argument",
  });
  assert.throws(() => new (zmq.Socket as unknown as new (type: unknown) => zmq.Socket)("x"), {
    name: "TypeError",
    message: "Socket type must be a number",
  });
});

test("for await ends when the socket closes", async () => {
  const pull = new zmq.Pull();
  const push = new zmq.Push({ linger: 0 });
  await pull.bind("inproc://compat-iterate");
  push.connect("inproc://compat-iterate");
  await push.send("one");
  const seen: string[] = [];
  for await (const [frame] of pull) {
    seen.push(frame.toString());
    pull.close();
  }
  assert.deepEqual(seen, ["one"]);
  push.close();
});
