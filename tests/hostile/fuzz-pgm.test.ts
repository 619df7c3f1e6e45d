// Property-based fuzzing of the PGM decoder, receiver and libzmq's framing over it: whatever a
// network delivers (garbage, forged or mangled packets, loss, duplicates, reordering), nothing
// throws and nothing torn or out of order comes out. A fixed seed keeps CI repeatable;
// FUZZ_RUNS=20000 runs many more cases with a random seed.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import fc from "fast-check";
import { pgmChecksum } from "../../src/pgm/checksum.ts";
import { decodePacket, encodeData, encodeNak, encodeSpm, type PgmPacket } from "../../src/pgm/packet.ts";
import { PgmReceiver } from "../../src/pgm/receiver.ts";
import { PgmSource } from "../../src/pgm/source.ts";
import { V1Decoder } from "../../src/pgm/v1-decoder.ts";
import type { Message } from "../../src/message.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 300);
const seed = process.env.FUZZ_RUNS ? Date.now() : 20261123;
const params = { numRuns: runs, seed };
const GSI = Uint8Array.of(9, 8, 7, 6, 5, 4);

/** Makes the checksum right, so the parser past it is what gets fuzzed. */
function withChecksum(bytes: Uint8Array): Uint8Array {
  if (bytes.length >= 8) {
    const sum = pgmChecksum(bytes);
    bytes[6] = sum >>> 8;
    bytes[7] = sum & 0xff;
  }
  return bytes;
}

function receiverFor(out: { apdus: Uint8Array[]; losses: number }): PgmReceiver {
  return new PgmReceiver({
    port: 5555,
    group: "239.1.1.1",
    windowPackets: 64,
    timing: { backoff: 50, repeat: 200, repairWait: 200, ncfRetries: 3, dataRetries: 3, random: () => 0.5 },
    output: {
      send: () => {},
      apdu: (_p, b) => out.apdus.push(b.slice()),
      loss: (_p, n) => (out.losses += n),
      gone: () => {},
    },
  });
}

test("fuzz-pgm: decodePacket never throws, checksum right or wrong, and a data payload is what the header says", () => {
  const types = fc.constantFrom(0x00, 0x01, 0x04, 0x05, 0x08, 0x09, 0x0a, 0x0c, 0x0d, 0xff);
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      types,
      fc.integer({ min: 0, max: 255 }),
      fc.boolean(),
      (raw, type, flags, fix) => {
        const bytes = raw.slice();
        if (bytes.length > 5) {
          bytes[4] = type;
          bytes[5] = flags;
        }
        const packet = decodePacket(fix ? withChecksum(bytes) : bytes);
        if (packet.kind === "data") assert.equal(packet.payload.length, (bytes[14] << 8) | bytes[15]);
        if (packet.kind === "nak" || packet.kind === "ncf") {
          assert.ok(
            packet.sequences.length >= 1 && packet.sequences.length <= 63,
          );
        }
      },
    ),
    params,
  );
});

test("fuzz-pgm: mangled valid packets (flipped bytes, cuts, forged options) never throw", () => {
  const valid = [
    encodeSpm({
      gsi: GSI,
      sourcePort: 1,
      destinationPort: 5555,
      sqn: 3,
      trail: 1,
      lead: 9,
      nla: "10.0.0.1",
      fin: true,
    }),
    encodeData({
      gsi: GSI,
      sourcePort: 1,
      destinationPort: 5555,
      sqn: 4,
      trail: 1,
      fragment: { first: 3, offset: 10, length: 40 },
    }, new Uint8Array(20)),
    encodeNak({
      kind: "nak",
      gsi: GSI,
      sourcePort: 5555,
      destinationPort: 1,
      sequences: [1, 2, 3, 4],
      sourceNla: "10.0.0.1",
      groupNla: "ff08::1",
    }),
  ];
  fc.assert(
    fc.property(
      fc.nat(valid.length - 1),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(),
      (which, edits, cut) => {
        const bytes = valid[which].slice(0, Math.max(16, cut % (valid[which].length + 1)));
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        decodePacket(withChecksum(bytes));
      },
    ),
    params,
  );
});

test("fuzz-pgm: through loss, duplicates and reordering, a receiver delivers whole APDUs in order, or reports loss", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 12 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(4)), { maxLength: 80 }),
      (sizes, schedule) => {
        // A source sends numbered APDUs (some fragmented) into a list of packets.
        const packets: PgmPacket[] = [];
        const source = new PgmSource({
          gsi: GSI,
          sourcePort: 1,
          destinationPort: 5555,
          group: "239.1.1.1",
          nla: "10.0.0.1",
          maxTpdu: 600,
          windowPackets: 100,
          rate: 0,
          now: 0,
          output: (p) => packets.push(decodePacket(p) as PgmPacket),
        });
        source.start(0);
        const sent = sizes.map((n, i) => new Uint8Array(n).fill(i + 1));
        for (const apdu of sent) source.sendApdu(apdu, 0);
        // The network: each step delivers some packet (any order, any number of times) or lets time pass.
        const out = { apdus: [] as Uint8Array[], losses: 0 };
        const receiver = receiverFor(out);
        let now = 0;
        for (const [pick, action] of schedule) {
          if (action === 0) {
            now += 60;
            receiver.poll(now);
          } else {
            receiver.handle(packets[pick % packets.length], "10.0.0.1", now);
          }
        }
        for (const p of packets) receiver.handle(p, "10.0.0.1", now);
        receiver.poll(now + 10_000);
        // Whatever came out is whole and in the order sent.
        let at = -1;
        for (const apdu of out.apdus) {
          const i = sent.findIndex((s, j) => j > at && s.length === apdu.length && s[0] === apdu[0]);
          assert.ok(i > at, "an APDU torn, invented or out of order");
          assert.ok(apdu.every((b) => b === apdu[0]));
          at = i;
        }
      },
    ),
    params,
  );
});

test("fuzz-pgm: forged data packets with random sequence numbers, trails and fragments never throw", () => {
  const arbPacket = fc.record({
    sqn: fc.oneof(fc.nat(40), fc.constant(0xffffffff), fc.nat()),
    trail: fc.oneof(fc.nat(40), fc.nat()),
    fragment: fc.option(fc.record({ first: fc.nat(40), offset: fc.nat(3000), length: fc.nat(70_000) }), {
      nil: undefined,
    }),
    size: fc.nat(50),
    spm: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(arbPacket, { maxLength: 60 }), (forged) => {
      const out = { apdus: [] as Uint8Array[], losses: 0 };
      const receiver = receiverFor(out);
      let now = 0;
      for (const f of forged) {
        const bytes = f.spm
          ? encodeSpm({
            gsi: GSI,
            sourcePort: 1,
            destinationPort: 5555,
            sqn: f.size,
            trail: f.trail,
            lead: f.sqn,
            nla: "10.0.0.1",
          })
          : encodeData({
            gsi: GSI,
            sourcePort: 1,
            destinationPort: 5555,
            sqn: f.sqn,
            trail: f.trail,
            fragment: f.fragment,
          }, new Uint8Array(f.size));
        receiver.handle(decodePacket(bytes) as PgmPacket, "10.0.0.1", now += 7);
        receiver.poll(now);
      }
      receiver.poll(now + 100_000);
      for (const apdu of out.apdus) assert.ok(apdu.length <= 0xffff);
    }),
    params,
  );
});

test("fuzz-pgm: the v1 decoder never throws and never delivers a frame over its limit", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }),
      fc.integer({ min: -1, max: 100 }),
      (apdus, limit) => {
        const got: Message[] = [];
        const decoder = new V1Decoder(limit, (m) => got.push(m));
        for (const apdu of apdus) {
          if (apdu.length % 5 === 0) decoder.reset();
          decoder.apdu(apdu);
        }
        for (const m of got) {
          assert.ok(m.length >= 1);
          if (limit >= 0) { for (const f of m) assert.ok(f.length <= limit); }
        }
      },
    ),
    params,
  );
});

test("fuzz-pgm: a storm of forged NAKs costs at most the rate limit in repairs", () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.nat(200), { minLength: 1, maxLength: 63 }), { maxLength: 200 }), (lists) => {
      let bytes = 0;
      const rate = 50_000;
      const source = new PgmSource({
        gsi: GSI,
        sourcePort: 1,
        destinationPort: 5555,
        group: "239.1.1.1",
        nla: "10.0.0.1",
        maxTpdu: 1500,
        windowPackets: 200,
        rate,
        now: 0,
        output: (p) => {
          if (p[4] === 0x05) bytes += p.length + 28;
        },
      });
      let now = 0;
      for (let i = 0; i < 30; i++) {
        while (!source.sendApdu(new Uint8Array(1000), now)) now += 1;
      }
      const start = now;
      bytes = 0;
      for (const sequences of lists) {
        const nak = decodePacket(
          encodeNak({
            kind: "nak",
            gsi: GSI,
            sourcePort: 5555,
            destinationPort: 1,
            sequences,
            sourceNla: "10.0.0.1",
            groupNla: "239.1.1.1",
          }),
        );
        source.handle(nak as PgmPacket, now += 1);
        source.poll(now);
      }
      assert.ok(bytes <= ((now - start) / 1000) * rate + 1528, `${bytes} bytes of repair in ${now - start} ms`);
    }),
    params,
  );
});
