import { test } from "node:test";
import assert from "node:assert/strict";
import type { Message } from "../../src/message.ts";
import { V1Decoder } from "../../src/pgm/v1-decoder.ts";
import { NO_MESSAGE_START, V1Packer } from "../../src/pgm/v1-packer.ts";
import { bytes, texts } from "../support/util.ts";

// The TSDU of an ODATA libzmq 4.3.4 sent for send_multipart([b"A", b"hello"]) then send(b"x" * 300).
const LIBZMQ_APDU = Uint8Array.from(
  ("0000020141060068656c6c6fff000000000000012d00" + "78".repeat(300)).match(/../g)!.map((h) => parseInt(h, 16)),
);

const queue = (messages: Message[]) => ({ read: () => messages.shift() });

/** All APDUs `messages` make with APDUs of `size` bytes. */
function pack(messages: Message[], size: number): Uint8Array[] {
  const packer = new V1Packer();
  const source = queue(messages.slice());
  const out: Uint8Array[] = [];
  for (;;) {
    const buf = new Uint8Array(size);
    const n = packer.fill(buf, 0, source);
    if (n === 0) return out;
    out.push(buf.slice(0, n));
  }
}

function decodeAll(apdus: Uint8Array[], maxFrame = -1): Message[] {
  const got: Message[] = [];
  const decoder = new V1Decoder(maxFrame, (m) => got.push(m));
  for (const a of apdus) decoder.apdu(a);
  return got;
}

const sample = (n: number): Message[] =>
  Array.from(
    { length: n },
    (_, i) => i % 3 === 0 ? [bytes(`topic${i}`), new Uint8Array(i * 37).fill(i & 0xff)] : [bytes(`message ${i}`)],
  );

test("v1: packs messages exactly as libzmq's pgm_sender does (offset, sizes, MORE flags)", () => {
  const [apdu] = pack([[bytes("A"), bytes("hello")], [new Uint8Array(300).fill(0x78)]], 1448);
  assert.deepEqual(apdu, LIBZMQ_APDU);
});

test("v1: decodes libzmq's APDU into its two messages", () => {
  const got = decodeAll([LIBZMQ_APDU]);
  assert.equal(got.length, 2);
  assert.deepEqual(texts(got[0]), ["A", "hello"]);
  assert.equal(got[1][0].length, 300);
});

test("v1: messages survive any APDU size, continuing across APDUs", () => {
  const messages = sample(60);
  for (const size of [3, 4, 7, 16, 100, 1448]) {
    const got = decodeAll(pack(messages, size));
    assert.deepEqual(got, messages, `APDU size ${size}`);
  }
});

test("v1: a frame body inside one APDU is a view of it; one spanning APDUs is copied whole", () => {
  const apdus = pack([[new Uint8Array(20).fill(1)], [new Uint8Array(2000).fill(2)]], 1448);
  const got = decodeAll(apdus);
  assert.equal(got[0][0].buffer, apdus[0].buffer);
  assert.equal(got[1][0].length, 2000);
  assert.ok(got[1][0].every((b) => b === 2));
});

test("v1: the offset names where the first whole message starts; 0xffff when none does", () => {
  const apdus = pack([[new Uint8Array(3000).fill(9)], [bytes("next")]], 1448);
  const offsets = apdus.map((a) => (a[0] << 8) | a[1]);
  assert.equal(offsets[0], 0);
  assert.equal(offsets[1], NO_MESSAGE_START, "the middle of the large frame");
  assert.ok(offsets[2] > 0 && offsets[2] < apdus[2].length, "after the large frame's tail");
});

test("v1: a late joiner starts at the first whole message and never sees a torn one", () => {
  const messages = sample(40);
  const apdus = pack(messages, 50);
  for (let start = 0; start < apdus.length; start++) {
    const got = decodeAll(apdus.slice(start));
    const first = messages.findIndex((m) => JSON.stringify(m) === JSON.stringify(got[0]));
    assert.ok(got.length === 0 || first >= 0, `joined at APDU ${start}`);
    if (got.length > 0) assert.deepEqual(got, messages.slice(first));
  }
});

test("v1: after a loss the decoder drops the partial message and rejoins at the next start", () => {
  const messages = sample(30);
  const apdus = pack(messages, 40);
  for (let lost = 1; lost < apdus.length - 1; lost++) {
    const got: Message[] = [];
    const decoder = new V1Decoder(-1, (m) => got.push(m));
    apdus.forEach((a, i) => {
      if (i === lost) decoder.reset();
      else decoder.apdu(a);
    });
    // Whatever arrives is a run of whole messages from the original list, in order.
    const keys = messages.map((m) => JSON.stringify(m));
    let at = -1;
    for (const m of got) {
      const i = keys.indexOf(JSON.stringify(m), at + 1);
      assert.ok(i > at, `message out of order or torn after losing APDU ${lost}`);
      at = i;
    }
  }
});

test("v1: a frame over maxFrame, a zero size or a bad offset drops the APDU and unjoins", () => {
  const [apdu] = pack([[new Uint8Array(100)], [bytes("ok")]], 1448);
  const got: Message[] = [];
  const decoder = new V1Decoder(50, (m) => got.push(m));
  assert.equal(decoder.apdu(apdu), false);
  assert.match(decoder.lastError!, /over the limit/);
  assert.equal(decoder.joined, false);
  assert.equal(decoder.apdu(Uint8Array.of(0, 0, 0)), false);
  assert.equal(decoder.apdu(Uint8Array.of(0, 9, 2)), false, "offset past the APDU");
  assert.equal(decoder.apdu(Uint8Array.of(0)), false);
  assert.equal(decoder.apdu(Uint8Array.of(0, 0, 0xff, 1, 0, 0, 0, 0, 0, 0, 2)), false, "an 8-byte size past 2^48");
  assert.equal(got.length, 0);
  assert.equal(decoder.apdu(pack([[bytes("fine")]], 100)[0]), true);
  assert.deepEqual(texts(got[0]), ["fine"]);
});

test("v1: empty frames and 254/255-byte bodies use the right size form", () => {
  const messages: Message[] = [[new Uint8Array(0), new Uint8Array(253)], [new Uint8Array(254)], [new Uint8Array(255)]];
  const [apdu] = pack(messages.map((m) => m.slice()), 2000);
  assert.deepEqual([apdu[2], apdu[3]], [1, 1], "empty frame: size 1 (the flags), MORE");
  assert.equal(apdu[4], 254, "253 bytes + flags still fits one byte");
  assert.equal(apdu[4 + 2 + 253], 0xff, "254 bytes + flags takes the 8-byte form, as libzmq");
  assert.deepEqual(decodeAll([apdu]), messages);
});
