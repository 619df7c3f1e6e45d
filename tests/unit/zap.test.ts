// ZAP, the client side (src/zap.ts, RFC 27): the request a handler sees, and the checks on its
// reply as libzmq's zap_client makes them (7 frames, empty delimiter, version 1.0, status
// 200/300/400/500, valid metadata, matching request id). The handler is a Router over inproc.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, Router } from "../../mod.ts";
import { zapAddress, type ZapConnection, zapFor, type ZapOutcome } from "../../src/zap.ts";
import { encodeMetadata } from "../../src/zmtp/command.ts";
import { bytes, text, withTimeout } from "../support/util.ts";

const CONNECTION: ZapConnection = { domain: bytes("global"), address: "10.0.0.1", routingId: bytes("server") };
type Frames = (string | Uint8Array)[];

/** A handler bound at inproc://zeromq.zap.01 in a fresh context; `next()` is its next request. */
async function handler() {
  const context = new Context();
  const zap = new Router({ context, linger: 0 });
  await zap.bind("inproc://zeromq.zap.01");
  const ask = zapFor(context, CONNECTION);
  assert.ok(ask, "zapFor finds the bound handler");
  return {
    ask,
    zap,
    /** The next request: its envelope (to reply with) and its frames as text. */
    async next(): Promise<{ envelope: Uint8Array[]; frames: string[] }> {
      const [id, ...rest] = await withTimeout(zap.receive(), 2000, "the ZAP request");
      return { envelope: [id, rest[0]], frames: rest.map(text) };
    },
    close: () => zap.close(),
  };
}

/** Asks once and answers with `reply(requestId)` (the frames after the routing id). */
async function outcomeOf(reply: (requestId: string) => Frames): Promise<ZapOutcome> {
  const h = await handler();
  try {
    const pending = h.ask("PLAIN", [bytes("u"), bytes("p")]);
    const { envelope, frames } = await h.next();
    await h.zap.send([envelope[0], ...reply(frames[2])]);
    return await withTimeout(pending, 2000, "the ZAP outcome");
  } finally {
    await h.close();
  }
}

const good = (status: string, userId = "user", metadata: string | Uint8Array = "") => (requestId: string): Frames => [
  "",
  "1.0",
  requestId,
  status,
  `text for ${status}`,
  userId,
  metadata,
];

test("no handler bound: zapFor gives no asker (libzmq then skips ZAP)", () => {
  assert.equal(zapFor(new Context(), CONNECTION), null);
});

test("the handler sees RFC 27's request: delimiter, version, id, domain, address, routing id, mechanism, credentials", async () => {
  const h = await handler();
  try {
    void h.ask("PLAIN", [bytes("admin"), bytes("secret")]);
    const { frames } = await h.next();
    assert.deepEqual(frames, ["", "1.0", frames[2], "global", "10.0.0.1", "server", "PLAIN", "admin", "secret"]);
    assert.match(frames[2], /^\d+$/);
  } finally {
    await h.close();
  }
});

test("200 accepts, with the user id from the reply", async () => {
  const outcome = await outcomeOf(good("200", "alice"));
  assert.equal(outcome.ok, true);
  assert.equal(outcome.ok && text(outcome.userId), "alice");
});

test("200 carries the reply's metadata frame, names in lowercase (libzmq's ZAP properties)", async () => {
  const metadata = encodeMetadata([["X-Role", "admin"], ["Tenant", "7"]]);
  const outcome = await outcomeOf(good("200", "alice", metadata));
  assert.ok(outcome.ok);
  assert.deepEqual([...outcome.metadata].map(([name, value]) => [name, text(value)]), [["x-role", "admin"], [
    "tenant",
    "7",
  ]]);
  const none = await outcomeOf(good("200", "alice"));
  assert.equal(none.ok && none.metadata.size, 0);
});

test("300, 400 and 500 refuse: auth failures carrying the status code and the reply's text", async () => {
  for (const status of ["300", "400", "500"]) {
    const outcome = await outcomeOf(good(status));
    assert.equal(outcome.ok, false);
    if (outcome.ok) continue;
    assert.equal(outcome.statusCode, status);
    assert.equal(outcome.error.kind, "auth");
    assert.equal(outcome.error.status, Number(status));
    assert.match(outcome.error.message, new RegExp(`${status} text for ${status}`));
  }
});

/** Asserts the reply is refused as a protocol error whose message matches `why`. */
async function malformed(reply: (requestId: string) => Frames, why: RegExp) {
  const outcome = await outcomeOf(reply);
  assert.equal(outcome.ok, false);
  if (outcome.ok) return;
  assert.equal(outcome.error.kind, "protocol");
  assert.equal(outcome.statusCode, null);
  assert.match(outcome.error.message, why);
}

test("a reply with 6 or 8 frames is a protocol error", async () => {
  await malformed((id) => good("200")(id).slice(0, 6), /6 frames instead of 7/);
  await malformed((id) => [...good("200")(id), "extra"], /8 frames instead of 7/);
});

test("a reply without the empty delimiter is a protocol error", async () => {
  await malformed((id) => ["x", ...good("200")(id).slice(1)], /delimiter/);
});

test("a reply with another version is a protocol error", async () => {
  await malformed((id) => ["", "2.0", ...good("200")(id).slice(2)], /version/);
});

test("a status code other than 200, 300, 400, 500 is a protocol error, even 2xx", async () => {
  for (const status of ["201", "600", "100", "OK", ""]) {
    await malformed(good(status), /invalid status code/);
  }
});

test("metadata that does not parse is a protocol error", async () => {
  await malformed(good("200", "user", new Uint8Array([3, 0x61])), /invalid metadata/);
});

test("a reply to a request id nobody asked with fails the waiting request at once (libzmq: protocol error)", async () => {
  const h = await handler();
  try {
    const pending = h.ask("PLAIN", [bytes("u"), bytes("p")]);
    const { envelope, frames } = await h.next();
    await h.zap.send([envelope[0], ...good("200", "impostor")(`${frames[2]}9`)]);
    const outcome = await withTimeout(pending, 2000, "the ZAP outcome");
    assert.equal(outcome.ok, false, "a 200 for another id does not let the peer in");
    assert.equal(!outcome.ok && outcome.error.kind, "protocol");
    assert.match(!outcome.ok ? outcome.error.message : "", /request id/);
  } finally {
    await h.close();
  }
});

test("a reply without a request id fails the oldest waiting request, not the handshake timer", async () => {
  const h = await handler();
  try {
    const first = h.ask("PLAIN", [bytes("first"), bytes("")]);
    const second = h.ask("PLAIN", [bytes("second"), bytes("")]);
    const a = await h.next();
    const b = await h.next();
    await h.zap.send([a.envelope[0], new Uint8Array(0), bytes("1.0")]);
    const one = await withTimeout(first, 2000, "the first outcome");
    assert.equal(!one.ok && one.error.kind, "protocol");
    await h.zap.send([b.envelope[0], ...good("200", "second")(b.frames[2])]);
    const two = await withTimeout(second, 2000, "the second outcome");
    assert.equal(two.ok && text(two.userId), "second");
  } finally {
    await h.close();
  }
});

test("concurrent requests are matched to replies by id, whatever the order of the replies", async () => {
  const h = await handler();
  try {
    const first = h.ask("PLAIN", [bytes("first"), bytes("")]);
    const second = h.ask("PLAIN", [bytes("second"), bytes("")]);
    const a = await h.next();
    const b = await h.next();
    assert.notEqual(a.frames[2], b.frames[2], "each request has its own id");
    await h.zap.send([b.envelope[0], ...good("200", b.frames[7])(b.frames[2])]);
    await h.zap.send([a.envelope[0], ...good("200", a.frames[7])(a.frames[2])]);
    const [one, two] = await withTimeout(Promise.all([first, second]), 2000, "both outcomes");
    assert.equal(one.ok && text(one.userId), "first");
    assert.equal(two.ok && text(two.userId), "second");
  } finally {
    await h.close();
  }
});

test("a handler that goes away fails the pending requests as other", async () => {
  const h = await handler();
  const pending = h.ask("PLAIN", [bytes("u"), bytes("p")]);
  await h.next();
  await h.close();
  const outcome = await withTimeout(pending, 2000, "the ZAP outcome after the handler closed");
  assert.equal(outcome.ok, false);
  assert.equal(!outcome.ok && outcome.error.kind, "other");
  assert.equal(!outcome.ok && outcome.statusCode, null);
});

test("zapAddress: the IP without port or brackets, IPv4-mapped IPv6 as IPv4, anything else as is", () => {
  assert.equal(zapAddress("127.0.0.1:5555"), "127.0.0.1");
  assert.equal(zapAddress("[::1]:5555"), "::1");
  assert.equal(zapAddress("[::ffff:10.1.2.3]:80"), "10.1.2.3");
  assert.equal(zapAddress("::ffff:10.1.2.3:80"), "10.1.2.3");
  assert.equal(zapAddress("/tmp/omq.sock"), "/tmp/omq.sock");
});
