import { test } from "node:test";
import assert from "node:assert/strict";
import {
  COMMAND,
  ENCODE_ONCE_MAX,
  ENCODED,
  encodeFrames,
  encodeOnce,
  FrameDecoder,
  FrameEncoder,
  FrameError,
  LONG,
  type MaybeEncoded,
  MORE,
} from "../../src/zmtp/frame.ts";
import { readThrough } from "../support/read-through.ts";
import { concatBytes } from "../support/util.ts";
import { collectGarbage } from "../support/gc.ts";

type Decoded = [number, number[]];

function decodeAll(chunks: Uint8Array[], max?: number): Decoded[] {
  const out: Decoded[] = [];
  const decoder = new FrameDecoder({ frame: (flags, body) => out.push([flags, [...body]]) }, max);
  for (const c of chunks) decoder.push(c);
  assert.ok(decoder.idle, "decoder left a partial frame");
  return out;
}

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

test("a short frame is 1 flags byte, 1 size byte, then the body", () => {
  assert.deepEqual([...encodeFrames([new Uint8Array([7, 8, 9])])], [0, 3, 7, 8, 9]);
});

test("frames of 255 bytes are short and 256 bytes long (8-byte size)", () => {
  const short = encodeFrames([bytes(255)]);
  assert.equal(short[0], 0);
  assert.equal(short[1], 255);
  assert.equal(short.byteLength, 257);
  const long = encodeFrames([bytes(256)]);
  assert.equal(long[0], 0x02);
  assert.deepEqual([...long.subarray(1, 9)], [0, 0, 0, 0, 0, 0, 1, 0]);
  assert.equal(long.byteLength, 265);
});

test("every frame but the last carries MORE", () => {
  const wire = encodeFrames([bytes(1), new Uint8Array(0), bytes(2)]);
  assert.deepEqual(decodeAll([wire]).map(([f]) => f), [MORE, MORE, 0]);
});

test("the encoder batches messages and passes large frames by reference", () => {
  const encoder = new FrameEncoder();
  const big = bytes(100_000);
  encoder.message([bytes(10), new Uint8Array(0)]);
  encoder.message([big]);
  encoder.frame(new Uint8Array([4, 80, 73, 78, 71]), COMMAND);
  const chunks = encoder.take();
  assert.ok(chunks.includes(big), "the 100 kB frame was copied");
  assert.ok(encoder.empty);
  const frames = decodeAll([concatBytes(chunks)]);
  assert.deepEqual(frames.map(([f, b]) => [f, b.length]), [[MORE, 10], [0, 0], [LONG, 100_000], [COMMAND, 5]]);
  assert.deepEqual(frames[2][1], [...big]);
});

test("decoding gives the same frames for every split of the input", () => {
  const message = [bytes(0), bytes(1), bytes(255, 3), bytes(256, 5), bytes(300, 7)];
  const wire = concatBytes([encodeFrames(message), encodeFrames([bytes(3)], COMMAND)]);
  const expected = decodeAll([wire]);
  assert.equal(expected.length, 6);
  for (let a = 0; a <= wire.byteLength; a++) {
    assert.deepEqual(decodeAll([wire.subarray(0, a), wire.subarray(a)]), expected, `split at ${a}`);
  }
  // Three-way splits around the long-frame header, and one byte at a time.
  for (let a = 255; a < 280; a++) {
    for (let b = a; b < 560; b += 7) {
      assert.deepEqual(decodeAll([wire.subarray(0, a), wire.subarray(a, b), wire.subarray(b)]), expected);
    }
  }
  assert.deepEqual(decodeAll([...wire].map((x) => new Uint8Array([x]))), expected);
});

test("a frame within one chunk is a view of it, not a copy", () => {
  const wire = encodeFrames([bytes(50)]);
  let body: Uint8Array | undefined;
  new FrameDecoder({ frame: (_f, b) => (body = b) }).push(wire);
  assert.equal(body!.buffer, wire.buffer);
});

test("a 5 MB frame split into 64 kB chunks decodes intact", () => {
  const big = bytes(5 * 1024 * 1024, 9);
  const wire = encodeFrames([big]);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < wire.byteLength; i += 65536) chunks.push(wire.subarray(i, i + 65536));
  let got: Uint8Array | undefined;
  const decoder = new FrameDecoder({ frame: (_f, b) => (got = b) });
  for (const c of chunks) decoder.push(c);
  assert.deepEqual(got, big);
});

test("reserved flag bits are rejected", () => {
  assert.throws(() => decodeAll([new Uint8Array([0x08, 0])]), FrameError);
});

test("a frame above the size limit is refused before its body arrives", () => {
  const header = encodeFrames([bytes(1000)]).subarray(0, 9);
  assert.throws(() => decodeAll([header], 999), /exceeds the limit/);
});

test("a 2^63 frame length is refused without allocating", () => {
  const header = new Uint8Array([0x02, 0x80, 0, 0, 0, 0, 0, 0, 0]);
  assert.throws(() => new FrameDecoder({ frame: () => {} }).push(header), FrameError);
});

test("a claimed size above 16 MiB is not allocated up front: memory follows the bytes received", () => {
  // 1 GiB claimed, 10 bytes sent: must not throw or allocate 1 GiB.
  const decoder = new FrameDecoder({ frame: () => assert.fail("no frame expected") });
  decoder.push(new Uint8Array([0x02, 0, 0, 0, 0, 0x40, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  assert.equal(decoder.idle, false);
});

test("a claimed 16 MiB body costs a quarter MiB until bytes fill it; a size the connection sent before is allocated whole", () => {
  const frame = bytes(16 * 1024 * 1024, 5);
  const encoded = encodeFrames([frame]);
  for (const foreign of [false, true]) {
    const allocations: number[] = [];
    const got: Uint8Array[] = [];
    const decoder = new FrameDecoder({ frame: (_f, body) => got.push(body) }, undefined, (n) => {
      allocations.push(n);
      return new Uint8Array(n);
    });
    // The header and 1 kB: what a claim costs.
    readThrough(decoder, encoded.subarray(0, 9 + 1024), () => ({ size: 64 * 1024, foreign }));
    const claimed = Math.max(...allocations);
    assert.ok(claimed <= 256 * 1024, `a claim allocated ${claimed} bytes (${foreign ? "pushed" : "read"} chunks)`);
    readThrough(decoder, concatBytes([encoded.subarray(9 + 1024), encoded]), () => ({ size: 1 << 20, foreign }));
    assert.equal(got.length, 2);
    for (const body of got) {
      assert.ok(body.byteLength === frame.byteLength && body.every((b, i) => b === frame[i]), "bodies intact");
      assert.equal(body.buffer.byteLength, frame.byteLength, "a large frame pins no more than itself");
    }
    // The second body's buffer was made whole at its header: the connection had sent one that large.
    assert.equal(allocations.filter((n) => n === frame.byteLength).length, 2);
  }
});

test("reads into readBuffer(): frames stay intact while later reads land, in memory that may be uninitialised", () => {
  const sizes = [10, 300, 20_000, 40_000, 100_000, 300_000, 1_000_000, 5, 100_000, 2_000_000, 0, 70_000];
  const frames = sizes.map((n, i) => bytes(n, i + 1));
  const stream = concatBytes(frames.map((f) => encodeFrames([f])));
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
  for (const size of [() => 1 + (random() % 200_000), () => 1 + (random() % 700), () => 1 << 30]) {
    const got: Uint8Array[] = [];
    const allocated = new Set<ArrayBufferLike>();
    const decoder = new FrameDecoder({ frame: (_f, body) => got.push(body) }, undefined, (n) => {
      const memory = new Uint8Array(n).fill(0xee); // as uninitialised memory may look
      allocated.add(memory.buffer);
      return memory;
    });
    readThrough(decoder, stream, () => ({ size: size() }));
    assert.ok(decoder.idle);
    // Compared only now: a frame overwritten by a later read would show here.
    assert.deepEqual(got, frames);
    // Every byte was read into memory from `allocate`: the arena's as well as large bodies'.
    for (const body of got) {
      assert.ok(allocated.has(body.buffer), `a ${body.byteLength}-byte frame outside allocate's memory`);
    }
  }
});

test("a frame above a quarter MiB read through readBuffer() gets a buffer of exactly its size", () => {
  const frame = bytes(1_000_000, 3);
  const got: Uint8Array[] = [];
  const decoder = new FrameDecoder({ frame: (_f, body) => got.push(body) });
  readThrough(
    decoder,
    concatBytes([encodeFrames([bytes(100, 1)]), encodeFrames([frame]), encodeFrames([frame])]),
    () => ({ size: 64 * 1024 }),
  );
  assert.equal(got.length, 3);
  for (const body of got.slice(1)) {
    assert.deepEqual(body, frame);
    assert.equal(body.buffer.byteLength, frame.byteLength, "a large frame pins no more than itself");
  }
});

test("the last large body stays referenced while large frames come, and is let go once they stop", async () => {
  // Only weak references to the bodies, built in a function of its own so no stack slot holds one.
  const bodies: WeakRef<Uint8Array>[] = [];
  const decoder = new FrameDecoder({ frame: (_f, body) => bodies.push(new WeakRef(body)) });
  const feed = (frames: Uint8Array[]) =>
    readThrough(decoder, concatBytes(frames.map((f) => encodeFrames([f]))), () => ({ size: 64 * 1024 }));
  feed([bytes(300_000, 1), bytes(300_000, 2), bytes(300_000, 3)]);
  await collectGarbage();
  assert.ok(bodies[0].deref() === undefined, "an earlier body is still referenced");
  assert.ok(bodies[1].deref() === undefined, "an earlier body is still referenced");
  // Kept so that the top of malloc's heap stays in use (see `recent` in frame.ts).
  assert.ok(bodies[2].deref(), "the last body was let go while large frames still came");
  // A small frame, then the next read at a frame boundary: large frames have stopped.
  feed([bytes(10, 4)]);
  decoder.readBuffer();
  await collectGarbage();
  assert.equal(bodies.length, 4);
  // (assert.ok: a failing equal would diff 300 kB of bytes)
  assert.ok(bodies[2].deref() === undefined, "the last large body is still referenced after large frames stopped");
});

test("one large body is kept for the whole process: a newer one from another connection replaces it, and close lets go", async () => {
  const bodies = new Map<string, WeakRef<Uint8Array>[]>([["a", []], ["b", []]]);
  const decoder = (name: string) =>
    new FrameDecoder({ frame: (_f, body) => bodies.get(name)!.push(new WeakRef(body)) });
  const a = decoder("a");
  const b = decoder("b");
  const feed = (d: FrameDecoder, frames: Uint8Array[]) =>
    readThrough(d, concatBytes(frames.map((f) => encodeFrames([f]))), () => ({ size: 64 * 1024 }));
  feed(a, [bytes(300_000, 1)]);
  // b's reads bring no large frame: they must not let go of a's body.
  feed(b, [bytes(10, 2)]);
  b.readBuffer();
  await collectGarbage();
  assert.ok(bodies.get("a")![0].deref(), "another connection's small frames let go of the kept body");
  // b's large body is newer: a's is no longer kept, though a saw no read since.
  feed(b, [bytes(300_000, 3)]);
  await collectGarbage();
  assert.ok(bodies.get("a")![0].deref() === undefined, "two large bodies are kept at once");
  assert.ok(bodies.get("b")![1].deref(), "the newest large body was let go while large frames still came");
  // a's end does not touch b's; b's end lets go.
  a.close();
  await collectGarbage();
  assert.ok(bodies.get("b")![1].deref(), "another decoder's close let go of the kept body");
  b.close();
  await collectGarbage();
  assert.ok(bodies.get("b")![1].deref() === undefined, "close did not let go of the kept body");
});

test("readBuffer() reads and chunks from elsewhere can be mixed", () => {
  const frames = [bytes(50_000, 1), bytes(200, 2), bytes(600_000, 3), bytes(90_000, 4)];
  const stream = concatBytes(frames.map((f) => encodeFrames([f])));
  const got: Uint8Array[] = [];
  const decoder = new FrameDecoder({ frame: (_f, body) => got.push(body) });
  readThrough(decoder, stream, (i) => ({ size: 30_011, foreign: i % 3 === 2 }));
  assert.deepEqual(got, frames);
});

test("a message encoded once for a fan-out encodes to the same bytes as frame by frame", () => {
  const frames = [new Uint8Array([1, 2, 3]), new Uint8Array(300).fill(7), new Uint8Array(0)];
  const plain = new FrameEncoder();
  plain.message(frames);
  const shared = frames.slice();
  encodeOnce(shared);
  assert.ok((shared as MaybeEncoded)[ENCODED], "small messages carry their encoding");
  const viaCache = new FrameEncoder();
  viaCache.frame(new Uint8Array([9]), 0);
  viaCache.message(shared);
  const before = new FrameEncoder();
  before.frame(new Uint8Array([9]), 0);
  before.message(frames);
  assert.deepEqual(concatBytes(viaCache.take()), concatBytes(before.take()));
  const big = [new Uint8Array(ENCODE_ONCE_MAX + 1)];
  encodeOnce(big);
  assert.equal((big as MaybeEncoded)[ENCODED], undefined, "large messages go by reference instead");
});
