// What a connection's frame encoder holds: a small buffer while quiet, up to 64 KiB while
// busy, small again after (issue 20: memory per connection).
import { test } from "node:test";
import assert from "node:assert/strict";
import { FrameDecoder, FrameEncoder } from "../../src/zmtp/frame.ts";
import { concatBytes } from "../support/util.ts";

/** The size of the buffer the encoder copied this batch's small frames into. */
const held = (chunks: Uint8Array[]): number => chunks[chunks.length - 1].buffer.byteLength;

/** Decodes `chunks` back into frame bodies. */
function decode(chunks: Uint8Array[]): Uint8Array[] {
  const bodies: Uint8Array[] = [];
  new FrameDecoder({ frame: (_flags, body) => bodies.push(body.slice()) }).push(concatBytes(chunks));
  return bodies;
}

test("a quiet encoder copies small frames into 1 KiB", () => {
  const encoder = new FrameEncoder();
  encoder.message([new TextEncoder().encode("hello")]);
  assert.equal(held(encoder.take()), 1024);
});

test("a busy encoder's buffers grow to 64 KiB, and shrink again once batches are small", () => {
  const encoder = new FrameEncoder();
  const body = new Uint8Array(100).fill(7);
  const sent: Uint8Array[] = [];
  let chunks: Uint8Array[] = [];
  for (let batch = 0; batch < 20; batch++) {
    for (let i = 0; i < 1000; i++) encoder.message([body]);
    chunks = encoder.take();
    sent.push(...chunks);
  }
  assert.equal(held(chunks), 64 * 1024);
  // Every frame intact: no buffer handed out was written over by a later one.
  const bodies = decode(sent);
  assert.equal(bodies.length, 20_000);
  assert.ok(bodies.every((b) => b.byteLength === 100 && b.every((x) => x === 7)));
  for (let batch = 0; batch < 200; batch++) {
    encoder.message([body]);
    chunks = encoder.take();
  }
  assert.ok(held(chunks) <= 4 * 1024, `still holding ${held(chunks)} bytes`);
});
