import { test } from "node:test";
import assert from "node:assert/strict";
import { pgmChecksum } from "../../src/pgm/checksum.ts";
import {
  DATA_OFFSET,
  type DataPacket,
  decodePacket,
  encodeData,
  encodeNak,
  encodeSpm,
  encodeSpmr,
  type NakPacket,
  type PacketError,
  type PgmPacket,
  sealData,
  type SpmPacket,
  toRepair,
} from "../../src/pgm/packet.ts";
import { formatIpv6, parseIpv6 } from "../../src/pgm/nla.ts";
import { nextSequence, sequenceBefore } from "../../src/pgm/sequence.ts";
import { tsiKey } from "../../src/pgm/tsi.ts";

// Captured from Debian's libzmq 4.3.4 with OpenPGM 5.3.128 (pyzmq, epgm://127.0.0.1;239.192.1.1:5555
// and epgm://10.9.0.x;239.192.1.1:5555): an SPM at connect, the ODATA of two messages, a closing SPM
// with OPT_FIN, and the NAK, NCF and RDATA of a repair.
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((h) => parseInt(h, 16)));
const OPENPGM_SPM = hex("b5d215b30000286ab7c6d1bc038a00000000000000000000ffffffff000100007f000001");
const OPENPGM_FIN = hex("b5d215b300019a50b7c6d1bc038a0000000000080000000000000000000100007f000001000400088e040000");
const OPENPGM_ODATA = hex(
  "b5d215b30400ca46b7c6d1bc038a014200000000000000000000020141060068656c6c6fff000000000000012d00" + "78".repeat(300),
);
const OPENPGM_NAK = hex("15b3b53508002f833a9b5eb36977000000000000000100000a09000100010000efc00101");
const OPENPGM_NCF = hex("563015b30a000238b7c6d1bc038a000000000008000100000a09000200010000efc00101");
const OPENPGM_RDATA = hex("563015b305002ae7b7c6d1bc038a000c0000000800000000000002014106006d73672038");
const GSI = hex("b7c6d1bc038a");

function decoded<K extends string>(bytes: Uint8Array, kind: K) {
  const packet = decodePacket(bytes);
  assert.equal(packet.kind, kind, (packet as PacketError).reason);
  return packet;
}

test("pgm: OpenPGM's SPM decodes: TSI, window edges, path NLA", () => {
  const spm = decoded(OPENPGM_SPM, "spm") as SpmPacket;
  assert.equal(spm.sourcePort, 0xb5d2);
  assert.equal(spm.destinationPort, 5555);
  assert.deepEqual([...spm.gsi], [...GSI]);
  assert.equal(spm.sqn, 0);
  assert.equal(spm.trail, 0);
  assert.equal(spm.lead, 0xffffffff);
  assert.equal(spm.nla, "127.0.0.1");
  assert.equal(spm.fin, false);
});

test("pgm: encodeSpm writes OpenPGM's SPM byte for byte, checksum included", () => {
  const fields = { gsi: GSI, sourcePort: 0xb5d2, destinationPort: 5555, sqn: 0, trail: 0, lead: 0xffffffff };
  assert.deepEqual(encodeSpm({ ...fields, nla: "127.0.0.1" }), OPENPGM_SPM);
  assert.deepEqual(encodeSpm({ ...fields, sqn: 8, lead: 0, nla: "127.0.0.1", fin: true }), OPENPGM_FIN);
  assert.equal((decoded(OPENPGM_FIN, "spm") as SpmPacket).fin, true);
});

test("pgm: OpenPGM's ODATA decodes and re-encodes byte for byte", () => {
  const data = decoded(OPENPGM_ODATA, "data") as DataPacket;
  assert.equal(data.repair, false);
  assert.equal(data.sqn, 0);
  assert.equal(data.trail, 0);
  assert.equal(data.fragment, null);
  assert.equal(data.payload.length, 322);
  const fields = { gsi: GSI, sourcePort: 0xb5d2, destinationPort: 5555, sqn: 0, trail: 0 };
  assert.deepEqual(encodeData(fields, data.payload), OPENPGM_ODATA);
  const inPlace = new Uint8Array(DATA_OFFSET + data.payload.length);
  inPlace.set(data.payload, DATA_OFFSET);
  assert.deepEqual(sealData(inPlace, fields), OPENPGM_ODATA);
});

test("pgm: NAK, NCF and RDATA as OpenPGM sends them decode and re-encode byte for byte", () => {
  const nak = decoded(OPENPGM_NAK, "nak") as NakPacket;
  assert.deepEqual(nak.sequences, [0]);
  assert.equal(nak.sourceNla, "10.9.0.1");
  assert.equal(nak.groupNla, "239.192.1.1");
  assert.equal(nak.sourcePort, 5555, "upstream: the data-destination port is the source port");
  assert.deepEqual(
    encodeNak({
      kind: "nak",
      gsi: nak.gsi,
      sourcePort: 5555,
      destinationPort: 0xb535,
      sequences: [0],
      sourceNla: "10.9.0.1",
      groupNla: "239.192.1.1",
    }),
    OPENPGM_NAK,
  );
  const ncf = decoded(OPENPGM_NCF, "ncf") as NakPacket;
  assert.deepEqual(ncf.sequences, [8]);
  assert.deepEqual(
    encodeNak({
      kind: "ncf",
      gsi: GSI,
      sourcePort: 0x5630,
      destinationPort: 5555,
      sequences: [8],
      sourceNla: "10.9.0.2",
      groupNla: "239.192.1.1",
    }),
    OPENPGM_NCF,
  );
  const rdata = decoded(OPENPGM_RDATA, "data") as DataPacket;
  assert.equal(rdata.repair, true);
  assert.equal(rdata.sqn, 8);
  const odata = encodeData({ gsi: GSI, sourcePort: 0x5630, destinationPort: 5555, sqn: 8, trail: 3 }, rdata.payload);
  assert.deepEqual(toRepair(odata, 0), OPENPGM_RDATA);
});

test("pgm: a NAK list carries up to 63 sequence numbers in OPT_NAK_LIST", () => {
  const sequences = Array.from({ length: 63 }, (_, i) => (0xfffffff0 + i) >>> 0);
  const bytes = encodeNak({
    kind: "nak",
    gsi: GSI,
    sourcePort: 1,
    destinationPort: 2,
    sequences,
    sourceNla: "192.0.2.1",
    groupNla: "239.1.2.3",
  });
  const nak = decoded(bytes, "nak") as NakPacket;
  assert.deepEqual(nak.sequences, sequences);
  assert.equal(bytes[5], 0x03, "OPT_PRESENT | OPT_NETWORK, as OpenPGM sets them");
  assert.throws(
    () =>
      encodeNak({
        kind: "nak",
        gsi: GSI,
        sourcePort: 1,
        destinationPort: 2,
        sequences: [...sequences, 1],
        sourceNla: "192.0.2.1",
        groupNla: "239.1.2.3",
      }),
    RangeError,
  );
});

test("pgm: fragments carry OPT_FRAGMENT (first sequence, offset, APDU length)", () => {
  const payload = new Uint8Array(100).fill(7);
  const bytes = encodeData({
    gsi: GSI,
    sourcePort: 1,
    destinationPort: 2,
    sqn: 11,
    trail: 3,
    fragment: { first: 10, offset: 1400, length: 1500 },
  }, payload);
  assert.equal(bytes.length, DATA_OFFSET + 20 + 100, "OPT_LENGTH (4) + OPT_FRAGMENT (16)");
  const data = decoded(bytes, "data") as DataPacket;
  assert.deepEqual(data.fragment, { first: 10, offset: 1400, length: 1500 });
  assert.deepEqual([...data.payload], [...payload]);
});

test("pgm: SPMR is a bare header; IPv6 NLAs round-trip", () => {
  const spmr = decoded(encodeSpmr({ gsi: GSI, sourcePort: 5555, destinationPort: 9 }), "spmr") as PgmPacket;
  assert.equal(spmr.destinationPort, 9);
  const spm = decoded(
    encodeSpm({ gsi: GSI, sourcePort: 1, destinationPort: 2, sqn: 1, trail: 2, lead: 3, nla: "fe80::1:2" }),
    "spm",
  ) as SpmPacket;
  assert.equal(spm.nla, "fe80::1:2");
  assert.equal(formatIpv6(parseIpv6("ff08:0:0:0:0:0:0:1")), "ff08::1");
  assert.equal(formatIpv6(parseIpv6("::ffff:192.0.2.1")), "::ffff:c000:201");
  assert.throws(() => parseIpv6("1::2::3"), TypeError);
});

test("pgm: a bad checksum, a missing data checksum and every truncation are reported, never thrown", () => {
  const flipped = OPENPGM_ODATA.slice();
  flipped[40] ^= 1;
  assert.equal((decodePacket(flipped) as PacketError).reason, "checksum mismatch");
  const unchecked = OPENPGM_ODATA.slice();
  unchecked[6] = unchecked[7] = 0;
  assert.equal((decodePacket(unchecked) as PacketError).reason, "data packet without a checksum");
  for (const packet of [OPENPGM_SPM, OPENPGM_FIN, OPENPGM_ODATA, OPENPGM_NAK, OPENPGM_NCF, OPENPGM_RDATA]) {
    for (let n = 0; n < packet.length; n++) {
      const cut = packet.slice(0, n);
      // Keep the checksum valid so the length checks themselves are what is tested.
      const sum = pgmChecksum(cut);
      if (n >= 8 && cut[6] | cut[7]) [cut[6], cut[7]] = [sum >>> 8, sum & 0xff];
      const decoded = decodePacket(cut);
      if (n < 16) assert.equal(decoded.kind, "error");
      else if (decoded.kind === "data") assert.equal(decoded.payload.length + DATA_OFFSET, n);
    }
  }
});

test("pgm: options are checked against the packet: lengths, count, OPT_LENGTH first", () => {
  const base = encodeSpm({
    gsi: GSI,
    sourcePort: 1,
    destinationPort: 2,
    sqn: 1,
    trail: 2,
    lead: 3,
    nla: "10.0.0.1",
    fin: true,
  });
  const withOption = (edit: (b: Uint8Array) => void) => {
    const b = base.slice();
    edit(b);
    const sum = pgmChecksum(b);
    b[6] = sum >>> 8;
    b[7] = sum & 0xff;
    return decodePacket(b) as PacketError;
  };
  const at = base.length - 8;
  assert.match(withOption((b) => (b[at] = 0x01)).reason, /OPT_LENGTH/);
  assert.match(withOption((b) => (b[at + 3] = 0xff)).reason, /total length/);
  assert.match(withOption((b) => (b[at + 5] = 0x30)).reason, /option length/);
  assert.match(withOption((b) => (b[at + 4] = 0x0e)).reason, /option header past|shorter/);
  assert.equal(withOption((b) => (b[4] = 0x01)).reason, "unsupported packet type 0x1");
});

test("pgm: sequence numbers compare across the 32-bit wrap; TSIs print dotted", () => {
  assert.equal(sequenceBefore(0xffffffff, 0), true);
  assert.equal(sequenceBefore(0, 0xffffffff), false);
  assert.equal(nextSequence(0xffffffff), 0);
  assert.equal(tsiKey(GSI, 5555), "183.198.209.188.3.138.5555");
});
