// The PLAIN mechanism as two state machines (src/zmtp/mechanisms/plain.ts, RFC 24):
//   C: HELLO username password    S: WELCOME (or ERROR)
//   C: INITIATE metadata          S: READY metadata
// with ZAP judging the credentials, and every out-of-order or malformed command a protocol error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PlainClient, PlainServer } from "../../src/zmtp/mechanisms/plain.ts";
import { decodeCommand, encodeCommand, encodeError, encodeMetadata } from "../../src/zmtp/command.ts";
import type { HandshakeStep } from "../../src/zmtp/mechanism.ts";
import type { ZapAsk, ZapOutcome } from "../../src/zap.ts";
import { handshake } from "../support/handshake.ts";
import { bytes, text } from "../support/util.ts";

const CLIENT_META = [["Socket-Type", "DEALER"]] as const;
const SERVER_META = [["Socket-Type", "ROUTER"]] as const;
const client = (user = "admin", password = "secret") => new PlainClient(CLIENT_META, bytes(user), bytes(password));

/** A ZAP asker that answers `outcome` and records what it was asked. */
function zap(outcome: ZapOutcome): ZapAsk & { asked: [string, string[]][] } {
  const asked: [string, string[]][] = [];
  return Object.assign((mechanism: string, credentials: readonly Uint8Array[]) => {
    asked.push([mechanism, credentials.map(text)]);
    return Promise.resolve(outcome);
  }, { asked });
}
const accept = (): ZapOutcome => ({ ok: true, userId: bytes("admin"), metadata: new Map() });
const refuse = (status: "300" | "400" | "500"): ZapOutcome => ({
  ok: false,
  statusCode: status,
  error: { kind: "auth", message: `ZAP refused the peer: ${status}`, status: Number(status) as 300 | 400 | 500 },
});
const server = (answer: ZapOutcome | null = accept()) => new PlainServer(SERVER_META, answer ? zap(answer) : null);
const hello = (user: string, password: string) =>
  encodeCommand("HELLO", new Uint8Array([user.length, ...bytes(user), password.length, ...bytes(password)]));
const welcome = () => encodeCommand("WELCOME");
const isProtocolError = (step: HandshakeStep, what: string) => assert.equal(step.error?.kind, "protocol", what);

test("the greeting's as-server flags: client false, server true", () => {
  assert.equal(client().asServer, false);
  assert.equal(server().asServer, true);
});

test("the client's HELLO carries the username and password as RFC 24 lays them out", () => {
  const step = client("bob", "pw").start();
  assert.equal(step.send?.length, 1);
  const { name, data } = decodeCommand(step.send![0]);
  assert.equal(name, "HELLO");
  assert.deepEqual([...data], [3, ...bytes("bob"), 2, ...bytes("pw")]);
});

test("client and server complete the handshake; ZAP is asked about PLAIN with both credentials", async () => {
  const ask = zap(accept());
  const s = new PlainServer(SERVER_META, ask);
  const [c, sv] = await handshake(client("admin", "secret"), s);
  assert.deepEqual(c.sent, ["HELLO", "INITIATE"]);
  assert.deepEqual(sv.sent, ["WELCOME", "READY"]);
  assert.equal(text(c.ready!.get("socket-type")!), "ROUTER");
  assert.equal(text(sv.ready!.get("socket-type")!), "DEALER");
  assert.deepEqual(ask.asked, [["PLAIN", ["admin", "secret"]]]);
});

test("empty username and password are valid credentials", async () => {
  const ask = zap(accept());
  const [c, s] = await handshake(client("", ""), new PlainServer(SERVER_META, ask));
  assert.ok(c.ready && s.ready);
  assert.deepEqual(ask.asked, [["PLAIN", ["", ""]]]);
});

test("ZAP 400 or 500: the server sends ERROR with the status; both sides fail as auth with it", async () => {
  for (const status of ["400", "500"] as const) {
    const [c, s] = await handshake(client(), server(refuse(status)));
    assert.deepEqual(s.sent, ["ERROR"]);
    assert.equal(s.error?.kind, "auth");
    assert.equal(c.error?.kind, "auth", status);
    assert.equal(c.error?.status, Number(status));
    assert.equal(c.ready ?? s.ready, undefined);
  }
});

test("ZAP 300: the server fails without sending ERROR", async () => {
  const [c, s] = await handshake(client(), server(refuse("300")));
  assert.deepEqual(s.sent, []);
  assert.equal(s.error?.status, 300);
  assert.equal(c.error, undefined, "the client learns only from the closed connection");
  assert.equal(c.ready, undefined);
});

test("a server without a ZAP handler refuses every client (libzmq 4.3), naming the missing handler", async () => {
  const [c, s] = await handshake(client(), server(null));
  assert.equal(s.error?.kind, "other");
  assert.match(s.error!.message, /zeromq\.zap\.01/);
  assert.deepEqual(s.sent, []);
  assert.equal(c.ready, undefined);
});

test("a malformed HELLO is a protocol error: lengths that do not add up, or bytes after the password", () => {
  const bad = [
    new Uint8Array(0),
    new Uint8Array([5, 0x61]), // username shorter than its length
    new Uint8Array([1, 0x61]), // no password length
    new Uint8Array([1, 0x61, 3, 0x62]), // password shorter than its length
    new Uint8Array([1, 0x61, 1, 0x62, 0x63]), // a byte after the password
  ];
  for (const data of bad) {
    isProtocolError(server().receive(encodeCommand("HELLO", data)) as HandshakeStep, `${[...data]}`);
  }
});

test("server: INITIATE before HELLO, a second HELLO, or another command is a protocol error", async () => {
  isProtocolError(
    server().receive(encodeCommand("INITIATE", encodeMetadata(CLIENT_META))) as HandshakeStep,
    "INITIATE",
  );
  isProtocolError(server().receive(encodeCommand("READY")) as HandshakeStep, "READY");
  const s = server();
  assert.deepEqual((await s.receive(hello("a", "b"))).send, [welcome()]);
  isProtocolError(await s.receive(hello("a", "b")), "a second HELLO");
});

test("server: an INITIATE with malformed metadata is a protocol error", async () => {
  const s = server();
  await s.receive(hello("a", "b"));
  isProtocolError(await s.receive(encodeCommand("INITIATE", new Uint8Array([4, 0x41]))), "metadata");
});

test("server: a command that cannot be parsed is a protocol error, not an exception", () => {
  isProtocolError(server().receive(new Uint8Array(0)) as HandshakeStep, "empty");
  isProtocolError(server().receive(new Uint8Array([7, 0x48])) as HandshakeStep, "truncated name");
});

test("client: READY before WELCOME, a second WELCOME, or a WELCOME with data is a protocol error", () => {
  isProtocolError(client().receive(encodeCommand("READY", encodeMetadata(SERVER_META))), "READY first");
  const c = client();
  assert.equal(decodeCommand(c.receive(welcome()).send![0]).name, "INITIATE");
  isProtocolError(c.receive(welcome()), "second WELCOME");
  isProtocolError(client().receive(encodeCommand("WELCOME", new Uint8Array([1]))), "WELCOME with data");
  isProtocolError(client().receive(encodeCommand("HELLO")), "HELLO to a client");
});

test("client: an ERROR before READY is the server's refusal; a status code makes it auth", () => {
  const refusedAtHello = client().receive(encodeError("400"));
  assert.equal(refusedAtHello.error?.kind, "auth");
  assert.equal(refusedAtHello.error?.status, 400);
  const c = client();
  c.receive(welcome());
  const other = c.receive(encodeError("no such thing"));
  assert.equal(other.error?.kind, "other");
  assert.match(other.error!.message, /no such thing/);
});

test("client: libzmq 4.3's misspelt ERROR (0x5E 'RROR' reason) is read as the ERROR it means", () => {
  // libzmq writes "\x05ERROR" in C, where "\x05E" is one escape: the body starts 0x5E "RROR".
  const quirk = new Uint8Array([0x5e, ...bytes("RROR"), 3, ...bytes("400")]);
  const step = client().receive(quirk);
  assert.equal(step.error?.kind, "auth");
  assert.equal(step.error?.status, 400);
});

test("client: an ERROR after the handshake is done is a protocol error", () => {
  const c = client();
  c.receive(welcome());
  assert.ok(c.receive(encodeCommand("READY", encodeMetadata(SERVER_META))).ready);
  isProtocolError(c.receive(encodeError("400")), "ERROR after READY");
});
