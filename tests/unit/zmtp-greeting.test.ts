import { test } from "node:test";
import assert from "node:assert/strict";
import { checkSignature, decodeGreeting, encodeGreeting, GreetingError } from "../../src/zmtp/greeting.ts";
import {
  decodeCommand,
  decodeError,
  decodeMetadata,
  encodeCommand,
  encodeError,
  encodeMetadata,
} from "../../src/zmtp/command.ts";
import { NullMechanism } from "../../src/zmtp/mechanisms/null.ts";
import { compatible } from "../../src/zmtp/socket-type.ts";

test("our greeting is ZMTP 3.1 with the mechanism and as-server flag", () => {
  const g = encodeGreeting("NULL", false);
  assert.equal(g.byteLength, 64);
  assert.equal(g[0], 0xff);
  assert.equal(g[9], 0x7f);
  assert.deepEqual([g[10], g[11]], [3, 1]);
  assert.equal(new TextDecoder().decode(g.subarray(12, 16)), "NULL");
  assert.ok(g.subarray(16, 64).every((b) => b === 0));
  assert.deepEqual(decodeGreeting(g), { major: 3, minor: 1, mechanism: "NULL", asServer: false });
  assert.equal(decodeGreeting(encodeGreeting("PLAIN", true)).asServer, true);
});

test("a ZMTP 3.0 greeting is accepted and reported as minor 0", () => {
  const g = encodeGreeting("NULL", false);
  g[11] = 0;
  assert.equal(decodeGreeting(g).minor, 0);
});

test("a later 3.x or 4.x version is accepted (RFC 23: the higher side downgrades)", () => {
  const g = encodeGreeting("NULL", false);
  g[10] = 4;
  assert.equal(decodeGreeting(g).major, 4);
});

test("greetings from ZMTP 1.0/2.0 peers or non-ZMTP bytes are refused", () => {
  assert.throws(() => checkSignature(new TextEncoder().encode("GET / HTTP/1.1\r\n")), GreetingError);
  const v2 = encodeGreeting("NULL", false);
  v2[10] = 1;
  assert.throws(() => decodeGreeting(v2), /not supported/);
  const bad = encodeGreeting("NULL", false);
  bad[12] = 0x01;
  assert.throws(() => decodeGreeting(bad), GreetingError);
});

test("commands and metadata round-trip; names are case-insensitive", () => {
  const body = encodeCommand("READY", encodeMetadata([["Socket-Type", "PUSH"], ["Identity", new Uint8Array([1, 2])]]));
  const { name, data } = decodeCommand(body);
  assert.equal(name, "READY");
  const md = decodeMetadata(data);
  assert.equal(new TextDecoder().decode(md.get("socket-type")), "PUSH");
  assert.deepEqual([...md.get("identity")!], [1, 2]);
  assert.equal(decodeError(decodeCommand(encodeError("nope")).data), "nope");
});

test("READY as libzmq encodes it (bytes from the RFC layout)", () => {
  // 5READY 11Socket-Type 0004 PAIR
  const wire = new Uint8Array([
    5,
    ...new TextEncoder().encode("READY"),
    11,
    ...new TextEncoder().encode("Socket-Type"),
    0,
    0,
    0,
    4,
    ...new TextEncoder().encode("PAIR"),
  ]);
  assert.deepEqual(encodeCommand("READY", encodeMetadata([["Socket-Type", "PAIR"]])), wire);
});

test("truncated commands and metadata are errors, not crashes", () => {
  assert.throws(() => decodeCommand(new Uint8Array([])));
  assert.throws(() => decodeCommand(new Uint8Array([5, 82])));
  assert.throws(() => decodeMetadata(new Uint8Array([3, 65, 66])));
  assert.throws(() => decodeMetadata(new Uint8Array([1, 65, 0, 0, 0, 9, 1])));
});

test("the NULL mechanism sends READY and finishes on the peer's READY", () => {
  const m = new NullMechanism([["Socket-Type", "PULL"]]);
  const start = m.start();
  assert.ok(!(start instanceof Promise), "without ZAP, NULL answers at once");
  assert.equal(decodeCommand(start.send![0]).name, "READY");
  const step = m.receive(encodeCommand("READY", encodeMetadata([["Socket-Type", "PUSH"]])));
  assert.equal(new TextDecoder().decode(step.ready!.get("socket-type")), "PUSH");
  assert.equal(m.receive(encodeCommand("HELLO")).error?.kind, "protocol");
  assert.equal(m.receive(encodeError("go away")).error?.kind, "other");
  assert.equal(m.receive(new Uint8Array([9])).error?.kind, "protocol");
});

test("socket-type compatibility follows RFC 37", () => {
  assert.ok(compatible("PUSH", "PULL"));
  assert.ok(compatible("PAIR", "PAIR"));
  assert.ok(!compatible("PUSH", "PUSH"));
  assert.ok(!compatible("PAIR", "PULL"));
  assert.ok(compatible("DEALER", "ROUTER"));
  assert.ok(!compatible("PULL", "nonsense"));
});
