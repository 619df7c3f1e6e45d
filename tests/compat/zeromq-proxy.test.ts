// omq/zeromq: zeromq.js's Proxy: its checks, steering, and closing both sockets when it ends.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as zmq from "../../compat/zeromq.ts";
import { withTimeout } from "../support/util.ts";

test("Proxy checks its arguments as zeromq.js's does", () => {
  assert.throws(() => new (zmq.Proxy as unknown as new () => zmq.Proxy)(), {
    name: "TypeError",
    message: "Front-end must be a socket object",
  });
  const a = new zmq.Dealer();
  const b = new zmq.Dealer();
  const c = new zmq.Dealer();
  assert.throws(() => new (zmq.Proxy as unknown as new (...s: unknown[]) => zmq.Proxy)(a, b, c), {
    name: "TypeError",
    message: "Expected 2 arguments",
  });
  assert.throws(() => new zmq.Proxy({} as never, {} as never), { code: "EINVAL" });
  for (const s of [a, b, c]) s.close();
});

test("run() needs both sockets open and bound or connected; steering needs a running proxy", async () => {
  const proxy = new zmq.Proxy(new zmq.Router(), new zmq.Dealer());
  assert.throws(() => proxy.terminate(), { code: "EBADF", message: "Socket is closed" });
  await proxy.backEnd.bind("inproc://compat-proxy-back");
  await assert.rejects(proxy.run(), { code: "EINVAL", message: "Front-end socket must be bound or connected" });
  await proxy.frontEnd.bind("inproc://compat-proxy-front");
  proxy.backEnd.close();
  await assert.rejects(proxy.run(), { code: "EINVAL", message: "Back-end socket must be bound or connected" });
  proxy.frontEnd.close();
});

test("a proxy forwards requests and replies, pauses and resumes, and closes both sockets at the end", async () => {
  const proxy = new zmq.Proxy(new zmq.Router(), new zmq.Dealer());
  await proxy.frontEnd.bind("inproc://compat-proxy-run-front");
  await proxy.backEnd.bind("inproc://compat-proxy-run-back");
  const done = proxy.run();
  const req = new zmq.Request({ linger: 0 });
  const rep = new zmq.Reply({ linger: 0 });
  req.connect("inproc://compat-proxy-run-front");
  rep.connect("inproc://compat-proxy-run-back");
  const echo = (async () => {
    for await (const message of rep) await rep.send(message);
  })();
  for (const text of ["a", "b"]) {
    proxy.pause();
    proxy.resume();
    await req.send(text);
    assert.equal((await withTimeout(req.receive(), 5000, `the reply to ${text}`))[0].toString(), text);
  }
  proxy.terminate();
  await withTimeout(done, 5000, "the end of run()");
  assert.deepEqual([proxy.frontEnd.closed, proxy.backEnd.closed], [true, true]);
  assert.throws(() => proxy.terminate(), { code: "EBADF" });
  rep.close();
  req.close();
  await echo;
});
