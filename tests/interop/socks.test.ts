// socksProxy (ZMQ_SOCKS_PROXY, with ZMQ_SOCKS_USERNAME/PASSWORD): tcp connections through a SOCKS5
// proxy, asking it exactly as libzmq does.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { Pull, Push, type Socket } from "../../mod.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { startSocksServer } from "../support/socks-server.ts";
import { eventually, texts, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

const ZMQ_SOCKS_USERNAME = 99;
const ZMQ_SOCKS_PASSWORD = 100;

async function handshakes(socket: Socket): Promise<void> {
  for await (const e of socket.events) if (e.type === "handshake") return;
}

test("a Push reaches a Pull through a SOCKS5 proxy, which resolves the endpoint's host itself", async () => {
  await using proxy = await startSocksServer();
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const port = pull.lastEndpoint!.split(":").pop();
  const push = new Push({ linger: 0, socksProxy: proxy.address });
  push.connect(`tcp://localhost:${port}`);
  await push.send("through the proxy");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "the message")), ["through the proxy"]);
  assert.deepEqual(proxy.clients.map((c) => c.target), [`localhost:${port}`]);
  await Promise.all([push.close(), pull.close()]);
});

test("user name and password: the right ones get through, wrong ones never connect", async () => {
  await using proxy = await startSocksServer({ username: "alice", password: "s3cret" });
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const wrong = new Push({
    linger: 0,
    socksProxy: proxy.address,
    socksUsername: "alice",
    socksPassword: "guess",
    reconnectInterval: 10,
  });
  const attempts: string[] = [];
  (async () => {
    for await (const e of wrong.events) attempts.push(e.type);
  })();
  wrong.connect(pull.lastEndpoint!);
  await eventually(() => attempts.filter((t) => t === "close").length >= 2);
  assert.ok(!attempts.includes("connect"), "no tunnel was opened");
  const right = new Push({ linger: 0, socksProxy: proxy.address, socksUsername: "alice", socksPassword: "s3cret" });
  const shaken = handshakes(right);
  right.connect(pull.lastEndpoint!);
  await withTimeout(shaken, 5000, "the handshake through the proxy");
  await right.send("logged in");
  assert.deepEqual(texts(await pull.receive()), ["logged in"]);
  await Promise.all([wrong.close(), right.close(), pull.close()]);
});

test("we ask a SOCKS proxy in the very bytes libzmq does, with and without a user name", async () => {
  const auths: { username?: string; password?: string }[] = [{}, { username: "bob", password: "pw" }];
  for (const auth of auths) {
    await using proxy = await startSocksServer(auth);
    const pull = new Pull({ linger: 0 });
    await pull.bind("tcp://127.0.0.1:*");
    const theirs = await zmq.socket("push", { socksProxy: proxy.address });
    if (auth.username !== undefined) {
      await theirs.setOptionById(ZMQ_SOCKS_USERNAME, "String", auth.username);
      await theirs.setOptionById(ZMQ_SOCKS_PASSWORD, "String", auth.password ?? "");
    }
    await theirs.connect(pull.lastEndpoint!);
    await theirs.send("libzmq");
    assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "libzmq's message")), ["libzmq"]);
    const ours = new Push({
      linger: 0,
      socksProxy: proxy.address,
      socksUsername: auth.username ?? null,
      socksPassword: auth.password ?? null,
    });
    ours.connect(pull.lastEndpoint!);
    await ours.send("omq");
    assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "our message")), ["omq"]);
    const [libzmq, omq] = proxy.clients;
    assert.deepEqual(omq.greeting, libzmq.greeting);
    assert.deepEqual(omq.auth, libzmq.auth);
    assert.deepEqual(omq.request, libzmq.request);
    await theirs.close();
    await Promise.all([ours.close(), pull.close()]);
  }
});

test("socksProxy takes any text, as libzmq; one that is no host:port fails each connection attempt", async () => {
  const push = new Push({ linger: 0, socksProxy: "nohost", reconnectInterval: 10 });
  assert.equal(push.socksProxy, "nohost");
  const types: string[] = [];
  (async () => {
    for await (const e of push.events) types.push(e.type);
  })();
  push.connect("tcp://127.0.0.1:5555");
  await eventually(() => types.filter((t) => t === "close").length >= 2);
  assert.ok(!types.includes("connect"));
  push.socksProxy = "[::1]:1080";
  assert.equal(push.socksProxy, "[::1]:1080");
  push.socksProxy = "";
  assert.equal(push.socksProxy, null);
  await push.close();
});
