import { test } from "node:test";
import assert from "node:assert/strict";
import { COMMAND, MORE } from "../../src/zmtp/frame.ts";
import { zmtpFlags, ZwsEncoder } from "../../src/zmtp/zws.ts";

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

test("ZWS: each frame is one message, its flags byte (0x01 MORE, 0x02 COMMAND) before the body", () => {
  const encoder = new ZwsEncoder();
  encoder.message([new Uint8Array([7]), new Uint8Array(0), new Uint8Array([8, 9])]);
  encoder.frame(new Uint8Array([5]), COMMAND);
  assert.equal(encoder.pendingBytes, 8);
  assert.deepEqual(encoder.take().map((m) => [...m]), [[0x01, 7], [0x01], [0x00, 8, 9], [0x02, 5]]);
  assert.ok(encoder.empty);
});

test("ZWS: small and large frames come out whole and in order, none overwritten by a later batch", () => {
  const encoder = new ZwsEncoder();
  const sizes = [0, 15, 16, 17, 300, 16 * 1024, 16 * 1024 + 1, 70_000];
  for (const size of sizes) encoder.frame(bytes(size, size), 0);
  const first = encoder.take();
  for (let i = 0; i < 2000; i++) encoder.frame(bytes(40, 99), MORE);
  encoder.take();
  assert.deepEqual(first.map((m) => m.byteLength), sizes.map((s) => s + 1));
  first.forEach((m, i) => assert.deepEqual(m.subarray(1), bytes(sizes[i], sizes[i])));
});

test("ZWS: flags map to ZMTP's bits, and reserved bits are refused", () => {
  assert.equal(zmtpFlags(0x00), 0);
  assert.equal(zmtpFlags(0x01), MORE);
  assert.equal(zmtpFlags(0x02), COMMAND);
  assert.equal(zmtpFlags(0x03), MORE | COMMAND);
  for (const reserved of [0x04, 0x80, 0xff]) assert.equal(zmtpFlags(reserved), -1);
});
