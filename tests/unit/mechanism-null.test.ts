// The NULL mechanism as a state machine (src/zmtp/mechanisms/null.ts, RFC 23): READY both ways,
// ERROR from the peer, anything else a protocol error; with a ZAP domain, ZAP decides first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { NullMechanism } from "../../src/zmtp/mechanisms/null.ts";
import { encodeCommand, encodeError, encodeMetadata } from "../../src/zmtp/command.ts";
import type { ZapAsk, ZapOutcome } from "../../src/zap.ts";
import { handshake } from "../support/handshake.ts";
import { bytes, text } from "../support/util.ts";

const DEALER = [["Socket-Type", "DEALER"], ["Identity", "me"]] as const;
const ROUTER = [["Socket-Type", "ROUTER"]] as const;

/** A ZAP asker that answers `outcome` and records what it was asked. */
function zap(outcome: ZapOutcome): ZapAsk & { asked: [string, readonly Uint8Array[]][] } {
  const asked: [string, readonly Uint8Array[]][] = [];
  return Object.assign((mechanism: string, credentials: readonly Uint8Array[]) => {
    asked.push([mechanism, credentials]);
    return Promise.resolve(outcome);
  }, { asked });
}
const refused = (status: "300" | "400" | "500"): ZapOutcome => ({
  ok: false,
  statusCode: status,
  error: { kind: "auth", message: `ZAP refused the peer: ${status}`, status: Number(status) as 300 | 400 | 500 },
});

test("start() sends READY with our metadata", () => {
  const step = new NullMechanism(DEALER).start();
  assert.ok(!(step instanceof Promise));
  assert.deepEqual(step.send, [encodeCommand("READY", encodeMetadata(DEALER))]);
  assert.equal(step.ready, undefined);
});

test("two NULL sides each end with the other's metadata, names lowercased", async () => {
  const [a, b] = await handshake(new NullMechanism(DEALER), new NullMechanism(ROUTER));
  assert.deepEqual(a.sent, ["READY"]);
  assert.deepEqual(b.sent, ["READY"]);
  assert.equal(text(a.ready!.get("socket-type")!), "ROUTER");
  assert.equal(text(b.ready!.get("socket-type")!), "DEALER");
  assert.equal(text(b.ready!.get("identity")!), "me");
  assert.equal(a.error ?? b.error, undefined);
});

test("an ERROR with a ZAP status code is a refusal (auth) carrying that status", () => {
  for (const status of [300, 400, 500] as const) {
    const step = new NullMechanism(DEALER).receive(encodeError(String(status)));
    assert.equal(step.error?.kind, "auth");
    assert.equal(step.error?.status, status);
  }
});

test("an ERROR with any other reason fails as other, with the reason in the message", () => {
  const step = new NullMechanism(DEALER).receive(encodeError("go away"));
  assert.equal(step.error?.kind, "other");
  assert.equal(step.error?.status, undefined);
  assert.match(step.error!.message, /go away/);
});

test("any other command during the handshake is a protocol error naming it", () => {
  for (const name of ["HELLO", "PING", "SUBSCRIBE"]) {
    const step = new NullMechanism(DEALER).receive(encodeCommand(name));
    assert.equal(step.error?.kind, "protocol", name);
    assert.match(step.error!.message, new RegExp(name));
    assert.equal(step.ready, undefined);
  }
});

test("a malformed command or malformed metadata is a protocol error, not an exception", () => {
  const bad = [
    new Uint8Array(0), // empty
    new Uint8Array([9, 0x52]), // name longer than the body
    encodeCommand("READY", new Uint8Array([5, 0x41])), // property name truncated
    encodeCommand("READY", new Uint8Array([1, 0x41, 0, 0, 0, 9, 1])), // value shorter than its length
  ];
  for (const body of bad) {
    const step = new NullMechanism(DEALER).receive(body);
    assert.equal(step.error?.kind, "protocol", `body ${[...body]}`);
  }
});

test("with ZAP, READY goes out only once ZAP accepts; ZAP is asked about NULL with no credentials", async () => {
  const ask = zap({ ok: true, userId: bytes(""), metadata: new Map() });
  const step = new NullMechanism(ROUTER, ask).start();
  assert.ok(step instanceof Promise, "the first step waits for ZAP");
  assert.deepEqual((await step).send, [encodeCommand("READY", encodeMetadata(ROUTER))]);
  assert.deepEqual(ask.asked, [["NULL", []]]);
});

test("with ZAP, 400 and 500 send ERROR with the status before failing; 300 fails silently", async () => {
  for (const status of ["400", "500"] as const) {
    const step = await new NullMechanism(ROUTER, zap(refused(status))).start();
    assert.deepEqual(step.send, [encodeError(status)]);
    assert.equal(step.error?.kind, "auth");
    assert.equal(step.error?.status, Number(status));
  }
  const silent = await new NullMechanism(ROUTER, zap(refused("300"))).start();
  assert.equal(silent.send, undefined);
  assert.equal(silent.error?.status, 300);
});

test("a ZAP refusal on one side reaches the other as an auth failure with the status", async () => {
  const [client, server] = await handshake(new NullMechanism(DEALER), new NullMechanism(ROUTER, zap(refused("400"))));
  assert.deepEqual(server.sent, ["ERROR"]);
  assert.equal(server.error?.kind, "auth");
  assert.equal(client.error?.kind, "auth");
  assert.equal(client.error?.status, 400);
  assert.equal(client.ready, undefined);
});
