// Every attack of the hostile-peer list against each socket type over real TCP, while a good
// peer keeps exchanging messages with the same socket: the attacker loses its connection, the
// good peer loses nothing, the process carries on.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import process from "node:process";
import { Dealer, Publisher, Pull, Push, Reply, Request, Router, type Socket, Subscriber } from "../../mod.ts";
import { encodeGreeting } from "../../src/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { encodeFrames } from "../../src/zmtp/frame.ts";
import { concatBytes, text, withTimeout } from "../support/util.ts";

const cat = (...parts: Uint8Array[]) => concatBytes(parts);
const hello = (type: string) =>
  cat(
    encodeGreeting("NULL", false),
    encodeFrames([encodeCommand("READY", encodeMetadata([["Socket-Type", type]]))], 0x04),
  );

/** Each attack: the bytes a hostile peer sends after connecting (given the type it pretends to be). */
const attacks: Record<string, (type: string) => Uint8Array> = {
  "HTTP instead of ZMTP": () => new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"),
  "ZMTP 2.0 greeting": () => {
    const g = encodeGreeting("NULL", false);
    g[10] = 2;
    return g;
  },
  "unknown mechanism": () => encodeGreeting("FOO", false),
  "frame above maxMessageSize": (t) => cat(hello(t), new Uint8Array([0x02, 0, 0, 0, 0, 0, 0x10, 0, 0])),
  "2^63 frame length": (t) => cat(hello(t), new Uint8Array([0x02, 0x80, 0, 0, 0, 0, 0, 0, 0])),
  "reserved flag bits": (t) => cat(hello(t), new Uint8Array([0xf0, 1, 0])),
  "invalid command": (t) => cat(hello(t), new Uint8Array([0x04, 3, 200, 1, 2])),
  "stops mid-frame": (t) => cat(hello(t), encodeFrames([new Uint8Array(5000)]).subarray(0, 1000)),
  "floods without reading": (t) => {
    const m = encodeFrames([new TextEncoder().encode("flood"), new Uint8Array(1000)]);
    return cat(hello(t), ...Array.from({ length: 3000 }, () => m));
  },
};

interface Victim {
  make(): Socket;
  /** The socket type the attacker claims (one the victim accepts), and a good peer. */
  attackerType: string;
  good(): Socket;
  /** One exchange between the good peer and the victim; returns what the victim side saw. */
  exchange(victim: Socket, good: Socket, i: number): Promise<string>;
  /** Work to do once connected before exchanging (pub/sub). */
  ready?(victim: Socket, good: Socket): Promise<void>;
}

const opts = { linger: 0, maxMessageSize: 64 * 1024, receiveHighWaterMark: 100 };
const victims: Record<string, Victim> = {
  Pull: {
    make: () => new Pull(opts),
    attackerType: "PUSH",
    good: () => new Push({ linger: 0 }),
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

for (const [victimName, spec] of Object.entries(victims)) {
  test(`${victimName}: every attack costs only the attacker's connection; the good peer loses nothing`, async () => {
    const victim = spec.make();
    await victim.bind("tcp://127.0.0.1:*");
    const good = spec.good();
    good.connect(victim.lastEndpoint!);
    if (spec.ready) await withTimeout(spec.ready(victim, good), 5000, "pub/sub ready");
    // What the victim reported, for the table printed at the end (the closing note's fault table).
    const events: string[] = [];
    void (async () => {
      for await (const e of victim.events) events.push(e.type);
    })();
    // The good peer's own bind/accept/handshake events are not part of any attack's row.
    await withTimeout(
      (async () => {
        while (!events.includes("handshake")) await new Promise((r) => setTimeout(r, 5));
      })(),
      5000,
      "the good peer's handshake event",
    );
    const rows: string[] = [];
    let i = 0;
    for (const [name, bytes] of Object.entries(attacks)) {
      events.length = 0;
      const first = i;
      let peak = process.memoryUsage().rss;
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
      const seen = [...new Set(events.filter((e) => e !== "accept"))].join(", ") || "nothing (hung up by the attacker)";
      rows.push(`| ${victimName} | ${name} | ${seen} | 0 of ${i - first} | ${(peak / 2 ** 20).toFixed(0)} MB |`);
    }
    assert.ok(i >= Object.keys(attacks).length);
    console.log(
      ["| victim | attack | victim's events | good peer's losses | peak RSS |", "|---|---|---|---|---|", ...rows].join(
        "\n",
      ),
    );
    await good.close();
    await victim.close();
  });
}
