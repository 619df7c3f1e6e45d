// The write queue of the adapters without a vectored write (Deno, Bun): how it cuts chunks
// into writes, and when it tells the writer to wait and to go on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { COALESCE_BYTES, JOIN_BELOW, takeBatch, WriteQueue } from "../../transports/runtime/batch.ts";
import { concatBytes } from "../support/util.ts";

const chunk = (size: number, seed: number) => Uint8Array.from({ length: size }, (_, i) => (i + seed) & 0xff);

test("small chunks are joined, in order, into the buffer the caller allocates", () => {
  const queue = [chunk(3, 1), chunk(9, 2), chunk(100, 3)];
  const expected = concatBytes(queue);
  const sizes: number[] = [];
  const out = takeBatch(queue, (size) => {
    sizes.push(size);
    return new Uint8Array(size).fill(0xee); // stale bytes: every one must be overwritten
  });
  assert.deepEqual(sizes, [112]);
  assert.deepEqual(out, expected);
  assert.equal(queue.length, 0);
});

test("a large chunk is written as it is and ends the run of small ones before it", () => {
  const header = chunk(9, 1);
  const body = chunk(JOIN_BELOW, 2);
  const tail = chunk(5, 3);
  const queue = [chunk(2, 0), header, body, tail];
  assert.deepEqual([...takeBatch(queue)], [...chunk(2, 0), ...header]);
  assert.equal(takeBatch(queue), body, "the large chunk itself, not a copy");
  assert.equal(takeBatch(queue), tail, "a lone small chunk is not copied either");
  assert.equal(queue.length, 0);
});

test("a join stops at COALESCE_BYTES; every byte comes out once, in order", () => {
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let round = 0; round < 5; round++) {
    const queue = Array.from({ length: 200 }, (_, i) => {
      const r = random();
      return chunk(r < 0.7 ? Math.floor(r * 4000) : r < 0.9 ? JOIN_BELOW - 1 + Math.floor(r * 3) : 70_000, i);
    });
    const expected = concatBytes(queue);
    const writes: Uint8Array[] = [];
    while (queue.length > 0) {
      const before = queue[0];
      const w = takeBatch(queue);
      if (w !== before) assert.ok(w.byteLength <= COALESCE_BYTES, `a join of ${w.byteLength} bytes`);
      writes.push(w);
    }
    // Not deepEqual: on megabytes it is slow and prints them all on failure.
    const got = concatBytes(writes);
    assert.equal(got.byteLength, expected.byteLength);
    assert.ok(got.every((b, i) => b === expected[i]), "bytes out of order");
  }
});

test("WriteQueue: under the high-water mark the writer never waits and no drain is due", () => {
  const queue = new WriteQueue(100);
  queue.push([chunk(60, 0), new Uint8Array(0), chunk(40, 1)]);
  assert.equal(queue.bytes, 100, "empty chunks are not counted");
  assert.equal(queue.mustWait(), false);
  const write = queue.take();
  assert.deepEqual(write, concatBytes([chunk(60, 0), chunk(40, 1)]));
  assert.equal(queue.empty, true);
  assert.equal(queue.bytes, 100, "in flight until sent");
  queue.sent(write.byteLength);
  assert.equal(queue.bytes, 0);
  assert.equal(queue.drained(), false);
});

test("WriteQueue: above the mark the writer waits; drain is due once, when every byte is out", () => {
  const queue = new WriteQueue(100);
  queue.push([chunk(80, 0), chunk(JOIN_BELOW, 1)]);
  assert.equal(queue.mustWait(), true);
  const first = queue.take();
  queue.sent(first.byteLength);
  assert.equal(queue.drained(), false, "a chunk still waits");
  const second = queue.take();
  assert.equal(queue.drained(), true, "nothing waits: the owner may write again");
  assert.equal(queue.drained(), false, "once");
  queue.sent(second.byteLength);
  assert.equal(queue.bytes, 0);
});

test("WriteQueue: a short write's remainder goes out first, then what was queued after it", () => {
  const queue = new WriteQueue(1 << 20);
  const a = chunk(JOIN_BELOW + 10, 1);
  const b = chunk(30, 2);
  queue.push([a, b]);
  const write = queue.take();
  assert.equal(write, a);
  // The kernel took 1,000 bytes and the runtime dropped the rest.
  queue.sent(1000);
  queue.putBack(write.subarray(1000));
  assert.equal(queue.bytes, a.byteLength + b.byteLength - 1000);
  const out: Uint8Array[] = [write.subarray(0, 1000)];
  while (!queue.empty) {
    const w = queue.take();
    out.push(w);
    queue.sent(w.byteLength);
  }
  assert.deepEqual(concatBytes(out), concatBytes([a, b]));
  assert.equal(queue.bytes, 0);
});

test("WriteQueue: clear drops queued bytes and any pending drain", () => {
  const queue = new WriteQueue(10);
  queue.push([chunk(50, 0)]);
  assert.equal(queue.mustWait(), true);
  queue.clear();
  assert.equal(queue.empty, true);
  assert.equal(queue.bytes, 0);
  assert.equal(queue.drained(), false);
});
