// omq/zeromq: zeromq.js's options: properties, typed accessors by libzmq number, constructor options, warnings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import process from "node:process";
import * as zmq from "../../compat/zeromq.ts";

/** The typed accessors zeromq.js declares protected; code written for it reaches them anyway. */
type Typed = Record<string, (option: number, value?: unknown) => unknown>;

/** Collects the process warnings emitted while `fn` runs (they are emitted on the next tick). */
async function warningsOf(fn: () => void | Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const others = process.listeners("warning");
  process.removeAllListeners("warning");
  const listener = (warning: Error) => seen.push(warning.message);
  process.on("warning", listener);
  try {
    await fn();
    await new Promise<void>((resolve) => process.nextTick(resolve));
  } finally {
    process.off("warning", listener);
    for (const other of others) process.on("warning", other);
  }
  return seen;
}

test("option properties read and write omq's options, with zeromq.js's types", () => {
  const dealer = new zmq.Dealer({ linger: 0, routingId: "åbç" });
  assert.equal(dealer.linger, 0);
  assert.equal(dealer.routingId, "åbç"); // a string, as zeromq.js reads string options
  (dealer as unknown as { routingId: Buffer }).routingId = Buffer.from("from a buffer");
  assert.equal(dealer.routingId, "from a buffer");
  dealer.immediate = true;
  assert.equal(dealer.immediate, true);
  dealer.maxMessageSize = 0xffffffff;
  assert.equal(dealer.maxMessageSize, 0xffffffff);
  assert.equal(dealer.type, 5);
  assert.equal(dealer.securityMechanism, null);
  dealer.plainServer = true;
  assert.equal(dealer.securityMechanism, "plain");
  assert.equal(dealer.threadSafe, false);
  dealer.close();
});

test("options keep libzmq's defaults and what is set (text options also as bytes)", () => {
  const dealer = new zmq.Dealer();
  assert.deepEqual(
    [dealer.backlog, dealer.rate, dealer.recoveryInterval, dealer.affinity, dealer.socksProxy],
    [100, 100, 10000, 0, null],
  );
  dealer.backlog = 75;
  (dealer as unknown as { socksProxy: Buffer | null }).socksProxy = Buffer.from("proxy:1080");
  assert.equal(dealer.backlog, 75);
  assert.equal(dealer.socksProxy, "proxy:1080");
  dealer.socksProxy = null;
  assert.equal(dealer.socksProxy, null);
  dealer.close();
});

test("typed accessors reach the same options by libzmq's numbers", () => {
  const dealer = new zmq.Dealer();
  const typed = dealer as unknown as Typed;
  assert.equal(typed.getBoolOption(39), false); // ZMQ_IMMEDIATE
  typed.setBoolOption(39, true);
  assert.equal(dealer.immediate, true);
  assert.equal(typed.getInt32Option(19), 100); // ZMQ_BACKLOG
  typed.setInt32Option(17, 0); // ZMQ_LINGER
  assert.equal(dealer.linger, 0);
  typed.setInt64Option(22, 0xffffffffffff); // ZMQ_MAXMSGSIZE
  assert.equal(typed.getInt64Option(22), 0xffffffffffff);
  assert.equal(typed.getStringOption(5), null); // ZMQ_ROUTING_ID
  typed.setStringOption(5, Buffer.from("id"));
  assert.equal(typed.getStringOption(5), "id");
  assert.equal(typed.getInt32Option(43), 0); // ZMQ_MECHANISM as a number
  assert.throws(() => typed.getInt32Option(12345), { code: "EINVAL", message: "Invalid argument" });
  assert.throws(() => typed.setInt32Option(19, "x"), { name: "TypeError", message: "Option value must be a number" });
  assert.throws(() => typed.setBoolOption(39, 1), { name: "TypeError", message: "Option value must be a boolean" });
  dealer.close();
});

test("unknown, read-only and ill-typed options fail as in zeromq.js", () => {
  assert.throws(() => new zmq.Dealer({ doesNotExist: 1 } as never), {
    name: "TypeError",
    message: "Cannot add property doesNotExist, object is not extensible",
  });
  assert.throws(() => new zmq.Dealer({ securityMechanism: 1 } as never), {
    name: "TypeError",
    message: "Cannot set property securityMechanism of #<Socket> which has only a getter",
  });
  assert.throws(() => new zmq.Dealer({ recoveryInterval: "x" } as never), {
    name: "TypeError",
    message: "Option value must be a number",
  });
  const dealer = new zmq.Dealer();
  assert.throws(() => ((dealer as unknown as { securityMechanism: number }).securityMechanism = 1), {
    name: "TypeError",
    message: "Cannot set property securityMechanism of #<Socket> which has only a getter",
  });
  assert.throws(() => ((dealer as unknown as { doesNotExist: number }).doesNotExist = 1), TypeError);
  assert.throws(() => (dealer.linger = -2), { code: "EINVAL", message: "Invalid argument" });
  dealer.close();
});

test("an option that only applies to later connections warns when set after connect", async () => {
  const dealer = new zmq.Dealer();
  assert.deepEqual(await warningsOf(() => void (dealer.routingId = "before")), []);
  dealer.connect("inproc://compat-option-warning");
  assert.deepEqual(await warningsOf(() => void (dealer.routingId = "after")), [
    "Socket option will not take effect until next connect/bind.",
  ]);
  // Those that take effect at once (linger, timeouts, high-water marks, ...) do not warn.
  assert.deepEqual(await warningsOf(() => void (dealer.linger = 0)), []);
  const typed = dealer as unknown as Typed;
  assert.deepEqual(await warningsOf(() => void typed.setUint64Option(4, 2 ** 60)), [
    "Value is larger than Number.MAX_SAFE_INTEGER and may have been rounded inaccurately.",
    "Socket option will not take effect until next connect/bind.",
  ]);
  dealer.close();
});

test("Context options: omq's are live, zeromq.js's others are kept, read-only ones refuse writes", () => {
  const context = new zmq.Context({ ioThreads: 5, blocky: false });
  assert.equal(context.ioThreads, 5);
  assert.equal(context.blocky, false);
  assert.equal(new zmq.Dealer({ context }).linger, 0); // blocky false: linger 0, as in libzmq
  assert.equal(context.maxSockets, 1023);
  assert.equal(context.maxSocketsLimit, 65535);
  context.ipv6 = true;
  assert.equal(context.ipv6, true);
  assert.throws(() => ((context as unknown as { maxSocketsLimit: number }).maxSocketsLimit = 1), {
    name: "TypeError",
    message: "Cannot set property maxSocketsLimit of #<Context> which has only a getter",
  });
  assert.throws(() => new zmq.Context({ doesNotExist: 1 } as never), { name: "TypeError" });
  assert.throws(() => new (zmq.Context as unknown as new (o: unknown) => zmq.Context)(1), {
    name: "TypeError",
    message: "Options must be an object",
  });
  const typed = context as unknown as Typed;
  assert.equal(typed.getBoolOption(70), false); // ZMQ_BLOCKY
  typed.setInt32Option(1, 3); // ZMQ_IO_THREADS
  assert.equal(context.ioThreads, 3);
});

test("XPublisher verbosity and Subscriber subscriptions go through zeromq.js's accessors", async () => {
  const xpub = new zmq.XPublisher({ linger: 0 });
  xpub.verbosity = "allSubs";
  await xpub.bind("inproc://compat-verbosity");
  const a = new zmq.Subscriber();
  const b = new zmq.Subscriber();
  a.connect("inproc://compat-verbosity");
  b.connect("inproc://compat-verbosity");
  a.subscribe("topic");
  b.subscribe("topic");
  const first = await xpub.receive();
  const second = await xpub.receive();
  assert.deepEqual([first[0].toString(), second[0].toString()], ["\x01topic", "\x01topic"]);
  for (const s of [xpub, a, b]) s.close();
});

test("libzmq's draft options are reached by number, on the types that have them (EINVAL elsewhere)", () => {
  const router = new zmq.Router();
  const typed = router as unknown as Typed;
  typed.setInt32Option(97, 3); // ZMQ_ROUTER_NOTIFY
  assert.equal(typed.getInt32Option(97), 3);
  typed.setStringOption(110, "hello"); // ZMQ_HELLO_MSG
  assert.equal(typed.getStringOption(110), "hello");
  typed.setStringOption(95, "X-Color:red"); // ZMQ_METADATA adds one property per write
  typed.setStringOption(95, Buffer.from("X-Size:9"));
  assert.throws(() => typed.setStringOption(95, "no-colon"), { code: "EINVAL" });
  assert.throws(() => typed.setStringOption(95, "Color:red"), { code: "EINVAL" });
  assert.equal("routerNotify" in router, false, "no property: zeromq.js has none");
  const dealer = new zmq.Dealer() as unknown as Typed;
  assert.throws(() => dealer.setInt32Option(97, 1), { code: "EINVAL" });
  dealer.setStringOption(114, "hiccup"); // ZMQ_HICCUP_MSG
  const sub = new zmq.Subscriber();
  sub.subscribe("a", "b");
  assert.equal((sub as unknown as Typed).getInt32Option(116), 2); // ZMQ_TOPICS_COUNT
  assert.throws(() => (sub as unknown as Typed).setInt32Option(116, 1), { code: "EINVAL" });
  router.close();
  (dealer as unknown as zmq.Dealer).close();
  sub.close();
});
