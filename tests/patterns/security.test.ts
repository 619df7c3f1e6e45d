// PLAIN, CURVE, ZAP and Z85 between omq sockets, and the primitives against published vectors.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  Context,
  curveKeyPair,
  curvePublicKey,
  Publisher,
  Pull,
  Push,
  Router,
  type Socket,
  type SocketEvent,
  Subscriber,
  z85,
} from "../../mod.ts";
import { beforenm } from "../../src/zmtp/mechanisms/curve.ts";
import { eventually, texts, withTimeout } from "../support/util.ts";

const TCP = "tcp://127.0.0.1:*";
const decoder = new TextDecoder();
const hex = (h: string) => Uint8Array.from(h.match(/../g)!, (b) => parseInt(b, 16));

function record(sock: Socket): SocketEvent[] {
  const seen: SocketEvent[] = [];
  (async () => {
    for await (const e of sock.events) seen.push(e);
  })();
  return seen;
}

async function close(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

type Reply = [status: string, text?: string, userId?: string];

/** A ZAP handler in `context` that answers with `decide(mechanism, credentials)` and records the requests. */
async function zapHandler(context: Context, decide: (mechanism: string, credentials: Uint8Array[]) => Reply) {
  const requests: Uint8Array[][] = [];
  const zap = new Router({ context, linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  (async () => {
    for await (const [id, ...request] of zap) {
      requests.push(request);
      const [delimiter, version, requestId, , , , mechanism, ...credentials] = request;
      const answer = decide(decoder.decode(mechanism), credentials);
      const [status, text = "", userId = ""] = answer;
      await zap.send([id, delimiter, version, requestId, status, text, userId, ""]);
    }
  })().catch(() => {});
  return { zap, requests };
}

test("z85 encodes and decodes the RFC 32 test vector", () => {
  const bytes = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
  assert.equal(z85.encode(bytes), "HelloWorld");
  assert.deepEqual(z85.decode("HelloWorld"), bytes);
  assert.throws(() => z85.encode(new Uint8Array(3)), RangeError);
  assert.throws(() => z85.decode("Hello!"), RangeError);
  assert.throws(() => z85.decode("Hell~"), RangeError);
  assert.throws(() => z85.decode("%%%%%"), RangeError, "a group above 2^32 is refused");
});

test("crypto_box_beforenm matches the NaCl test vector (RFC 7748 keys of Alice and Bob)", () => {
  const aliceSecret = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  const bobPublic = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  assert.deepEqual(
    beforenm(bobPublic, aliceSecret),
    hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389"),
  );
});

test("curveKeyPair makes distinct Z85 pairs whose public key follows from the secret one", () => {
  const a = curveKeyPair();
  const b = curveKeyPair();
  assert.equal(a.publicKey.length, 40);
  assert.equal(a.secretKey.length, 40);
  assert.notEqual(a.secretKey, b.secretKey);
  assert.equal(curvePublicKey(a.secretKey), a.publicKey);
  assert.equal(curvePublicKey(z85.decode(b.secretKey)), b.publicKey);
});

test("CURVE key options take Z85 or 32 bytes, read back as Z85, and refuse anything else", async () => {
  const { publicKey } = curveKeyPair();
  const push = new Push({ curveServerKey: z85.decode(publicKey) });
  assert.equal(push.curveServerKey, publicKey);
  assert.throws(() => (push.curvePublicKey = "short"), RangeError);
  assert.throws(() => (push.curvePublicKey = new Uint8Array(31)), RangeError);
  // 40 characters, but not Z85: the error still names the option.
  assert.throws(() => new Push({ curveSecretKey: "~".repeat(40) }), { name: "RangeError", message: /curveSecretKey/ });
  assert.throws(() => (push.curveServerKey = "#".repeat(39) + "~"), { name: "RangeError", message: /curveServerKey/ });
  assert.throws(() => new Push({ curveSecretKey: 42 as unknown as string }), TypeError);
  await close(push);
});

test("securityMechanism reads which mechanism the options select (null, plain, curve), as zeromq.js", async () => {
  const { publicKey, secretKey } = curveKeyPair();
  const sockets = [
    new Push(),
    new Pull({ plainServer: true }),
    new Push({ plainUsername: "u", plainPassword: "p" }),
    new Pull({ curveServer: true, curveSecretKey: secretKey }),
    new Push({ curveServerKey: publicKey }),
  ];
  assert.deepEqual(sockets.map((s) => s.securityMechanism), [null, "plain", "plain", "curve", "curve"]);
  sockets[0].plainServer = true;
  assert.equal(sockets[0].securityMechanism, "plain");
  await close(...sockets);
});

test("CURVE without a ZAP handler: any client that knows the server key gets through, both ways, multipart intact", async () => {
  const server = curveKeyPair();
  const client = curveKeyPair();
  const pull = new Pull({ curveServer: true, curveSecretKey: server.secretKey });
  await pull.bind(TCP);
  const push = new Push({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  push.connect(pull.lastEndpoint!);
  await push.send(["a", "", "c"]);
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["a", "", "c"]);
  await close(push, pull);
});

test("CURVE carries PUB/SUB subscriptions and heartbeats sealed", async () => {
  const server = curveKeyPair();
  const client = curveKeyPair();
  const pub = new Publisher({ curveServer: true, curveSecretKey: server.secretKey, heartbeatInterval: 50 });
  await pub.bind(TCP);
  const sub = new Subscriber({
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
    heartbeatInterval: 50,
  });
  const events = record(sub);
  sub.subscribe("news");
  sub.connect(pub.lastEndpoint!);
  let received: string[] | null = null;
  void sub.receive().then((m) => (received = texts(m)));
  // Publish until the subscription, sent once the handshake is done, has reached the publisher.
  await eventually(async () => {
    await pub.send(["weather", "rain"]);
    await pub.send(["news", "today"]);
    return received !== null;
  });
  assert.deepEqual(received, ["news", "today"]);
  assert.ok(events.some((e) => e.type === "handshake"));
  // Several heartbeat periods pass with PINGs and PONGs going through the box; the link stays up.
  await new Promise((r) => setTimeout(r, 300));
  assert.ok(!events.some((e) => e.type === "disconnect"), "heartbeats keep the CURVE link up");
  await close(sub, pub);
});

test("CURVE: a wrong server key lets nothing through and the client reports a protocol error", async () => {
  const server = curveKeyPair();
  const client = curveKeyPair();
  const pull = new Pull({ curveServer: true, curveSecretKey: server.secretKey });
  const serverEvents = record(pull);
  await pull.bind(TCP);
  const push = new Push({
    curveServerKey: curveKeyPair().publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  });
  const clientEvents = record(push);
  push.connect(pull.lastEndpoint!);
  await push.send("secret");
  await eventually(() => clientEvents.some((e) => e.type === "handshake:error:protocol"));
  await eventually(() => serverEvents.some((e) => e.type === "handshake:error:protocol"));
  await assert.rejects(withTimeout(pull.receive(), 200, "receive"), /timed out/);
  await close(push, pull);
});

test("CURVE with ZAP: the handler sees the client's public key, domain and address; 400 refuses with an auth error", async () => {
  const context = new Context();
  const server = curveKeyPair();
  const good = curveKeyPair();
  const bad = curveKeyPair();
  const { zap, requests } = await zapHandler(
    context,
    (_m, [key]) => z85.encode(key) === good.publicKey ? ["200", "OK", "good"] : ["400", "who?"],
  );
  const pull = new Pull({ context, curveServer: true, curveSecretKey: server.secretKey, zapDomain: "test" });
  const serverEvents = record(pull);
  await pull.bind(TCP);
  const intruder = new Push({
    curveServerKey: server.publicKey,
    curvePublicKey: bad.publicKey,
    curveSecretKey: bad.secretKey,
  });
  const intruderEvents = record(intruder);
  intruder.connect(pull.lastEndpoint!);
  await intruder.send("intruder");
  await eventually(() => intruderEvents.some((e) => e.type === "handshake:error:auth"));
  assert.ok(serverEvents.some((e) => e.type === "handshake:error:auth"));
  const friend = new Push({
    curveServerKey: server.publicKey,
    curvePublicKey: good.publicKey,
    curveSecretKey: good.secretKey,
  });
  friend.connect(pull.lastEndpoint!);
  await friend.send("friend");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["friend"]);
  const [delimiter, version, , domain, address, , mechanism, key] = requests.at(-1)!;
  assert.equal(delimiter.byteLength, 0);
  assert.deepEqual(texts([version, domain, address, mechanism]), ["1.0", "test", "127.0.0.1", "CURVE"]);
  assert.equal(z85.encode(key), good.publicKey);
  await close(intruder, friend, pull, zap);
});

test("PLAIN with ZAP: good credentials get through, bad ones see an auth error on both sides", async () => {
  const context = new Context();
  const { zap, requests } = await zapHandler(
    context,
    (_m, [user, pass]) =>
      decoder.decode(user) === "admin" && decoder.decode(pass) === "secret" ? ["200", "OK", "admin"] : ["400", "no"],
  );
  const pull = new Pull({ context, plainServer: true });
  const serverEvents = record(pull);
  await pull.bind(TCP);
  const bad = new Push({ plainUsername: "admin", plainPassword: "guess" });
  const badEvents = record(bad);
  bad.connect(pull.lastEndpoint!);
  await bad.send("bad");
  await eventually(() => badEvents.some((e) => e.type === "handshake:error:auth"));
  assert.ok(serverEvents.some((e) => e.type === "handshake:error:auth"));
  const good = new Push({ plainUsername: "admin", plainPassword: "secret" });
  good.connect(pull.lastEndpoint!);
  await good.send("good");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["good"]);
  assert.ok(requests.some((r) => decoder.decode(r[6]) === "PLAIN" && decoder.decode(r[7]) === "admin"));
  await close(bad, good, pull, zap);
});

test("PLAIN without a ZAP handler refuses every client, as libzmq 4.3 does", async () => {
  const pull = new Pull({ context: new Context(), plainServer: true });
  const serverEvents = record(pull);
  await pull.bind(TCP);
  const push = new Push({ plainUsername: "admin", plainPassword: "secret" });
  push.connect(pull.lastEndpoint!);
  await push.send("x");
  await eventually(() => serverEvents.some((e) => e.type.startsWith("handshake:error")));
  await assert.rejects(withTimeout(pull.receive(), 200, "receive"), /timed out/);
  await close(push, pull);
});

test("ZAP: a 300 reply drops the client without an ERROR, a malformed reply is a protocol error", async () => {
  const context = new Context();
  let answer: Reply = ["300", "later"];
  const { zap } = await zapHandler(context, () => answer);
  const pull = new Pull({ context, plainServer: true });
  const serverEvents = record(pull);
  await pull.bind(TCP);
  const push = new Push({ plainUsername: "u", plainPassword: "p", reconnectInterval: 50 });
  const clientEvents = record(push);
  push.connect(pull.lastEndpoint!);
  await eventually(() => serverEvents.some((e) => e.type === "handshake:error:auth"));
  // No ERROR reached the client: it saw only a closed connection.
  assert.ok(!clientEvents.some((e) => e.type === "handshake:error:auth"));
  answer = ["999", "not a status code"];
  await eventually(() => serverEvents.some((e) => e.type === "handshake:error:protocol"));
  await close(push, pull, zap);
});

test("NULL with a ZAP domain asks the handler (mechanism NULL, domain, address); 400 refuses with an auth error", async () => {
  const context = new Context();
  let allow = false;
  const { zap, requests } = await zapHandler(context, () => (allow ? ["200", "OK"] : ["400", "not you"]));
  const pull = new Pull({ context, zapDomain: "global" });
  const serverEvents = record(pull);
  await pull.bind(TCP);
  const push = new Push({ reconnectInterval: 20 });
  const clientEvents = record(push);
  push.connect(pull.lastEndpoint!);
  await push.send("hello");
  await eventually(() => clientEvents.some((e) => e.type === "handshake:error:auth"));
  assert.ok(serverEvents.some((e) => e.type === "handshake:error:auth"));
  const [, , , domain, address, , mechanism, ...credentials] = requests[0];
  assert.deepEqual([decoder.decode(domain), decoder.decode(address), decoder.decode(mechanism)], [
    "global",
    "127.0.0.1",
    "NULL",
  ]);
  assert.equal(credentials.length, 0);
  // The client keeps reconnecting; once the handler allows it, the queued message goes through.
  allow = true;
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["hello"]);
  await close(push, pull, zap);
});

test("NULL without a ZAP domain never asks the handler, as libzmq 4.3", async () => {
  const context = new Context();
  const { zap, requests } = await zapHandler(context, () => ["400", "no"]);
  const pull = new Pull({ context });
  await pull.bind(TCP);
  const push = new Push();
  push.connect(pull.lastEndpoint!);
  await push.send("hello");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "receive")), ["hello"]);
  assert.equal(requests.length, 0);
  await close(push, pull, zap);
});
