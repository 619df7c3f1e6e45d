// Property-based fuzzing of the udp:// datagram formats (libzmq's udp_engine): the RADIO/DISH group
// datagram and the DGRAM address frame, then random datagrams at a bound DISH and DGRAM socket:
// the process lives, nothing malformed comes out, and a good datagram still arrives after. A fixed
// seed keeps CI repeatable; `npm run fuzz` runs many more cases (FUZZ_RUNS) with a random seed,
// printed by fast-check with any counterexample so that a failure can be replayed (FUZZ_SEED).
import { test } from "node:test";
import assert from "node:assert/strict";
import { isIP } from "node:net";
import process from "node:process";
import fc from "fast-check";
import {
  datagramAddress,
  DatagramAddresses,
  groupDatagram,
  parseDatagramAddress,
  parseGroupDatagram,
} from "../../src/zmtp/datagram.ts";
import { Datagram, Dish } from "../../mod.ts";
import { udp, type UdpSocket } from "../../transports/runtime/udp.ts";
import { bytes, concatBytes, text } from "../support/util.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 300);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? Date.now() : 20261207;
const params = { numRuns: runs, seed };

// --- RADIO/DISH: [length byte, group, body] ---

test("fuzz-udp: parseGroupDatagram never throws; it splits at the length byte or says null", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (data) => {
      const parsed = parseGroupDatagram(data);
      if (data.byteLength === 0 || 1 + data[0] > data.byteLength) {
        assert.equal(parsed, null);
        return;
      }
      assert.ok(parsed);
      const [group, body] = parsed;
      assert.equal(group.byteLength, data[0]);
      assert.deepEqual(concatBytes([group, body]), data.subarray(1));
      assert.equal(body.buffer, data.buffer, "views of the datagram");
    }),
    params,
  );
});

test("fuzz-udp: any group of up to 255 bytes and any body make a datagram that parses back", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (group, body) => {
      const chunks = groupDatagram(group, body);
      if (group.byteLength > 255) {
        assert.equal(chunks, null);
        return;
      }
      assert.deepEqual(parseGroupDatagram(concatBytes(chunks!)), [group, body]);
    }),
    params,
  );
});

// --- DGRAM: the "host:port" address frame ---

/** What parseDatagramAddress should say, from node:net's isIP (inet_pton's forms, an IPv6 zone). */
function expectedPeer(frame: string): { host: string; port: number } | null {
  if (frame.endsWith("\0")) frame = frame.slice(0, -1);
  const colon = frame.lastIndexOf(":");
  if (colon < 0) return null;
  const host = frame.slice(0, colon);
  const port = frame.slice(colon + 1);
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return null;
  const bracketed = /^\[(.*)\]$/s.exec(host);
  if (bracketed) return isIP(bracketed[1]) === 6 ? { host: bracketed[1], port: Number(port) } : null;
  return isIP(host) === 4 ? { host, port: Number(port) } : null;
}

/** Address-like text: pieces of addresses, ports and junk, so that near misses are common. */
const addressLike = fc.array(
  fc.constantFrom(
    "1",
    "0",
    "01",
    "25",
    "255",
    "256",
    "999",
    "ff",
    "FFFF",
    "12345",
    "g",
    ".",
    ":",
    "::",
    "[",
    "]",
    "%",
    "lo",
    "eth0",
    "-",
    " ",
    "\0",
    "é",
    "65535",
    "65536",
    "127.0.0.1",
    "::ffff:",
  ),
  { maxLength: 14 },
).map((pieces) => pieces.join(""));

/** Frames shaped as host:port from near-miss octets, groups, zones and ports: the parser's edge cases. */
const hostPortLike = (() => {
  const octet = fc.constantFrom(
    "0",
    "00",
    "01",
    "1",
    "10",
    "99",
    "199",
    "249",
    "255",
    "256",
    "999",
    "0x1",
    "",
    "-1",
    " 1",
  );
  const ipv4 = fc.array(octet, { minLength: 1, maxLength: 5 }).map((o) => o.join("."));
  const group = fc.oneof(
    fc.constantFrom("", "0", "1", "ff", "FFFF", "fffff", "12345", "g", "-"),
    ipv4,
  );
  const zone = fc.constantFrom("", "%lo", "%eth0", "%1", "%", "%é", "%a b", "%:", "%%", "%-.");
  const ipv6 = fc.tuple(fc.array(group, { minLength: 1, maxLength: 10 }), zone).map(([g, z]) => g.join(":") + z);
  const host = fc.tuple(fc.oneof(ipv4, ipv6), fc.constantFrom("plain", "bracketed", "open"))
    .map(([h, b]) => (b === "bracketed" ? `[${h}]` : b === "open" ? `[${h}` : h));
  const port = fc.constantFrom("1", "0", "5555", "65535", "65536", "", "5x", "00001", "123456", "-1", "+1", "1e3");
  const tail = fc.constantFrom("", "\0", "\0\0", " ");
  return fc.tuple(host, port, tail).map(([h, p, t]) => `${h}:${p}${t}`);
})();

const validPeer = fc.oneof(
  fc.record({ host: fc.ipV4(), port: fc.integer({ min: 1, max: 65535 }) }),
  fc.record({ host: fc.ipV6(), port: fc.integer({ min: 1, max: 65535 }) }),
);

test("fuzz-udp: parseDatagramAddress takes exactly a numeric host (inet_pton's forms) and a port 1-65535", () => {
  fc.assert(
    fc.property(fc.oneof(hostPortLike, addressLike, fc.string({ maxLength: 40, unit: "binary" })), (frame) => {
      assert.deepEqual(parseDatagramAddress(frame), expectedPeer(frame), JSON.stringify(frame));
    }),
    params,
  );
});

test("fuzz-udp: every peer's address frame parses back to it, with or without libzmq's NUL", () => {
  fc.assert(
    fc.property(validPeer, fc.boolean(), ({ host, port }, nul) => {
      const frame = datagramAddress(host, port) + (nul ? "\0" : "");
      assert.deepEqual(parseDatagramAddress(frame), { host, port });
    }),
    params,
  );
});

test("fuzz-udp: DatagramAddresses remembers one frame yet answers as parsing each afresh, frames changed in place too", () => {
  const frame = fc.oneof(
    validPeer.map(({ host, port }) => bytes(datagramAddress(host, port))),
    hostPortLike.map(bytes),
    addressLike.map(bytes),
    fc.uint8Array({ maxLength: 24 }),
  );
  // Each step: a new frame, or the last one sent again, or the last one with a byte changed in place.
  const step = fc.oneof(
    frame.map((f) => ({ kind: "new" as const, f })),
    fc.constant({ kind: "again" as const }),
    fc.record({ kind: fc.constant("poke" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  );
  const decoder = new TextDecoder();
  fc.assert(
    fc.property(fc.array(step, { minLength: 1, maxLength: 20 }), (steps) => {
      const addresses = new DatagramAddresses();
      let last: Uint8Array = new Uint8Array(0);
      for (const s of steps) {
        if (s.kind === "new") last = s.f;
        else if (s.kind === "poke" && last.byteLength > 0) last[s.at % last.byteLength] = s.value;
        assert.deepEqual(addresses.peerOf(last), parseDatagramAddress(decoder.decode(last)));
      }
    }),
    params,
  );
});

// --- random datagrams at live sockets ---

/** How many random datagrams each live test sends (in batches, each closed by a good one). */
const LIVE_DATAGRAMS = Math.max(200, Math.min(runs, 20_000));
const BATCH = 50;
const MAX_MESSAGE = 200;

/** Random datagrams, near-valid for a DISH (a length byte and a group the DISH joined) half the time. */
function randomDatagrams(count: number, joined: readonly string[], batchSeed: number): Uint8Array[] {
  const groupLike = fc.oneof(fc.constantFrom(...joined).map(bytes), fc.uint8Array({ maxLength: 6 }));
  const framed = fc.tuple(groupLike, fc.uint8Array({ maxLength: MAX_MESSAGE + 20 }), fc.integer({ min: -2, max: 2 }))
    .map(([group, body, skew]) => {
      const datagram = concatBytes([Uint8Array.of(group.byteLength), group, body]);
      // A length byte a little off: truncated groups, or groups that eat into the body.
      datagram[0] = Math.max(0, Math.min(255, group.byteLength + skew));
      return datagram;
    });
  const junk = fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.constant(new Uint8Array(0)),
    fc.constant(Uint8Array.of(255)),
  );
  return fc.sample(fc.oneof(framed, junk), { numRuns: count, seed: batchSeed });
}

/**
 * Receives from `next` until the message `isEnd` accepts, resending `resend` each second meanwhile (a
 * datagram the kernel dropped when its queue was full), and returns what came before it.
 */
async function untilGood<T>(
  next: () => Promise<T>,
  isEnd: (m: T) => boolean,
  resend: () => void,
  what: string,
): Promise<T[]> {
  const before: T[] = [];
  const deadline = Date.now() + 20_000;
  let pending = next();
  for (;;) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = new Promise<"tick">((resolve) => (timer = setTimeout(() => resolve("tick"), 1000)));
    const got = await Promise.race([pending, tick]);
    clearTimeout(timer);
    if (got === "tick") {
      assert.ok(Date.now() < deadline, `${what}: the good datagram never arrived`);
      resend();
      continue;
    }
    if (isEnd(got as T)) return before;
    before.push(got as T);
    pending = next();
  }
}

/** Whether `sub` is a subsequence of `all` (UDP may drop, never reorders on loopback nor invents). */
function assertSubsequence(sub: readonly string[], all: readonly string[], what: string): void {
  let at = 0;
  for (const s of sub) {
    while (at < all.length && all[at] !== s) at++;
    assert.ok(at < all.length, `${what}: ${JSON.stringify(s)} was delivered but is not what was sent, in order`);
    at++;
  }
}

const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");

async function rawSocket(): Promise<UdpSocket> {
  return await udp.bind({ host: "127.0.0.1", port: 0, family: 4 });
}

test("fuzz-udp: random datagrams at a bound DISH: only joined, well-formed messages come out, and a good one after", async () => {
  const joined = ["g", "", "ab"];
  const dish = new Dish({ linger: 0, maxMessageSize: MAX_MESSAGE });
  const raw = await rawSocket();
  try {
    await dish.bind("udp://127.0.0.1:*");
    dish.join(...joined);
    const port = Number(dish.lastEndpoint!.slice(dish.lastEndpoint!.lastIndexOf(":") + 1));
    let delivered = 0;
    for (let sent = 0, batch = 0; sent < LIVE_DATAGRAMS; sent += BATCH, batch++) {
      const datagrams = randomDatagrams(BATCH, joined, seed + batch);
      // What a DISH may deliver of them, as "group|body" in hex: libzmq's rules, from the parser alone.
      const expected: string[] = [];
      for (const d of datagrams) {
        const parsed = parseGroupDatagram(d);
        if (parsed && joined.includes(text(parsed[0])) && parsed[1].byteLength <= MAX_MESSAGE) {
          expected.push(`${hex(parsed[0])}|${hex(parsed[1])}`);
        }
      }
      for (const d of datagrams) raw.send([d], "127.0.0.1", port);
      const good = concatBytes(groupDatagram(bytes("g"), bytes(`good ${batch}`))!);
      const send = () => raw.send([good], "127.0.0.1", port);
      send();
      const before = await untilGood(
        () => dish.receive(),
        ([body, { group }]) => text(group) === "g" && text(body) === `good ${batch}`,
        send,
        `batch ${batch}`,
      );
      const got = before.map(([body, { group }]) => `${hex(group)}|${hex(body)}`);
      // A good datagram sent again may arrive twice: the later copy comes before the next batch's.
      assertSubsequence(
        got.filter((g) => !g.startsWith(`${hex(bytes("g"))}|${hex(bytes("good "))}`)),
        expected,
        "DISH",
      );
      delivered += got.length;
    }
    assert.ok(delivered > 0, "some random datagrams were messages");
  } finally {
    await raw.close();
    await dish.close();
  }
});

test("fuzz-udp: random datagrams at a bound DGRAM: each is [sender, datagram], none over the limit, and a good one after", async () => {
  const dgram = new Datagram({ linger: 0, maxMessageSize: MAX_MESSAGE });
  const raw = await rawSocket();
  try {
    await dgram.bind("udp://127.0.0.1:*");
    const port = Number(dgram.lastEndpoint!.slice(dgram.lastEndpoint!.lastIndexOf(":") + 1));
    const sender = `127.0.0.1:${raw.port}`;
    for (let sent = 0, batch = 0; sent < LIVE_DATAGRAMS; sent += BATCH, batch++) {
      const datagrams = fc.sample(fc.uint8Array({ maxLength: MAX_MESSAGE + 100 }), {
        numRuns: BATCH,
        seed: seed + batch,
      });
      const expected = datagrams.filter((d) => d.byteLength <= MAX_MESSAGE).map(hex);
      for (const d of datagrams) raw.send([d], "127.0.0.1", port);
      const good = bytes(`good ${batch}`);
      const send = () => raw.send([good], "127.0.0.1", port);
      send();
      const before = await untilGood(
        () => dgram.receive(),
        ([, body]) => text(body) === `good ${batch}`,
        send,
        `batch ${batch}`,
      );
      for (const message of before) {
        assert.equal(message.length, 2, "[address, body]");
        assert.equal(text(message[0]), sender);
      }
      // A good datagram sent again may arrive twice: the later copy comes before the next batch's.
      const got = before.map((m) => hex(m[1])).filter((h) => !h.startsWith(hex(bytes("good "))));
      assertSubsequence(got, expected, "DGRAM");
    }
  } finally {
    await raw.close();
    await dgram.close();
  }
});
