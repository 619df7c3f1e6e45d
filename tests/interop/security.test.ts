// PLAIN, CURVE and ZAP between omq and libzmq 4.3 (zeromq.js in a Node child process), both directions over tcp.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import {
  Context,
  curveKeyPair,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type Socket,
  type SocketEvent,
  z85,
} from "../../mod.ts";
import { type Libzmq, type LibzmqSocket, startLibzmq } from "../support/libzmq.ts";
import { eventually, texts, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

const TCP = "tcp://127.0.0.1:*";
const decoder = new TextDecoder();

/** Records a socket's monitor events from now on. */
function record(sock: Socket): SocketEvent[] {
  const seen: SocketEvent[] = [];
  (async () => {
    for await (const e of sock.events) seen.push(e);
  })();
  return seen;
}

/** An omq ZAP handler in `context`: allows PLAIN users by user/password and CURVE clients by public key. */
async function omqZap(context: Context, rules: { plain?: Record<string, string>; curve?: string[] }): Promise<Router> {
  const zap = new Router({ context, linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  (async () => {
    for await (
      const [id, delimiter, version, requestId, _domain, _address, _routingId, mechanism, ...credentials] of zap
    ) {
      const m = decoder.decode(mechanism);
      let ok = false;
      let user = "";
      if (m === "PLAIN") {
        user = decoder.decode(credentials[0]);
        ok = rules.plain?.[user] === decoder.decode(credentials[1]);
      }
      if (m === "CURVE") ok = rules.curve?.includes(z85.encode(credentials[0])) ?? false;
      await zap.send([id, delimiter, version, requestId, ok ? "200" : "400", ok ? "OK" : "denied", user, ""]);
    }
  })().catch(() => {});
  return zap;
}

async function close(...sockets: (Socket | LibzmqSocket)[]): Promise<void> {
  await Promise.all(sockets.map((s) => ("zmq" in s ? s.close({ linger: 0 }) : ((s.linger = 0), s.close()))));
}

const pattern = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed + (i >> 9)) & 0xff);

function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && a.every((x, i) => x === b[i]);
}

// --- PLAIN ---

test("PLAIN: libzmq clients against an omq server whose omq ZAP handler accepts one user and refuses another", async () => {
  const context = new Context();
  const zap = await omqZap(context, { plain: { admin: "secret" } });
  const pull = new Pull({ context, plainServer: true, linger: 0 });
  const events = record(pull);
  await pull.bind(TCP);
  const good = await zmq.socket("push", { plainUsername: "admin", plainPassword: "secret" });
  const bad = await zmq.socket("push", { plainUsername: "admin", plainPassword: "wrong" });
  await bad.connect(pull.lastEndpoint!);
  bad.send("from the impostor", { timeout: -1 }).catch(() => {});
  // libzmq 4.3's PLAIN client only knows its own malformed ERROR ("\x5eRROR", a C escape slip), so it
  // reports our RFC 24 ERROR as an unexpected command: a protocol error instead of an auth error.
  await bad.waitEvent(["handshake:error:auth", "handshake:error:protocol"], { timeout: 5000 });
  await good.connect(pull.lastEndpoint!);
  await good.send("from admin");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["from admin"]);
  await assert.rejects(withTimeout(pull.receive(), 300, "impostor"), /timed out/);
  assert.ok(events.some((e) => e.type === "handshake:error:auth"), "omq reports the refused client");
  await close(good, bad, pull, zap);
});

test("NULL with a ZAP domain on the omq side: a libzmq client is refused while the handler says 400, a new one let in once it says 200", async () => {
  const context = new Context();
  let allow = false;
  const zap = new Router({ context, linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  const mechanisms: string[] = [];
  (async () => {
    for await (const [id, delimiter, version, requestId, , , , mechanism] of zap) {
      mechanisms.push(decoder.decode(mechanism));
      await zap.send([id, delimiter, version, requestId, allow ? "200" : "400", allow ? "OK" : "no", "", ""]);
    }
  })().catch(() => {});
  const pull = new Pull({ context, zapDomain: "global", linger: 0 });
  const events = record(pull);
  await pull.bind(TCP);
  const push = await zmq.socket("push", { reconnectInterval: 20 });
  await push.connect(pull.lastEndpoint!);
  push.send("from libzmq", { timeout: -1 }).catch(() => {});
  await push.waitEvent(["handshake:error:auth"], { timeout: 5000 });
  assert.ok(events.some((e) => e.type === "handshake:error:auth"), "omq reports the refused client");
  // libzmq treats a refusal as a protocol error and does not reconnect that session; a new socket is let in.
  allow = true;
  const again = await zmq.socket("push");
  await again.connect(pull.lastEndpoint!);
  await again.send("let in");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["let in"]);
  assert.ok(mechanisms.length >= 2 && mechanisms.every((m) => m === "NULL"));
  await close(push, again, pull, zap);
});

test("PLAIN: omq clients against a libzmq server with a libzmq ZAP handler; refused credentials give an auth event", async () => {
  const handler = await zmq.zapHandler({ plain: { admin: "secret" } });
  try {
    const rep = await zmq.socket("rep", { plainServer: true, zapDomain: "global" });
    const endpoint = await rep.bind(TCP);
    const good = new Request({ plainUsername: "admin", plainPassword: "secret", linger: 0 });
    const bad = new Request({ plainUsername: "admin", plainPassword: "guess", linger: 0 });
    const badEvents = record(bad);
    bad.connect(endpoint);
    good.connect(endpoint);
    await good.send("ping");
    assert.deepEqual(await rep.receive(), [new TextEncoder().encode("ping")]);
    await rep.send("pong");
    assert.deepEqual(texts(await withTimeout(good.receive(), 5000, "reply")), ["pong"]);
    const refused = await eventually(() => badEvents.find((e) => e.type === "handshake:error:auth") ?? false, {
      timeout: 5000,
    });
    // The status libzmq's ERROR command carried (zeromq.js's AuthError has it too).
    assert.equal(refused.error?.status, 400);
    const requests = await handler.requests();
    assert.ok(requests.some((r) => r.mechanism === "PLAIN" && r.domain === "global" && r.address === "127.0.0.1"));
    await close(good, bad, rep);
  } finally {
    await handler.close();
  }
});

// --- CURVE ---

test("CURVE: keys from libzmq's curveKeyPair, libzmq server, omq client, request and reply", async () => {
  const server = await zmq.curveKeyPair();
  const client = await zmq.curveKeyPair();
  const rep = await zmq.socket("rep", {
    curveServer: true,
    curveSecretKey: server.secretKey,
    curvePublicKey: server.publicKey,
  });
  const endpoint = await rep.bind(TCP);
  const req = new Request({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  req.connect(endpoint);
  await req.send(["hello", "", "curve"]);
  assert.deepEqual((await rep.receive()).map((f) => decoder.decode(f)), ["hello", "", "curve"]);
  await rep.send("welcome");
  assert.deepEqual(texts(await withTimeout(req.receive(), 5000, "reply")), ["welcome"]);
  await close(req, rep);
});

test("CURVE: keys from omq's curveKeyPair, omq server, libzmq client, request and reply", async () => {
  const server = curveKeyPair();
  const client = curveKeyPair();
  const rep = new Reply({ curveServer: true, curveSecretKey: server.secretKey });
  await rep.bind(TCP);
  const req = await zmq.socket("req", {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  await req.connect(rep.lastEndpoint!);
  await req.send(["hello", "curve"]);
  assert.deepEqual(texts(await withTimeout(rep.receive(), 5000, "request")), ["hello", "curve"]);
  await rep.send("welcome");
  assert.deepEqual((await req.receive()).map((f) => decoder.decode(f)), ["welcome"]);
  await close(req, rep);
});

test("CURVE with ZAP on the omq side: a libzmq client with a listed key gets through, an unlisted one gets an auth error", async () => {
  const context = new Context();
  const server = curveKeyPair();
  const allowed = await zmq.curveKeyPair();
  const other = await zmq.curveKeyPair();
  const zap = await omqZap(context, { curve: [allowed.publicKey] });
  const pull = new Pull({ context, curveServer: true, curveSecretKey: server.secretKey, linger: 0 });
  await pull.bind(TCP);
  const stranger = await zmq.socket("push", {
    curveServerKey: server.publicKey,
    curvePublicKey: other.publicKey,
    curveSecretKey: other.secretKey,
  });
  await stranger.connect(pull.lastEndpoint!);
  stranger.send("let me in", { timeout: -1 }).catch(() => {});
  assert.equal((await stranger.waitEvent("handshake:error:auth", { timeout: 5000 })).type, "handshake:error:auth");
  const friend = await zmq.socket("push", {
    curveServerKey: server.publicKey,
    curvePublicKey: allowed.publicKey,
    curveSecretKey: allowed.secretKey,
  });
  await friend.connect(pull.lastEndpoint!);
  await friend.send("friend");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["friend"]);
  await close(friend, stranger, pull, zap);
});

test("CURVE with ZAP on the libzmq side: an omq client with an unlisted key gets an auth error, a listed one gets through", async () => {
  const server = await zmq.curveKeyPair();
  const allowed = curveKeyPair();
  const other = curveKeyPair();
  const handler = await zmq.zapHandler({ curve: [z85.decode(allowed.publicKey)] });
  try {
    const pull = await zmq.socket("pull", { curveServer: true, curveSecretKey: server.secretKey });
    const endpoint = await pull.bind(TCP);
    const stranger = new Push({
      curveServerKey: server.publicKey,
      curvePublicKey: other.publicKey,
      curveSecretKey: other.secretKey,
    });
    const strangerEvents = record(stranger);
    stranger.connect(endpoint);
    await stranger.send("let me in");
    await eventually(() => strangerEvents.some((e) => e.type === "handshake:error:auth"), { timeout: 5000 });
    const friend = new Push({
      curveServerKey: server.publicKey,
      curvePublicKey: allowed.publicKey,
      curveSecretKey: allowed.secretKey,
    });
    friend.connect(endpoint);
    await friend.send("friend");
    assert.deepEqual((await pull.receive()).map((f) => decoder.decode(f)), ["friend"]);
    const requests = await handler.requests();
    assert.ok(requests.some((r) => r.mechanism === "CURVE" && same(r.credentials[0], z85.decode(allowed.publicKey))));
    await close(friend, stranger, pull);
  } finally {
    await handler.close();
  }
});

test("CURVE: an omq client with the wrong server key gets nothing through a libzmq server and sees a protocol error", async () => {
  const server = await zmq.curveKeyPair();
  const client = curveKeyPair();
  const pull = await zmq.socket("pull", { curveServer: true, curveSecretKey: server.secretKey });
  const endpoint = await pull.bind(TCP);
  const push = new Push({
    curveServerKey: curveKeyPair().publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  const events = record(push);
  push.connect(endpoint);
  await push.send("must not arrive");
  await eventually(() => events.some((e) => e.type === "handshake:error:protocol"), { timeout: 5000 });
  await assert.rejects(pull.receive({ timeout: 300 }), (err: Error & { code?: string }) => err.code === "EAGAIN");
  await close(push, pull);
});

test("CURVE: a libzmq client with the wrong server key gets nothing through an omq server, which reports a protocol error", async () => {
  const server = curveKeyPair();
  const client = await zmq.curveKeyPair();
  const pull = new Pull({ curveServer: true, curveSecretKey: server.secretKey });
  const events = record(pull);
  await pull.bind(TCP);
  const push = await zmq.socket("push", {
    curveServerKey: curveKeyPair().publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  await push.connect(pull.lastEndpoint!);
  push.send("must not arrive", { timeout: -1 }).catch(() => {});
  await eventually(() => events.some((e) => e.type === "handshake:error:protocol"), { timeout: 5000 });
  await assert.rejects(withTimeout(pull.receive(), 300, "receive"), /timed out/);
  await close(push, pull);
});

test("CURVE: a 1 MB message and 10,000 small ones arrive intact from omq to libzmq", async () => {
  const server = await zmq.curveKeyPair();
  const client = curveKeyPair();
  const pull = await zmq.socket("pull", {
    curveServer: true,
    curveSecretKey: server.secretKey,
    receiveHighWaterMark: 0,
  });
  const endpoint = await pull.bind(TCP);
  const push = new Push({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  push.connect(endpoint);
  const big = pattern(1024 * 1024, 7);
  await push.send([big, "tail"]);
  const [gotBig, tail] = await pull.receive({ timeout: 20_000 });
  assert.ok(same(gotBig, big), "1 MB frame intact");
  assert.equal(decoder.decode(tail), "tail");
  const sending = (async () => {
    for (let i = 0; i < 10_000; i++) await push.send(`m${i}`);
  })();
  const got = await pull.receiveMany(10_000, { timeout: 60_000 });
  await sending;
  got.forEach((m, i) => assert.equal(decoder.decode(m[0]), `m${i}`));
  await close(push, pull);
});

test("CURVE: a 1 MB message and 10,000 small ones arrive intact from libzmq to omq", async () => {
  const server = curveKeyPair();
  const client = await zmq.curveKeyPair();
  const pull = new Pull({ curveServer: true, curveSecretKey: server.secretKey, receiveHighWaterMark: 0 });
  await pull.bind(TCP);
  const push = await zmq.socket("push", {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  await push.connect(pull.lastEndpoint!);
  const big = pattern(1024 * 1024, 9);
  await push.send([big, "tail"]);
  const [gotBig, tail] = await withTimeout(pull.receive(), 20_000, "1 MB");
  assert.ok(same(gotBig, big), "1 MB frame intact");
  assert.equal(decoder.decode(tail), "tail");
  const messages = Array.from({ length: 10_000 }, (_, i) => `m${i}`);
  const sent = push.sendMany(messages, { timeout: 60_000 });
  for (let i = 0; i < 10_000; i++) {
    const [m] = await withTimeout(pull.receive(), 20_000, `message ${i}`);
    assert.equal(decoder.decode(m), `m${i}`);
  }
  await sent;
  await close(push, pull);
});
