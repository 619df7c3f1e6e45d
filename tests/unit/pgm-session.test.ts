// A PGM source and receivers over a simulated lossy multicast network with a virtual clock:
// the protocol's state machines end to end, exactly and instantly.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Message } from "../../src/message.ts";
import { DATA_OFFSET, decodePacket, encodeNak, type PgmPacket } from "../../src/pgm/packet.ts";
import { PgmReceiver, type ReceiverPeer } from "../../src/pgm/receiver.ts";
import type { NakTiming } from "../../src/pgm/receive-window.ts";
import { PgmSource } from "../../src/pgm/source.ts";
import { V1Decoder } from "../../src/pgm/v1-decoder.ts";
import { V1Packer } from "../../src/pgm/v1-packer.ts";
import { bytes } from "../support/util.ts";

const GROUP = "239.192.1.1";
const PORT = 5555;
const SOURCE_NLA = "10.0.0.1";

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SimReceiver {
  readonly receiver: PgmReceiver;
  readonly messages: Message[];
  readonly apdus: Uint8Array[];
  losses: number;
  gone: number;
  /** Drops a downstream packet to this receiver when it returns true. */
  drop: (packet: PgmPacket) => boolean;
}

class Sim {
  now = 0;
  readonly random: () => number;
  readonly receivers: SimReceiver[] = [];
  readonly source: PgmSource;
  readonly packer = new V1Packer();
  readonly queue: Message[] = [];
  sent = { downstream: 0, upstream: 0, dataBytes: 0 };
  /** Drops an upstream packet (NAK, SPMR) when it returns true. */
  dropUp: (packet: PgmPacket) => boolean = () => false;
  sourceAlive = true;
  #events: { at: number; run: () => void }[] = [];
  #pending: Uint8Array | null = null;
  #sendAt = 0;
  readonly #latency = 1;
  readonly #timing: NakTiming;

  constructor(
    options: {
      seed: number;
      rate?: number;
      window?: number;
      maxTpdu?: number;
      receiverWindow?: number;
      retries?: number;
    },
  ) {
    this.random = prng(options.seed);
    this.#timing = {
      backoff: 50,
      repeat: 200,
      repairWait: 200,
      ncfRetries: options.retries ?? 50,
      dataRetries: options.retries ?? 50,
      random: this.random,
    };
    this.source = new PgmSource({
      gsi: Uint8Array.of(1, 2, 3, 4, 5, 6),
      sourcePort: 4321,
      destinationPort: PORT,
      group: GROUP,
      nla: SOURCE_NLA,
      maxTpdu: options.maxTpdu ?? 1500,
      windowPackets: options.window ?? 1000,
      rate: options.rate ?? 1_000_000,
      now: 0,
      output: (packet) => this.#multicast(packet),
    });
    this.receiverWindow = options.receiverWindow ?? 1000;
  }

  receiverWindow: number;

  addReceiver(drop: (packet: PgmPacket) => boolean = () => false): SimReceiver {
    const sim: SimReceiver = { receiver: null!, messages: [], apdus: [], losses: 0, gone: 0, drop };
    const receiver = new PgmReceiver({
      port: PORT,
      group: GROUP,
      windowPackets: this.receiverWindow,
      timing: this.#timing,
      output: {
        send: (packet, address) => this.#unicast(packet, address),
        apdu: (peer: ReceiverPeer, apdu) => {
          sim.apdus.push(apdu);
          peer.context ??= new V1Decoder(-1, (m) => sim.messages.push(m));
          (peer.context as V1Decoder).apdu(apdu);
        },
        loss: (peer, count) => {
          sim.losses += count;
          (peer.context as V1Decoder | undefined)?.reset();
        },
        gone: () => sim.gone++,
      },
    });
    (sim as { receiver: PgmReceiver }).receiver = receiver;
    this.receivers.push(sim);
    return sim;
  }

  send(...messages: Message[]): void {
    this.queue.push(...messages);
  }

  /** Runs the world until `until` (virtual ms). */
  run(until: number): void {
    for (;;) {
      this.#pump();
      let next = Infinity;
      for (const e of this.#events) next = Math.min(next, e.at);
      if (this.sourceAlive) next = Math.min(next, this.source.deadline, this.#pending ? this.#sendAt : Infinity);
      for (const r of this.receivers) next = Math.min(next, r.receiver.deadline);
      if (next > until) {
        this.now = until;
        return;
      }
      this.now = Math.max(this.now, next);
      const due = this.#events.filter((e) => e.at <= this.now);
      this.#events = this.#events.filter((e) => e.at > this.now);
      for (const e of due) e.run();
      if (this.sourceAlive && this.source.deadline <= this.now) this.source.poll(this.now);
      for (const r of this.receivers) if (r.receiver.deadline <= this.now) r.receiver.poll(this.now);
    }
  }

  #pump(): void {
    if (!this.sourceAlive) return;
    for (;;) {
      if (this.#pending === null) {
        const buf = new Uint8Array(DATA_OFFSET + this.source.maxTsdu);
        const n = this.packer.fill(buf, DATA_OFFSET, { read: () => this.queue.shift() });
        if (n === 0) return;
        this.#pending = buf.slice(0, DATA_OFFSET + n);
      }
      if (!this.source.trySendPacket(this.#pending, this.now)) {
        this.#sendAt = this.now + this.source.rateDelay(this.#pending.length, this.now);
        return;
      }
      this.#pending = null;
    }
  }

  #multicast(packet: Uint8Array): void {
    this.sent.downstream++;
    const decoded = decodePacket(packet);
    if (decoded.kind === "data") this.sent.dataBytes += packet.length + 28;
    assert.notEqual(decoded.kind, "error");
    for (const r of this.receivers) {
      if (r.drop(decoded as PgmPacket)) continue;
      this.#events.push({
        at: this.now + this.#latency,
        run: () => r.receiver.handle(decoded as PgmPacket, SOURCE_NLA, this.now),
      });
    }
  }

  #unicast(packet: Uint8Array, address: string): void {
    this.sent.upstream++;
    assert.equal(address, SOURCE_NLA, "NAKs and SPMRs go to the source");
    const decoded = decodePacket(packet) as PgmPacket;
    assert.notEqual(decoded.kind, "error");
    if (!this.sourceAlive || this.dropUp(decoded)) return;
    this.#events.push({ at: this.now + this.#latency, run: () => this.source.handle(decoded, this.now) });
  }
}

const numbered = (n: number, size = 0): Message[] =>
  Array.from({ length: n }, (_, i) => [bytes(`t${i % 7}`), bytes(`message ${i}`.padEnd(size, "."))]);
const names = (messages: Message[]) => messages.map((m) => new TextDecoder().decode(m[1]).replace(/\.+$/, ""));

test("session: with 10% loss each way, three receivers get every message, in order, by repair", () => {
  const sim = new Sim({ seed: 1 });
  const lossy = () => sim.random() < 0.1;
  const rs = [sim.addReceiver(lossy), sim.addReceiver(lossy), sim.addReceiver(lossy)];
  sim.source.start(0);
  sim.dropUp = lossy;
  const messages = numbered(3000, 40);
  sim.send(...messages);
  sim.run(60_000);
  for (const r of rs) {
    assert.equal(r.losses, 0);
    assert.deepEqual(names(r.messages), names(messages));
  }
  assert.ok(sim.source.stats.rdata > 0 && sim.source.stats.naks > 0);
});

test("session: receivers missing the same packet cost the source one NCF and one RDATA", () => {
  const sim = new Sim({ seed: 2 });
  const dropSeven = (p: PgmPacket) => p.kind === "data" && !p.repair && p.sqn === 7;
  const rs = Array.from({ length: 8 }, () => sim.addReceiver(dropSeven));
  sim.source.start(0);
  sim.send(...numbered(200, 100));
  sim.run(5_000);
  for (const r of rs) assert.equal(r.messages.length, 200);
  assert.equal(sim.source.stats.rdata, 1);
});

test("session: a receiver that joins late starts at a message boundary and gets the rest in order", () => {
  const sim = new Sim({ seed: 3 });
  sim.source.start(0);
  const messages = numbered(600, 500);
  sim.send(...messages);
  sim.run(3);
  const late = sim.addReceiver();
  sim.run(10_000);
  assert.ok(late.messages.length > 0 && late.messages.length < 600);
  const got = names(late.messages);
  const first = names(messages).indexOf(got[0]);
  assert.deepEqual(got, names(messages).slice(first));
  assert.equal(late.losses, 0);
});

test("session: a receiver that missed every SPM asks for one (SPMR) and can then repair", () => {
  const sim = new Sim({ seed: 4 });
  sim.source.start(0);
  let dropped = false;
  const r = sim.addReceiver((p) => {
    if (p.kind === "spm" && p.sqn < 3) return true;
    if (p.kind === "data" && p.sqn === 2 && !p.repair && !dropped) return (dropped = true);
    return false;
  });
  sim.send(...numbered(50, 300));
  sim.run(5_000);
  assert.equal(r.receiver.stats.spmrs, 1);
  assert.equal(r.losses, 0);
  assert.equal(r.messages.length, 50);
});

test("session: large messages cross many APDUs and fragmented APDUs are reassembled, through loss", () => {
  const sim = new Sim({ seed: 5, maxTpdu: 600 });
  const r = sim.addReceiver(() => sim.random() < 0.15);
  sim.source.start(0);
  const big = [new Uint8Array(50_000).map((_, i) => i & 0xff)];
  sim.send(big, [bytes("after")]);
  sim.run(20_000);
  assert.equal(r.messages.length, 2);
  assert.deepEqual(r.messages[0], big);
  // sendApdu fragments with OPT_FRAGMENT (OpenPGM's pgm_send for a large APDU); the receiver
  // reassembles it whole. (Its first fragment gets through, so this receiver's window starts there.)
  const apdu = new Uint8Array(5000).map((_, i) => (i * 7) & 0xff);
  const fresh = sim.addReceiver((p) => !(p.kind === "data" && p.fragment?.offset === 0) && sim.random() < 0.15);
  assert.equal(sim.source.sendApdu(apdu, sim.now), true);
  sim.run(40_000);
  assert.deepEqual(fresh.apdus, [apdu]);
  assert.equal(fresh.losses, 0);
});

test("session: a source that vanishes mid-message leaves no torn message, and is forgotten", () => {
  const sim = new Sim({ seed: 6 });
  const r = sim.addReceiver();
  sim.source.start(0);
  sim.send([bytes("whole")], [new Uint8Array(20_000)], [bytes("never")]);
  // Stop the source after a few APDUs of the large message.
  const stopAfter = 5;
  let sent = 0;
  r.drop = (p) => {
    if (p.kind === "data" && ++sent === stopAfter) sim.sourceAlive = false;
    return !sim.sourceAlive;
  };
  sim.run(400_000);
  assert.deepEqual(r.messages, [[bytes("whole")]]);
  assert.equal(r.gone, 1, "forgotten after PEER_EXPIRY");
});

test("session: OPT_FIN ends the session at once at the receiver", () => {
  const sim = new Sim({ seed: 7 });
  const r = sim.addReceiver();
  sim.source.start(0);
  sim.send(...numbered(5));
  sim.run(100);
  sim.source.finish(sim.now);
  sim.run(200);
  assert.equal(r.messages.length, 5);
  assert.equal(r.gone, 1);
  assert.equal([...r.receiver.peers].length, 0);
});

test("session: loss beyond repair is reported and what follows is whole and in order", () => {
  const sim = new Sim({ seed: 8, window: 20, retries: 2 });
  const r = sim.addReceiver(() => sim.random() < 0.4);
  sim.source.start(0);
  sim.dropUp = () => sim.random() < 0.4;
  const messages = numbered(2000, 60);
  sim.send(...messages);
  sim.run(120_000);
  assert.ok(r.losses > 0);
  const all = names(messages);
  let at = -1;
  for (const name of names(r.messages)) {
    const i = all.indexOf(name, at + 1);
    assert.ok(i > at, "in order and never torn");
    at = i;
  }
});

test("session: the source keeps to its rate, repairs included", () => {
  const rate = 125_000; // 1 Mbit/s
  const sim = new Sim({ seed: 9, rate });
  sim.addReceiver(() => sim.random() < 0.1);
  sim.source.start(0);
  sim.send(...numbered(5000, 200));
  sim.run(4_000);
  // Two milliseconds of burst allowance on top of the rate.
  assert.ok(sim.sent.dataBytes <= rate * 4 + 1500, `${sim.sent.dataBytes} bytes of data in 4 s`);
  assert.ok(sim.sent.dataBytes >= rate * 3.9, "and it uses it");
});

test("session: a flood of NAKs for one packet gets one NCF and one RDATA while the repair waits", () => {
  const sim = new Sim({ seed: 10, rate: 10_000 });
  sim.addReceiver();
  sim.source.start(0);
  sim.send(...numbered(10, 1000));
  sim.run(2_000);
  const before = { ...sim.source.stats };
  const packet = decodePacket(encodeNak({
    kind: "nak",
    gsi: Uint8Array.of(1, 2, 3, 4, 5, 6),
    sourcePort: PORT,
    destinationPort: 4321,
    sequences: [1],
    sourceNla: SOURCE_NLA,
    groupNla: GROUP,
  })) as PgmPacket;
  for (let i = 0; i < 1000; i++) sim.source.handle(packet, sim.now);
  sim.source.poll(sim.now);
  assert.equal(sim.source.stats.rdata - before.rdata, 1);
  assert.equal(sim.source.stats.naks - before.naks, 1000);
});
