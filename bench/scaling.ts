/**
 * Where the work grows, omq against zeromq.js (libzmq 4.3) on Node over tcp, all
 * sockets in one process: a Subscriber holding 1, 1,000 and 10,000 prefixes
 * (`topic-NNNNNN.`), one Publisher fanning out to 50 and to 500 Subscribers, and
 * a Router answering one Dealer's requests while 0 or 5,000 other Dealers
 * (over inproc, so no descriptors) stay connected and silent. Each library runs
 * in a process of its own per run; medians of the runs, ratios from the same
 * invocation.
 *
 *   node --import tsx bench/scaling.ts             # 3 runs (also part of `npm run bench`)
 *   node --import tsx bench/scaling.ts --runs=5
 *   node --import tsx bench/scaling.ts --quick     # tiny counts: checks the bench itself
 *
 * A publisher drops for a subscriber at its high-water mark, so the publisher
 * sends in rounds of 250 and starts a round once every subscriber has all but
 * the last one: at most 500 messages in flight per subscriber, below every
 * high-water mark, so nothing is dropped and the rate is the rate of delivery.
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as omq from "../mod.ts";

type Impl = "omq" | "zeromq.js";
interface SubscriptionCase {
  kind: "subscriptions";
  prefixes: number;
  count: number;
}
interface FanOutCase {
  kind: "fan-out";
  subscribers: number;
  count: number;
}
interface IdlePeersCase {
  kind: "idle-peers";
  peers: number;
  count: number;
}
type Case = SubscriptionCase | FanOutCase | IdlePeersCase;

/** What both libraries' sockets offer, as used here. */
interface AnySocket {
  bind(endpoint: string): Promise<void>;
  connect(endpoint: string): void;
  send(message: Uint8Array): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  subscribe(...prefixes: string[]): void;
  close(): unknown;
  readonly lastEndpoint: string | null;
  linger: number;
  sendHighWaterMark: number;
}

const SIZE = 100;
const ROUND = 250;
const topic = (i: number): string => `topic-${String(i).padStart(6, "0")}.`;

/** A 100 B message whose first frame starts with `prefix`; its last byte tells data (1) from a probe (0). */
function message(prefix: string, data: boolean): Uint8Array {
  const m = new Uint8Array(SIZE);
  m.set(new TextEncoder().encode(prefix));
  m[SIZE - 1] = data ? 1 : 0;
  return m;
}

async function sockets(impl: Impl): Promise<{ pub(): AnySocket; sub(): AnySocket }> {
  const lib = (impl === "omq" ? omq : await import("zeromq")) as unknown as Record<string, new () => AnySocket>;
  return { pub: () => new lib.Publisher(), sub: () => new lib.Subscriber() };
}

/**
 * Runs one publisher against `subs` (already connected and subscribed): probes until each
 * has one, then `count` messages in rounds; resolves with deliveries per second.
 */
async function publish(pub: AnySocket, subs: AnySocket[], probe: Uint8Array, data: Uint8Array[], count: number) {
  const received = new Array<number>(subs.length).fill(0);
  let probing = subs.length;
  let waiting: { target: number; pending: number; resolve(): void } | null = null;
  const loops = subs.map(async (sub, k) => {
    let probed = false;
    try {
      while (received[k] < count) {
        const [first] = await sub.receive();
        if (first[SIZE - 1] === 0) {
          if (!probed) (probed = true, probing--);
          continue;
        }
        const n = ++received[k];
        if (waiting !== null && n === waiting.target && --waiting.pending === 0) waiting.resolve();
      }
    } catch {
      // zeromq.js rejects a pending receive with EAGAIN at close; the rows say what arrived.
    }
  });
  /** Resolves once every subscriber has `target` messages. */
  const reached = (target: number) =>
    new Promise<void>((resolve) => {
      const pending = received.filter((n) => n < target).length;
      if (pending === 0) return resolve();
      waiting = { target, pending, resolve };
    });
  while (probing > 0) {
    await pub.send(probe);
    await new Promise((r) => setTimeout(r, 10));
  }
  const started = performance.now();
  for (let sent = 0; sent < count;) {
    const round = Math.min(ROUND, count - sent);
    for (let i = 0; i < round; i++) await pub.send(data[(sent + i) % data.length]);
    sent += round;
    await reached(sent - round);
  }
  await reached(count);
  const seconds = (performance.now() - started) / 1000;
  await Promise.race([Promise.all(loops), new Promise((r) => setTimeout(r, 0))]);
  return (count * subs.length) / seconds;
}

/** ZMQ_SNDHWM; zeromq.js offers the property on writable sockets only, not on a Subscriber. */
function setSendHighWaterMark(sub: AnySocket, value: number): void {
  const native = sub as unknown as { setInt32Option?(option: number, value: number): void };
  if (native.setInt32Option) native.setInt32Option(23, value);
  else sub.sendHighWaterMark = value;
}

async function closeAll(all: AnySocket[]): Promise<void> {
  for (const s of all) s.linger = 0;
  await Promise.all(all.map((s) => s.close()));
}

/** Round trips per second between one Dealer (tcp) and a Router that also has `c.peers` idle Dealers. */
async function idlePeers(impl: Impl, c: IdlePeersCase): Promise<number> {
  type Echo = {
    bind(e: string): Promise<void>;
    connect(e: string): void;
    send(m: unknown): Promise<void>;
    receive(): Promise<Uint8Array[]>;
    close(): unknown;
    linger: number;
    lastEndpoint: string | null;
  };
  const lib = (impl === "omq" ? omq : await import("zeromq")) as unknown as Record<string, new (o?: object) => Echo>;
  // libzmq's context holds 1,023 sockets unless told otherwise. A new options object each time:
  // zeromq.js takes `context` out of the one it is given.
  const context = impl === "omq" ? undefined : new lib.Context({ maxSockets: c.peers + 100 });
  const options = () => context ? { context } : {};
  const router = new lib.Router(options());
  await router.bind("tcp://127.0.0.1:*");
  const tcp = router.lastEndpoint!;
  await router.bind(`inproc://idle-${c.peers}`);
  const serving = (async () => {
    for (;;) {
      const [id, body] = await router.receive().catch(() => [] as Uint8Array[]);
      if (!id) return;
      await router.send([id, body]);
    }
  })();
  const all: Echo[] = [router];
  for (let i = 0; i < c.peers; i++) {
    const idle = new lib.Dealer(options());
    idle.connect(`inproc://idle-${c.peers}`);
    all.push(idle);
    // Each says hello once, so the Router knows it; then it stays silent.
    await idle.send(MESSAGE_100);
    await idle.receive();
  }
  const active = new lib.Dealer(options());
  all.push(active);
  active.connect(tcp);
  await active.send(MESSAGE_100);
  await active.receive();
  const t0 = performance.now();
  for (let i = 0; i < c.count; i++) {
    await active.send(MESSAGE_100);
    await active.receive();
  }
  const rate = c.count / ((performance.now() - t0) / 1000);
  for (const s of all) s.linger = 0;
  await Promise.all(all.map((s) => s.close()));
  await serving;
  return rate;
}
const MESSAGE_100 = new Uint8Array(SIZE);

async function runCase(impl: Impl, c: Case): Promise<number> {
  if (c.kind === "idle-peers") return await idlePeers(impl, c);
  const f = await sockets(impl);
  const pub = f.pub();
  await pub.bind("tcp://127.0.0.1:*");
  const subs: AnySocket[] = [];
  const n = c.kind === "subscriptions" ? 1 : c.subscribers;
  for (let i = 0; i < n; i++) {
    const sub = f.sub();
    // libzmq drops the subscriptions a SUB sends beyond its send high-water mark (and with
    // them every message they would match): give it room for all. omq keeps them regardless.
    if (c.kind === "subscriptions") setSendHighWaterMark(sub, c.prefixes + 1000);
    sub.connect(pub.lastEndpoint!);
    subs.push(sub);
  }
  let rate: number;
  if (c.kind === "subscriptions") {
    for (let i = 0; i < c.prefixes; i++) subs[0].subscribe(topic(i));
    // Messages on topics spread over the whole range; the probe's is the last subscribed.
    const data = Array.from(
      { length: Math.min(c.prefixes, 1000) },
      (_, k) => message(topic((k * 7919) % c.prefixes), true),
    );
    rate = await publish(pub, subs, message(topic(c.prefixes - 1), false), data, c.count);
  } else {
    for (const sub of subs) sub.subscribe(topic(0));
    rate = await publish(pub, subs, message(topic(0), false), [message(topic(0), true)], c.count);
  }
  await closeAll([pub, ...subs]);
  return rate;
}

const args = process.argv.slice(2);
const worker = args.find((a) => a.startsWith("--worker="))?.slice(9) as Impl | undefined;

if (worker) {
  const cases = JSON.parse(args.find((a) => a.startsWith("--cases="))!.slice(8)) as Case[];
  for (const c of cases) console.log(JSON.stringify(await runCase(worker, c)));
  process.exit(0);
}

const quick = args.includes("--quick");
const runs = Number(args.find((a) => a.startsWith("--runs="))?.slice(7) ?? (quick ? 1 : 3));
const count = (n: number) => quick ? Math.max(ROUND * 2, Math.round(n / 100)) : n;
const cases: Case[] = [
  ...[1, 1000, 10_000].map((prefixes): Case => ({ kind: "subscriptions", prefixes, count: count(200_000) })),
  { kind: "fan-out", subscribers: 50, count: count(5000) },
  { kind: "fan-out", subscribers: 500, count: count(1000) },
  { kind: "idle-peers", peers: 0, count: count(20_000) },
  { kind: "idle-peers", peers: 5000, count: count(20_000) },
];

function runWorker(impl: Impl): Promise<number[]> {
  const script = fileURLToPath(import.meta.url);
  const argv = [process.execPath, "--import", "tsx", script, `--worker=${impl}`, `--cases=${JSON.stringify(cases)}`];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`bench/scaling.ts --worker=${impl} exited with ${code}`));
      resolve(out.trim().split("\n").map(Number));
    });
  });
}

const samples = new Map<string, number[]>();
for (let r = 0; r < runs; r++) {
  for (const impl of ["zeromq.js", "omq"] as const) {
    process.stdout.write(`  scaling run ${r + 1}/${runs}: ${impl} on node…\n`);
    (await runWorker(impl)).forEach((rate, i) =>
      samples.set(`${i}|${impl}`, [...samples.get(`${i}|${impl}`) ?? [], rate])
    );
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => xs.length < 2 ? 0 : (Math.max(...xs) - Math.min(...xs)) / median(xs);
const value = (i: number, impl: Impl) => median(samples.get(`${i}|${impl}`)!);
const cell = (i: number, impl: Impl) => {
  const xs = samples.get(`${i}|${impl}`)!;
  return `${(median(xs) / 1e6).toFixed(3)} M/s${spread(xs) > 0.25 ? " ~" : ""}`;
};
const rows = [["case (tcp, 100 B, Node, 1 process)", "zeromq.js", "omq", "omq/zeromq.js"]];
cases.forEach((c, i) => {
  const name = c.kind === "subscriptions"
    ? `pub→sub, subscriber holds ${c.prefixes.toLocaleString("en")} prefix${c.prefixes > 1 ? "es" : ""}`
    : c.kind === "fan-out"
    ? `fan-out to ${c.subscribers} subscribers (deliveries)`
    : `router↔dealer round trips, ${c.peers.toLocaleString("en")} idle peers`;
  rows.push([name, cell(i, "zeromq.js"), cell(i, "omq"), `${(value(i, "omq") / value(i, "zeromq.js")).toFixed(2)}×`]);
});
const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
const line = (r: string[]) => `| ${r.map((c, k) => c.padEnd(widths[k])).join(" | ")} |`;
console.log();
console.log(line(rows[0]));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows.slice(1)) console.log(line(r));
console.log(
  `\nomq with 10,000 prefixes keeps ${(value(2, "omq") / value(0, "omq")).toFixed(2)}× of its 1-prefix rate ` +
    `(zeromq.js ${(value(2, "zeromq.js") / value(0, "zeromq.js")).toFixed(2)}×).`,
);
console.log(`${quick ? "(quick: tiny counts, figures meaningless) " : ""}Rerun: node --import tsx bench/scaling.ts`);
