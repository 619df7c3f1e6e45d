// The pieces of a cross-thread link that need no second thread: how messages are packed for a
// BroadcastChannel or a shared-memory ring, and the pipe whose high-water mark is set when the link is made.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeBatch, encodeBatch, LARGE_FRAME } from "../../src/threads/batch.ts";
import { acceptCarrier, connectCarrier } from "../../src/threads/carrier.ts";
import { LinkPipe } from "../../src/threads/link-pipe.ts";
import { ringMemory, RingReader, RingWriter } from "../../src/threads/ring.ts";
import type { Message } from "../../src/message.ts";
import { withTimeout } from "../support/util.ts";

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

function roundTrip(messages: Message[], shared: boolean): Message[] {
  // What a BroadcastChannel does to it on the way.
  const batch = structuredClone(encodeBatch(messages, shared));
  const out: Message[] = [];
  decodeBatch(batch, (m) => out.push(m));
  return out;
}

for (const shared of [false, true]) {
  test(`a batch carries messages whole and in order (${shared ? "SharedArrayBuffer" : "ArrayBuffer"} bytes)`, () => {
    const big = bytes(LARGE_FRAME + 5, 1);
    const backing = bytes(1000, 2);
    const messages: Message[] = [
      [bytes(3, 3)],
      [new Uint8Array(0), bytes(10, 4), new Uint8Array(0)],
      // Views of a larger buffer, small and large: only their own bytes travel.
      [backing.subarray(100, 110), big],
      [new Uint8Array(backing.buffer, 0, 1)],
      [bytes(LARGE_FRAME * 2, 5).subarray(7, LARGE_FRAME + 7)],
    ];
    const out = roundTrip(messages, shared);
    assert.deepEqual(out.map((m) => m.map((f) => [...f])), messages.map((m) => m.map((f) => [...f])));
    // Received frames are plain ArrayBuffer-backed Uint8Arrays, whatever carried them.
    for (const m of out) for (const f of m) assert.ok(f.buffer instanceof ArrayBuffer);
  });
}

test("a frame that spans its own buffer is not copied before posting; views are", () => {
  const own = bytes(LARGE_FRAME, 6);
  const batch = encodeBatch([[own]], false);
  assert.equal(batch.large![0], own.buffer);
  const view = bytes(LARGE_FRAME + 1, 7).subarray(1);
  assert.notEqual(encodeBatch([[view]], false).large![0], view.buffer);
  assert.equal(encodeBatch([[view]], false).large![0].byteLength, LARGE_FRAME);
});

test("a batch shorter than its lengths say is refused, not half delivered", () => {
  const batch = encodeBatch([[bytes(10, 8)], [bytes(LARGE_FRAME, 9)]], false);
  const cut = { ...batch, bytes: batch.bytes!.slice(0, 5) };
  assert.throws(() => decodeBatch(cut, () => {}), RangeError);
  assert.throws(() => decodeBatch({ ...batch, large: null }, () => {}), RangeError);
  assert.throws(() => decodeBatch({ ...batch, lengths: Uint32Array.from([2, 5, 1]) }, () => {}), RangeError);
});

test("LinkPipe: its high-water mark can change; a waiting writer is woken when there is room", () => {
  const pipe = new LinkPipe(4);
  let woken = 0;
  pipe.onWritable = () => woken++;
  for (let i = 0; i < 4; i++) pipe.write([bytes(1, i)]);
  assert.equal(pipe.full, true);
  // The binder is found: the link holds more now.
  pipe.setLimit(6);
  assert.equal(woken, 1);
  assert.equal(pipe.full, false);
  pipe.write([bytes(1, 4)]);
  pipe.write([bytes(1, 5)]);
  assert.equal(pipe.full, true);
  let consumed = 0;
  pipe.onConsumed = (n) => (consumed += n);
  // Writers resume at the low-water mark (half), as a Pipe's.
  for (let i = 0; i < 2; i++) pipe.read();
  assert.equal(woken, 1);
  pipe.read();
  assert.equal(woken, 2);
  assert.equal(consumed, 3);
  pipe.clear();
  assert.equal(consumed, 6);
  // Smaller than what is queued: no more writes until it drains.
  for (let i = 0; i < 3; i++) pipe.write([bytes(1, i)]);
  pipe.setLimit(2);
  assert.equal(pipe.full, true);
  pipe.setLimit(0);
  assert.equal(pipe.full, false);
});

test("a ring carries a byte stream through little memory: wrapping, waiting for room, ends", async () => {
  const memory = ringMemory(64);
  const defer = (fn: () => void) => setTimeout(fn, 0);
  const got: number[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const total = 64 * 20 + 7;
  new RingReader(memory, defer, (chunk) => {
    got.push(...chunk);
    if (got.length === total) done();
  });
  const writer = new RingWriter(memory, defer);
  // Chunks larger than the ring, and many small ones: the writer waits for the reader each time it fills.
  const sent: number[] = [];
  const chunks = [bytes(200, 1), bytes(1, 2), bytes(63, 3), bytes(64 * 20 + 7 - 200 - 1 - 63, 4)];
  for (const c of chunks) sent.push(...c);
  writer.write(chunks);
  writer.end();
  await withTimeout(finished, 5000, "ring");
  assert.deepEqual(got, sent);
});

test("a ring-carried link hands over messages and signals in order, a 1 MB frame included", async () => {
  const defer = (fn: () => void) => setTimeout(fn, 0);
  const received: (string | Message)[] = [];
  const noop = { signal: () => {}, message: () => {}, broken: () => assert.fail("broken") };
  const { carrier, rings } = connectCarrier("t", true, defer, noop, false);
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  acceptCarrier("t", rings, defer, {
    signal: (s) => {
      received.push(s.t === "credit" ? `credit ${s.n}` : s.t === "accept" ? `accept ${s.info.socketType}` : s.t);
      if (s.t === "end") done();
    },
    message: (m) => received.push(m),
    broken: () => assert.fail("broken"),
  }, false);
  const big = bytes(1 << 20, 10);
  carrier.send({
    t: "accept",
    info: {
      socketType: "DEALER",
      routingId: bytes(3, 1),
      sendHighWaterMark: 1,
      receiveHighWaterMark: 2,
      conflate: false,
    },
  });
  carrier.sendMessages([[bytes(5, 1)], [new Uint8Array(0), big, bytes(2, 2)]]);
  carrier.send({ t: "credit", n: 7 });
  carrier.send({ t: "end" });
  await withTimeout(finished, 10_000, "carrier");
  assert.equal(received.length, 5);
  assert.deepEqual(received[0], "accept DEALER");
  assert.deepEqual((received[1] as Message).map((f) => [...f]), [[...bytes(5, 1)]]);
  const [empty, large, two] = received[2] as Message;
  assert.equal(empty.byteLength, 0);
  assert.deepEqual(large, big);
  assert.deepEqual([...two], [...bytes(2, 2)]);
  assert.deepEqual(received.slice(3), ["credit 7", "end"]);
  carrier.close(true);
});
