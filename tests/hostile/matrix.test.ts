// Every attack of the hostile-peer list against each socket type over real TCP, while a good
// peer keeps exchanging messages with the same socket: the attacker loses its connection (with
// the events that say how), the good peer loses nothing, memory stays bounded and nothing the
// attacker sent is kept once it is gone, and the process carries on.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import process from "node:process";
import { Dealer, Publisher, Pull, Push, Reply, Request, Router, type Socket, Subscriber } from "../../mod.ts";
import { encodeGreeting } from "../../src/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { encodeFrames } from "../../src/zmtp/frame.ts";
import { concatBytes, text, withTimeout } from "../support/util.ts";
import { collectGarbage, liveMemory } from "../support/gc.ts";

const cat = (...parts: Uint8Array[]) => concatBytes(parts);
const hello = (type: string) =>
  cat(
    encodeGreeting("NULL", false),
    encodeFrames([encodeCommand("READY", encodeMetadata([["Socket-Type", type]]))], 0x04),
  );

/** The victim's events for an attacker refused during the handshake. */
const REFUSED = ["accept", "handshake:error:protocol", "disconnect"];
/** For one dropped after its handshake (libzmq, too, reports only the disconnect then). */
const DROPPED = ["accept", "handshake", "disconnect"];

/**
 * Each attack: the bytes a hostile peer sends after connecting (given the type it pretends to be),
 * and the events the victim must report about that connection, in order.
 */
const attacks: Record<string, { bytes: (type: string) => Uint8Array; events: string[] }> = {
  "HTTP instead of ZMTP": { bytes: () => new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"), events: REFUSED },
  "ZMTP 2.0 greeting": {
    bytes: () => {
      const g = encodeGreeting("NULL", false);
      g[10] = 2;
      return g;
    },
    events: REFUSED,
  },
  "unknown mechanism": { bytes: () => encodeGreeting("FOO", false), events: REFUSED },
  "frame above maxMessageSize": {
    bytes: (t) => cat(hello(t), new Uint8Array([0x02, 0, 0, 0, 0, 0, 0x10, 0, 0])),
    events: DROPPED,
  },
  "2^63 frame length": {
    bytes: (t) => cat(hello(t), new Uint8Array([0x02, 0x80, 0, 0, 0, 0, 0, 0, 0])),
    events: DROPPED,
  },
  "reserved flag bits": { bytes: (t) => cat(hello(t), new Uint8Array([0xf0, 1, 0])), events: DROPPED },
  "invalid command": { bytes: (t) => cat(hello(t), new Uint8Array([0x04, 3, 200, 1, 2])), events: DROPPED },
  // The two below are never refused: the attacker hangs up after a while (see attack()).
  "stops mid-frame": {
    bytes: (t) => cat(hello(t), encodeFrames([new Uint8Array(5000)]).subarray(0, 1000)),
    events: DROPPED,
  },
  "floods without reading": {
    bytes: (t) => {
      const m = encodeFrames([new TextEncoder().encode("flood"), new Uint8Array(1000)]);
      return cat(hello(t), ...Array.from({ length: 8000 }, () => m)); // 8 MB
    },
    events: DROPPED,
  },
};

/** Most the process's RSS may grow during one attack (the peak RSS column; seen: up to 50 MB). */
const PEAK_GROWTH = 128 * 2 ** 20;
/**
 * Most live memory (after a full collection) may grow across one attack, once the attacker is gone:
 * half the flood, so keeping what an attacker sent fails (seen: under 1 MB on Node, Deno and Bun).
 */
const RETAINED = 4 * 2 ** 20;

interface Victim {
  make(): Socket;
  /** The socket type the attacker claims (one the victim accepts), and a good peer. */
  attackerType: string;
  good(): Socket;
  /** One exchange between the good peer and the victim; returns what the victim side saw. */
  exchange(victim: Socket, good: Socket, i: number): Promise<string>;
  /** Work to do once connected before exchanging (pub/sub). */
  ready?(victim: Socket, good: Socket): Promise<void>;
  /**
   * Reads what the attacker got queued before it left: delivered messages stay readable (as in
   * libzmq), so they are not a leak; anything still live after this is.
   */
  drain?(victim: Socket): Promise<void>;
}

async function drainQueued(victim: Socket): Promise<void> {
  for (;;) {
    try {
      await victim.receive({ signal: AbortSignal.timeout(100) });
    } catch {
      return;
    }
  }
}

const opts = { linger: 0, maxMessageSize: 64 * 1024, receiveHighWaterMark: 100 };
const victims: Record<string, Victim> = {
  Pull: {
    make: () => new Pull(opts),
    attackerType: "PUSH",
    good: () => new Push({ linger: 0 }),
    drain: drainQueued,
    async exchange(v, g, i) {
      await g.send(["good", `${i}`]);
      for (;;) {
        const m = await v.receive();
        if (text(m[0]) === "good") return text(m[1]);
      }
    },
  },
  Reply: {
    make: () => new Reply(opts),
    attackerType: "REQ",
    good: () => new Request({ linger: 0 }),
    async exchange(v, g, i) {
      await g.send(`${i}`);
      const [req] = await v.receive();
      await v.send(req);
      return text((await g.receive())[0]);
    },
  },
  Router: {
    make: () => new Router(opts),
    attackerType: "DEALER",
    good: () => new Dealer({ linger: 0, routingId: "good" }),
    drain: drainQueued,
    async exchange(v, g, i) {
      await g.send(`${i}`);
      for (;;) {
        const [id, body] = await v.receive();
        if (text(id) !== "good") continue;
        await v.send([id, body]);
        return text((await g.receive())[0]);
      }
    },
  },
  Subscriber: {
    make: () => {
      const s = new Subscriber(opts);
      s.subscribe("good");
      return s;
    },
    attackerType: "PUB",
    good: () => new Publisher({ linger: 0 }),
    drain: drainQueued,
    async ready(v, g) {
      // Publish until the subscription has reached the good publisher.
      const first = v.receive();
      let done = false;
      first.then(() => (done = true));
      while (!done) {
        await g.send(["good", "sync"]);
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.equal(text((await first)[1]), "sync");
    },
    async exchange(v, g, i) {
      await g.send(["good", `${i}`]);
      for (;;) {
        const [, body] = await v.receive();
        if (text(body) !== "sync") return text(body);
      }
    },
  },
};

/** Connects a raw TCP peer, writes the attack, resolves when the victim drops it. */
function attack(endpoint: string, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port: Number(endpoint.split(":").pop()) }, () => sock.write(bytes));
    sock.on("error", () => {});
    sock.on("data", () => {});
    sock.on("close", () => resolve());
    // A flood is never refused (it is valid traffic): it just is not read. Hang up after a while.
    setTimeout(() => sock.destroy(), 1500);
  });
}

/** A socket's events as they come, with a way to wait for the next of a type. */
function watch(socket: Socket) {
  const types: string[] = [];
  const waiting: { type: string; resolve(): void }[] = [];
  void (async () => {
    for await (const e of socket.events) {
      types.push(e.type);
      for (const w of waiting.filter((w) => w.type === e.type)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
    }
  })();
  return {
    types,
    next: (type: string) => new Promise<void>((resolve) => waiting.push({ type, resolve })),
  };
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const kb = (bytes: number) => `${Math.round(bytes / 1024)} kB`;

for (const [victimName, spec] of Object.entries(victims)) {
  test(`${victimName}: every attack costs only the attacker's connection; the good peer loses nothing`, async () => {
    const victim = spec.make();
    await victim.bind("tcp://127.0.0.1:*");
    const events = watch(victim);
    const handshaken = events.next("handshake");
    const good = spec.good();
    good.connect(victim.lastEndpoint!);
    // The good peer's own accept/handshake events are not part of any attack's row.
    await withTimeout(handshaken, 5000, "the good peer's handshake event");
    if (spec.ready) await withTimeout(spec.ready(victim, good), 5000, "pub/sub ready");
    // What the victim reported, for the table printed at the end (the closing note's fault table).
    const rows: string[] = [];
    let i = 0;
    let before = await liveMemory();
    for (const [name, { bytes, events: expected }] of Object.entries(attacks)) {
      events.types.length = 0;
      const first = i;
      const startRss = process.memoryUsage().rss;
      let peak = startRss;
      const dropped = events.next("disconnect");
      const attacking = attack(victim.lastEndpoint!, bytes(spec.attackerType));
      // Keep exchanging while the attack is on; every exchange must come back intact and in order.
      let attackOver = false;
      attacking.then(() => (attackOver = true));
      do {
        assert.equal(await withTimeout(spec.exchange(victim, good, i), 5000, `${name}: exchange ${i}`), `${i}`);
        i++;
        peak = Math.max(peak, process.memoryUsage().rss);
      } while (!attackOver);
      await withTimeout(attacking, 5000, `${name}: attacker dropped`);
      // An attacker that hung up itself may be gone before the victim has noticed.
      await withTimeout(dropped, 5000, `${name}: the victim's disconnect event`);
      if (spec.drain) await spec.drain(victim);
      let after = await liveMemory();
      // Under the full suite's load a drain can stop between two reads of the attacker's last
      // bytes, and Bun's collector lags: a leak stays through three more drains and collections.
      for (let k = 0; k < 3 && after - before >= RETAINED; k++) {
        if (spec.drain) await spec.drain(victim);
        await new Promise((resolve) => setTimeout(resolve, 200));
        after = await liveMemory();
      }
      const retained = after - before;
      before = after;
      const seen = events.types.join(", ");
      rows.push(
        `| ${victimName} | ${name} | ${seen} | 0 of ${i - first} | ${mb(peak)} (+${mb(peak - startRss)}) | ${
          kb(retained)
        } |`,
      );
      // Exactly the attacker's connection ended: a second disconnect would be the good peer's.
      assert.deepEqual(events.types, expected, `${victimName}, ${name}: the victim's events`);
      // Over the bound, what a full collection cannot give back is what counts: Bun, sharing one
      // process with every earlier test file, peaked at 160-190 MB under the full suite's load
      // (8 MB of attack; 0 MB once collected), never alone.
      const held = peak - startRss < PEAK_GROWTH ? peak : (await collectGarbage(), process.memoryUsage().rss);
      assert.ok(
        held - startRss < PEAK_GROWTH,
        `${victimName}, ${name}: RSS grew ${mb(peak - startRss)}, ${mb(held - startRss)} after a full collection`,
      );
      assert.ok(
        retained < RETAINED,
        `${victimName}, ${name}: ${kb(retained)} still live after the attacker left ` +
          `(peers ${victim.peers.length}, queued in ${victim.stats.queuedIn}, received ${victim.stats.messagesReceived})`,
      );
    }
    console.log(
      [
        "| victim | attack | victim's events | good peer's losses | peak RSS | live memory kept |",
        "|---|---|---|---|---|---|",
        ...rows,
      ].join("\n"),
    );
    await good.close();
    await victim.close();
  });
}
