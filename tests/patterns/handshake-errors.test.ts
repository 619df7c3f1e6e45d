// Handshake failures name what went wrong in `error.code`, as libzmq's ZMQ_PROTOCOL_ERROR_* (zeromq.js's
// ERR_* spelling): a program can tell a bad ZAP reply from a mechanism mismatch.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Dealer, type Message, Pull, Push, Router, type Socket, type SocketEvent } from "../../mod.ts";
import { startLibzmq } from "../support/libzmq.ts";
import { withTimeout } from "../support/util.ts";

const TCP = "tcp://127.0.0.1:*";

/** The first event of `type` on `socket`. */
async function first(socket: Socket, type: string): Promise<SocketEvent> {
  for await (const e of socket.events) if (e.type === type) return e;
  throw new Error(`no ${type} event`);
}

/** A ZAP handler in `context` whose reply to each request is `reply(request)` (frames after the envelope). */
async function zapReplying(context: Context, reply: (request: Message) => (string | Uint8Array)[]): Promise<Router> {
  const zap = new Router({ context, linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  (async () => {
    for await (const [id, ...request] of zap) await zap.send([id, ...reply(request)]);
  })().catch(() => {});
  return zap;
}

async function plainFailure(reply: (request: Message) => (string | Uint8Array)[]): Promise<SocketEvent> {
  const context = new Context({ blocky: false });
  const zap = await zapReplying(context, reply);
  const pull = new Pull({ context, plainServer: true, zapDomain: "test" });
  const failed = first(pull, "handshake:error:protocol");
  await pull.bind(TCP);
  const push = new Push({ context, plainUsername: "user" });
  push.connect(pull.lastEndpoint!);
  try {
    return await withTimeout(failed, 5000, "handshake:error:protocol");
  } finally {
    await Promise.all([push.close(), pull.close(), zap.close()]);
  }
}

test("a ZAP reply with a bad version fails the handshake with ERR_ZAP_BAD_VERSION", async () => {
  const event = await plainFailure(([delimiter, , id]) => [delimiter, "9.9", id, "200", "OK", "", ""]);
  assert.equal(event.error?.code, "ERR_ZAP_BAD_VERSION");
});

test("a ZAP reply without its frames fails the handshake at once with ERR_ZAP_MALFORMED_REPLY", async () => {
  const event = await plainFailure(([delimiter]) => [delimiter, "", ""]);
  assert.equal(event.error?.code, "ERR_ZAP_MALFORMED_REPLY");
});

test("ZAP replies with a wrong request id, status code or metadata name each failure", async () => {
  const badId = await plainFailure(([delimiter, version]) => [delimiter, version, "nope", "200", "OK", "", ""]);
  assert.equal(badId.error?.code, "ERR_ZAP_BAD_REQUEST_ID");
  const badStatus = await plainFailure(([delimiter, version, id]) => [delimiter, version, id, "201", "", "", ""]);
  assert.equal(badStatus.error?.code, "ERR_ZAP_INVALID_STATUS_CODE");
  const metadata = new Uint8Array([5, 0x58]); // a property whose name runs past the end
  const badMetadata = await plainFailure(([d, v, id]) => [d, v, id, "200", "OK", "", metadata]);
  assert.equal(badMetadata.error?.code, "ERR_ZAP_INVALID_METADATA");
});

test("PLAIN against CURVE is ERR_ZMTP_MECHANISM_MISMATCH on both sides", async () => {
  const server = new Router({ plainServer: true, linger: 0 });
  const client = new Dealer({ curveServer: true, curveSecretKey: new Uint8Array(32).fill(7), linger: 0 });
  const serverFailed = first(server, "handshake:error:protocol");
  const clientFailed = first(client, "handshake:error:protocol");
  await server.bind(TCP);
  client.connect(server.lastEndpoint!);
  const [a, b] = await withTimeout(Promise.all([serverFailed, clientFailed]), 5000, "both failures");
  assert.equal(a.error?.code, "ERR_ZMTP_MECHANISM_MISMATCH");
  assert.equal(b.error?.code, "ERR_ZMTP_MECHANISM_MISMATCH");
  await Promise.all([server.close(), client.close()]);
});

test("libzmq sees our greeting's mechanism and reports ERR_ZMTP_MECHANISM_MISMATCH, either side connecting", async () => {
  await using zmq = await startLibzmq();
  const secret = "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs";
  // libzmq drops us on reading our greeting, usually before its own is out: we see the connection end.
  const failure = (socket: Socket) =>
    Promise.race([first(socket, "handshake:error:protocol"), first(socket, "handshake:error:other")]);
  const theirs = await zmq.socket("dealer", { curveServer: true, curveSecretKey: secret });
  const ours = new Dealer({ plainServer: true, linger: 0 });
  const failed = failure(ours);
  ours.connect(await theirs.bind(TCP));
  await withTimeout(failed, 5000, "our handshake failure");
  assert.equal((await theirs.waitEvent("handshake:error:protocol")).error?.code, "ERR_ZMTP_MECHANISM_MISMATCH");
  await ours.close();

  const bound = new Dealer({ plainServer: true, linger: 0 });
  await bound.bind(TCP);
  const connecting = await zmq.socket("dealer", { curveServer: true, curveSecretKey: secret });
  await connecting.connect(bound.lastEndpoint!);
  assert.equal((await connecting.waitEvent("handshake:error:protocol")).error?.code, "ERR_ZMTP_MECHANISM_MISMATCH");
  await bound.close();
});
