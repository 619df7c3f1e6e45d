// zapEnforceDomain (ZMQ_ZAP_ENFORCE_DOMAIN): libzmq's strict reading of ZAP domains for NULL and CURVE servers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, curveKeyPair, Pull, Push, Router, type Socket, type SocketOptions } from "../../mod.ts";
import { withTimeout } from "../support/util.ts";

/** The server's first handshake outcome: "handshake" or the failure's event type. */
async function outcome(server: Socket): Promise<string> {
  for await (const e of server.events) if (e.type.startsWith("handshake")) return e.type;
  return "none";
}

async function handshakeWith(context: Context, server: SocketOptions, client: SocketOptions): Promise<string> {
  const pull = new Pull({ context, ...server });
  const result = outcome(pull);
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({ context, ...client });
  push.connect(pull.lastEndpoint!);
  try {
    return await withTimeout(result, 5000, "the handshake");
  } finally {
    await Promise.all([push.close(), pull.close()]);
  }
}

/** A ZAP handler in `context` that refuses everyone with 400, counting the requests. */
async function refuseAll(context: Context): Promise<{ zap: Router; asked: () => number }> {
  let asked = 0;
  const zap = new Router({ context });
  await zap.bind("inproc://zeromq.zap.01");
  (async () => {
    for await (const [id, delimiter, version, requestId] of zap) {
      asked++;
      await zap.send([id, delimiter, version, requestId, "400", "No", "", ""]);
    }
  })().catch(() => {});
  return { zap, asked: () => asked };
}

test("NULL with a zapDomain and no handler: lets everyone in, unless zapEnforceDomain", async () => {
  const context = new Context({ blocky: false });
  assert.equal(await handshakeWith(context, { zapDomain: "global" }, {}), "handshake");
  assert.equal(
    await handshakeWith(context, { zapDomain: "global", zapEnforceDomain: true }, {}),
    "handshake:error:other",
  );
});

test("CURVE with zapEnforceDomain: no domain means no ZAP; a domain without a handler fails", async () => {
  const context = new Context({ blocky: false });
  const server = curveKeyPair();
  const client = curveKeyPair();
  const serverOptions = { curveServer: true, curveSecretKey: server.secretKey };
  const clientOptions = {
    curveServerKey: server.publicKey,
    curvePublicKey: client.publicKey,
    curveSecretKey: client.secretKey,
  };
  assert.equal(
    await handshakeWith(context, { ...serverOptions, zapDomain: "d", zapEnforceDomain: true }, clientOptions),
    "handshake:error:other",
  );
  const { zap, asked } = await refuseAll(context);
  assert.equal(await handshakeWith(context, serverOptions, clientOptions), "handshake:error:auth");
  assert.equal(asked(), 1);
  assert.equal(await handshakeWith(context, { ...serverOptions, zapEnforceDomain: true }, clientOptions), "handshake");
  assert.equal(asked(), 1, "the handler was not asked");
  await zap.close();
});
