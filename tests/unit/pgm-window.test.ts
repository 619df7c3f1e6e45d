import { test } from "node:test";
import assert from "node:assert/strict";
import type { DataPacket, FragmentOption } from "../../src/pgm/packet.ts";
import { type NakTiming, ReceiveWindow } from "../../src/pgm/receive-window.ts";

const TIMING: NakTiming = {
  backoff: 50,
  repeat: 200,
  repairWait: 200,
  ncfRetries: 3,
  dataRetries: 3,
  random: () => 0.5,
};

function data(
  sqn: number,
  trail = 0,
  payload = Uint8Array.of(sqn & 0xff),
  fragment: FragmentOption | null = null,
): DataPacket {
  return {
    kind: "data",
    sourcePort: 1,
    destinationPort: 2,
    flags: 0,
    gsi: new Uint8Array(6),
    repair: false,
    sqn,
    trail,
    fragment,
    payload,
  };
}

function setup(capacity = 16, timing = TIMING) {
  const got: number[] = [];
  const apdus: Uint8Array[] = [];
  let lost = 0;
  const window = new ReceiveWindow(capacity, timing, {
    apdu: (b) => {
      apdus.push(b);
      got.push(b[0]);
    },
    loss: (n) => (lost += n),
  });
  return { window, got, apdus, lost: () => lost };
}

test("window: in-order data goes straight through; duplicates are dropped", () => {
  const { window, got } = setup();
  for (let i = 5; i < 10; i++) assert.equal(window.add(data(i), 0), "appended");
  assert.equal(window.add(data(7), 0), "duplicate");
  assert.deepEqual(got, [5, 6, 7, 8, 9]);
  assert.equal(window.pending, false);
  assert.equal(window.deadline, Infinity);
});

test("window: a gap waits a back-off, then NAKs; the repair releases what waited behind it", () => {
  const { window, got } = setup();
  window.add(data(0), 0);
  assert.equal(window.add(data(3), 10), "gap");
  assert.deepEqual(got, [0]);
  assert.equal(window.deadline, 10 + 1 + 0.5 * 49, "one back-off for the gap");
  assert.deepEqual(window.poll(20, true), [], "not yet");
  assert.deepEqual(window.poll(window.deadline, true), [1, 2]);
  assert.equal(window.add(data(2), 40), "filled");
  assert.deepEqual(got, [0]);
  window.add(data(1), 41);
  assert.deepEqual(got, [0, 1, 2, 3]);
  assert.equal(window.pending, false);
});

test("window: without the source's NLA a gap cannot be NAKed: it backs off ncfRetries times, then is lost", () => {
  const { window, got, lost } = setup();
  window.add(data(0), 0);
  window.add(data(2), 0);
  for (let now = 0; now < 1000; now += 10) assert.deepEqual(window.poll(now, false), []);
  assert.equal(lost(), 1);
  assert.deepEqual(got, [0, 2]);
});

test("window: NCF moves to WAIT-DATA; retries run out into a loss, and delivery goes on", () => {
  const { window, got, lost } = setup();
  window.add(data(0), 0);
  window.add(data(2), 0);
  let now = window.deadline;
  assert.deepEqual(window.poll(now, true), [1]);
  window.confirm(1, now + 1);
  assert.equal(window.deadline <= now + 1 + 200, true);
  // No repair comes: WAIT-DATA times out, back-off, NAK again ... until dataRetries.
  let naks = 0;
  for (let i = 0; i < 40 && lost() === 0; i++) {
    now += 100;
    const n = window.poll(now, true);
    naks += n.length;
    for (const sqn of n) window.confirm(sqn, now);
  }
  assert.equal(lost(), 1);
  assert.equal(naks, 2, "two more NAKs before the third WAIT-DATA timeout");
  assert.deepEqual(got, [0, 2]);
});

test("window: NAKs without any NCF are lost after ncfRetries", () => {
  const { window, lost } = setup();
  window.add(data(0), 0);
  window.add(data(2), 0);
  let naks = 0;
  for (let now = 0; now < 5000 && lost() === 0; now += 10) naks += window.poll(now, true).length;
  assert.equal(naks, 3);
  assert.equal(lost(), 1);
});

test("window: the source's trail passing a gap loses it at once; before the receiver's start it is ignored", () => {
  const { window, got, lost } = setup();
  window.add(data(10, 0), 0);
  window.add(data(12, 0), 0);
  window.update(12, 9, 1);
  assert.equal(lost(), 0, "the trail has not passed where this receiver joined");
  window.update(12, 12, 2);
  assert.equal(lost(), 1);
  assert.deepEqual(got, [10, 12]);
});

test("window: an SPM lead beyond what arrived opens a gap to NAK (tail loss)", () => {
  const { window, got } = setup();
  window.add(data(0), 0);
  window.update(2, 0, 5);
  assert.deepEqual(window.poll(100, true), [1, 2]);
  window.add(data(1), 110);
  window.add(data(2), 111);
  assert.deepEqual(got, [0, 1, 2]);
});

test("window: an NCF for packets never seen opens them as WAIT-DATA", () => {
  const { window, got } = setup();
  window.add(data(0), 0);
  window.confirm(2, 5);
  assert.equal(window.pending, true);
  window.add(data(1), 6);
  window.add(data(2), 7);
  assert.deepEqual(got, [0, 1, 2]);
});

test("window: fragments make one APDU, in order or not", () => {
  const { window, apdus } = setup();
  const whole = Uint8Array.from({ length: 10 }, (_, i) => i);
  const frag = (sqn: number, offset: number, n: number) =>
    data(sqn, 0, whole.subarray(offset, offset + n), { first: 4, offset, length: 10 });
  window.add(frag(4, 0, 4), 0);
  window.add(frag(6, 8, 2), 0);
  assert.equal(apdus.length, 0);
  window.add(frag(5, 4, 4), 0);
  assert.deepEqual(apdus, [whole]);
});

test("window: a lost fragment loses its whole APDU, never a part", () => {
  const { window, apdus, lost } = setup();
  const f = (sqn: number, offset: number) => data(sqn, 0, new Uint8Array(2).fill(sqn), { first: 1, offset, length: 6 });
  window.add(data(0), 0);
  window.add(f(1, 0), 0);
  window.add(f(3, 4), 0);
  window.add(data(4, 0, Uint8Array.of(44)), 0);
  for (let now = 0; now < 1000; now += 10) window.poll(now, false); // sqn 2 cannot be repaired
  assert.deepEqual(apdus.map((a) => [...a]), [[0], [44]]);
  assert.equal(lost(), 3, "the three sequence numbers of the APDU");
});

test("window: a late joiner starting mid-APDU skips the fragments silently", () => {
  const { window, apdus, lost } = setup();
  window.add(data(7, 0, Uint8Array.of(1, 1), { first: 6, offset: 2, length: 4 }), 0);
  window.add(data(8), 0);
  assert.deepEqual(apdus.map((a) => [...a]), [[8]]);
  assert.equal(lost(), 0);
});

test("window: fragments that disagree, or claim too much, are dropped", () => {
  const { window, apdus } = setup();
  assert.equal(window.add(data(1, 0, new Uint8Array(4), { first: 1, offset: 0, length: 2 }), 0), "malformed");
  assert.equal(window.add(data(1, 0, new Uint8Array(4), { first: 2, offset: 0, length: 8 }), 0), "malformed");
  assert.equal(window.add(data(1, 0, new Uint8Array(4), { first: 1, offset: 0, length: 70_000 }), 0), "malformed");
  assert.equal(window.add(data(1, 5), 0), "malformed", "a trail ahead of the sequence number");
  window.add(data(1, 0, new Uint8Array(2), { first: 1, offset: 0, length: 4 }), 0);
  window.add(data(2, 0, new Uint8Array(2), { first: 1, offset: 0, length: 4 }), 0);
  window.add(data(3), 0);
  assert.deepEqual(apdus.map((a) => [...a]), [[3]]);
});

test("window: a full window loses its oldest gap to make room", () => {
  const { window, got, lost } = setup(4);
  window.add(data(0), 0);
  for (let i = 2; i <= 6; i++) window.add(data(i), 0);
  assert.equal(lost(), 1);
  assert.deepEqual(got, [0, 2, 3, 4, 5, 6]);
});

test("window: a jump far past the window (forged or long lost) is bounded work: lost, then on", () => {
  const { window, got, lost } = setup(8);
  window.add(data(0), 0);
  window.add(data(2), 0);
  const start = performance.now();
  window.add(data(0x7ffffff0, 0x7ffffff0), 1);
  assert.ok(performance.now() - start < 1000);
  assert.equal(lost(), 0x7ffffff0 - 1 - 1);
  assert.deepEqual(got, [0, 2, 0xf0]);
  window.add(data(0x7ffffff1, 0x7ffffff0), 2);
  assert.deepEqual(got, [0, 2, 0xf0, 0xf1]);
});

test("window: sequence numbers wrap around 2^32", () => {
  const { window, got } = setup();
  window.add(data(0xfffffffe, 0xfffffff0), 0);
  window.add(data(0, 0xfffffff0), 0);
  assert.equal(window.add(data(0xffffffff, 0), 0), "malformed", "a trail after the sequence number");
  window.add(data(0xffffffff, 0xfffffff0), 0);
  assert.deepEqual(got, [0xfe, 0xff, 0]);
});

test("window: abandon (the source went away) delivers what is whole and loses the rest", () => {
  const { window, apdus, lost } = setup();
  window.add(data(0), 0);
  window.add(data(2), 0);
  window.add(data(3, 0, new Uint8Array(1), { first: 3, offset: 0, length: 2 }), 0);
  window.abandon();
  assert.deepEqual(apdus.map((a) => [...a]), [[0], [2]]);
  assert.equal(lost(), 2);
  assert.equal(window.pending, false);
});
