import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, context, Pull, Push, Subscriber } from "../../mod.ts";
import { tempIpcPath, texts, withTimeout } from "../support/util.ts";

test("a Context's defaults reach the sockets created in it; their own options win", async () => {
  const ctx = new Context({ blocky: false, ipv6: true, maxMessageSize: 1000 });
  assert.deepEqual([ctx.blocky, ctx.ipv6, ctx.maxMessageSize], [false, true, 1000]);
  const push = new Push({ context: ctx });
  assert.deepEqual([push.linger, push.ipv6, push.maxMessageSize], [0, true, 1000]);
  const own = new Push({ context: ctx, linger: 500, ipv6: false, maxMessageSize: -1 });
  assert.deepEqual([own.linger, own.ipv6, own.maxMessageSize], [500, false, -1]);
  // The default context keeps libzmq's defaults.
  const plain = new Push();
  assert.equal(plain.context, context);
  assert.deepEqual([plain.linger, plain.ipv6, plain.maxMessageSize], [-1, false, -1]);
  // A change applies to sockets created afterwards, as ZMQ_BLOCKY and friends do in libzmq.
  ctx.blocky = true;
  const later = new Push({ context: ctx });
  assert.equal(later.linger, -1);
  assert.equal(push.linger, 0);
  for (const s of [push, own, plain, later]) s.linger = 0;
  await Promise.all([push, own, plain, later].map((s) => s.close()));
});

test("Context options are checked like socket options: the error names the option", () => {
  assert.throws(() => new Context({ ioThreads: 4 } as never), { name: "TypeError", message: /ioThreads.*Context/ });
  assert.throws(() => new Context({ blocky: 1 as never }), { name: "TypeError", message: /blocky/ });
  assert.throws(() => new Context({ maxMessageSize: -2 }), { name: "RangeError", message: /maxMessageSize/ });
  const ctx = new Context();
  assert.throws(() => (ctx.ipv6 = "yes" as never), { name: "TypeError", message: /ipv6/ });
  assert.throws(() => new Push({ frobnicate: 1 } as never), { name: "TypeError", message: /frobnicate.*Push/ });
});

test("blocky: false: close() does not wait for a message no peer will take", async () => {
  const push = new Push({ context: new Context({ blocky: false }) });
  push.connect(tempIpcPath()); // nothing listens there
  await push.send("queued");
  await withTimeout(push.close(), 2000, "close with the context's linger 0");
});

test("a Context's maxMessageSize is enforced on its sockets: a larger message drops that connection", async () => {
  const pull = new Pull({ context: new Context({ maxMessageSize: 100 }) });
  await pull.bind("tcp://127.0.0.1:*");
  const big = new Push();
  const small = new Push();
  big.connect(pull.lastEndpoint!);
  await big.send("x".repeat(101));
  small.connect(pull.lastEndpoint!);
  await small.send("fits");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "the small message")), ["fits"]);
  pull.receiveTimeout = 200;
  await assert.rejects(pull.receive(), { code: "EAGAIN" });
  for (const s of [pull, big, small]) s.linger = 0;
  await Promise.all([pull, big, small].map((s) => s.close()));
});

test("Subscriber keeps its linger 0 in a blocky context", async () => {
  const sub = new Subscriber({ context: new Context() });
  assert.equal(sub.linger, 0);
  await sub.close();
});

test("Context.close() closes every socket of the context, each after its linger, as zmq_ctx_term", async () => {
  const ctx = new Context();
  const elsewhere = new Pull({ linger: 0 });
  await elsewhere.bind("tcp://127.0.0.1:*");
  const push = new Push({ context: ctx }); // linger -1: everything queued goes out first
  const pull = new Pull({ context: ctx });
  await pull.bind("inproc://ctx-close");
  const pending = pull.receive().catch((e: { code?: string }) => e);
  push.connect(elsewhere.lastEndpoint!);
  for (let i = 0; i < 100; i++) await push.send(String(i));
  await withTimeout(ctx.close(), 5000, "Context.close()");
  assert.equal(ctx.closed, true);
  assert.equal(push.closed, true);
  assert.equal(pull.closed, true);
  assert.equal(((await pending) as { code?: string }).code, "ETERM");
  for (let i = 0; i < 100; i++) assert.deepEqual(texts(await elsewhere.receive()), [String(i)]);
  assert.throws(() => new Push({ context: ctx }), (e: { code?: string }) => e.code === "ETERM");
  await elsewhere.close();
});

test("Context.close() on a context without sockets, or twice, resolves at once", async () => {
  const ctx = new Context();
  await ctx.close();
  await ctx.close();
  assert.equal(ctx.closed, true);
});
