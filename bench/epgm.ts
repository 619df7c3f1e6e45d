/**
 * epgm:// throughput, omq against libzmq (Debian's python3-zmq: libzmq 4.3 with OpenPGM) at the
 * same rate limit: a publisher on one "host" sends `count` messages of 100 B and of 8 kB as fast
 * as its rate lets it, a subscriber on the other counts them. The two hosts are network
 * namespaces joined by a veth pair (epgm is multicast: each side needs a host of its own), so
 * this needs root, `unshare`, `nsenter` and `ip`; python3-zmq is installed if missing.
 *
 *   node --import tsx bench/epgm.ts                  # rate 1 Gbit/s, 3 runs, medians
 *   node --import tsx bench/epgm.ts --rate=100000    # kbit/s (ZMQ_RATE), both libraries
 *   node --import tsx bench/epgm.ts --runs=5 --quick
 *
 * Each figure is messages (and megabytes) per second at the subscriber, from its first message
 * to its last, loss repaired; `lost` counts messages that never came (loss beyond repair).
 * The same file is the omq side when started with `pub` or `sub`.
 *
 * @module
 */
import type { ChildProcess } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Publisher, Subscriber } from "../mod.ts";

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL("..", import.meta.url).href);

// The libzmq side, the same protocol as the omq side below.
const PYZMQ = `
import sys, threading, time, json
import zmq
mode, endpoint, size, count, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ctx = zmq.Context()
if mode == "pub":
    s = ctx.socket(zmq.PUB); s.setsockopt(zmq.RATE, rate); s.setsockopt(zmq.SNDHWM, 0); s.connect(endpoint)
    go = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.readline(), go.set()), daemon=True).start()
    while not go.is_set():
        s.send(b"probe"); time.sleep(0.05)
    body = b"x" * size
    for i in range(count): s.send(body)
    print("sent", flush=True); sys.stdin.read(); s.close(linger=3000)
else:
    s = ctx.socket(zmq.SUB); s.setsockopt(zmq.RATE, rate); s.setsockopt(zmq.RCVHWM, 0)
    s.setsockopt(zmq.SUBSCRIBE, b""); s.connect(endpoint)
    s.recv()
    print("ready", flush=True)
    while s.recv() == b"probe": pass
    start = time.perf_counter(); got = 1; last = start
    s.setsockopt(zmq.RCVTIMEO, 3000)
    try:
        while got < count:
            m = s.recv()
            if m != b"probe": got += 1; last = time.perf_counter()
    except zmq.Again: pass
    print(json.dumps({"got": got, "seconds": last - start}), flush=True)
    s.close(linger=0)
ctx.term()
`;

async function omqSide(mode: string, endpoint: string, size: number, count: number, rate: number): Promise<void> {
  if (mode === "pub") {
    const pub = new Publisher({ rate, sendHighWaterMark: 0 });
    pub.connect(endpoint);
    let go = false;
    process.stdin.on("data", () => (go = true));
    while (!go) {
      await pub.send("probe");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const body = new Uint8Array(size).fill(0x78);
    for (let i = 0; i < count; i++) await pub.send(body);
    console.log("sent");
    await new Promise((resolve) => process.stdin.on("end", resolve));
    pub.linger = 3000;
    await pub.close();
    return;
  }
  const sub = new Subscriber({ rate, receiveHighWaterMark: 0 });
  sub.events.on("loss", (e) => console.error(e.error?.message));
  sub.subscribe();
  sub.connect(endpoint);
  const isProbe = (m: Uint8Array[]) => m[0].length === 5 && m[0][0] === 0x70;
  await sub.receive();
  console.log("ready");
  while (isProbe(await sub.receive()));
  const start = performance.now();
  let got = 1;
  let last = start;
  sub.receiveTimeout = Number(process.env.EPGM_SILENCE ?? 3000);
  try {
    while (got < count) {
      if (!isProbe(await sub.receive())) {
        got++;
        last = performance.now();
      }
    }
  } catch {
    // Silence: the rest was lost.
  }
  console.log(JSON.stringify({ got, seconds: (last - start) / 1000 }));
  sub.linger = 0;
  await sub.close();
}

if (process.argv[2] === "pub" || process.argv[2] === "sub") {
  const [mode, endpoint, size, count, rate] = process.argv.slice(2);
  await omqSide(mode, endpoint, Number(size), Number(count), Number(rate));
  process.exit(0);
}

// --- the driver ---

const { netnsUnavailable, twoHosts } = await import("../tests/support/two-hosts.ts");
const { requireDebianPackages } = await import("../scripts/system-packages.ts");

const flag = (name: string, fallback: number) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
};
const quick = process.argv.includes("--quick");
const rate = flag("rate", 1_000_000);
const runs = flag("runs", quick ? 1 : 3);
const SIZES = [100, 8192];
const countFor = (size: number) => quick ? 2000 : size <= 100 ? 300_000 : 30_000;

type Impl = "libzmq" | "node" | "deno" | "bun";
const IMPLS: Impl[] = ["libzmq", "node", "deno", "bun"];
const bin = (name: string) => `${ROOT}node_modules/.bin/${name}`;
const command = (impl: Impl, args: string[]): string[] => {
  switch (impl) {
    case "libzmq":
      return ["/usr/bin/python3", "-c", PYZMQ, ...args];
    case "node":
      return [process.execPath, "--import", "tsx", SELF, ...args];
    case "deno":
      return [bin("deno"), "run", "-A", SELF, ...args];
    case "bun":
      return [bin("bun"), SELF, ...args];
  }
};

function firstLine(child: ChildProcess, match: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      buffer += chunk;
      const line = buffer.split("\n").find((l) => match.test(l));
      if (line) resolve(line);
    });
    child.on("exit", () => reject(new Error(`exited before printing ${match}: ${buffer}`)));
  });
}

async function once(impl: Impl, size: number): Promise<{ rate: number; lost: number }> {
  const hosts = await twoHosts();
  const count = countFor(size);
  const ep = (address: string) => `epgm://${address};239.192.99.1:5555`;
  const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1" };
  const sub = hosts.b.spawn(command(impl, ["sub", ep(hosts.b.address), String(size), String(count), String(rate)]), {
    cwd: ROOT,
    env,
  });
  const pub = hosts.a.spawn(command(impl, ["pub", ep(hosts.a.address), String(size), String(count), String(rate)]), {
    cwd: ROOT,
    env,
  });
  try {
    await firstLine(sub, /^ready$/);
    pub.stdin!.write("go\n");
    const result = JSON.parse(await firstLine(sub, /^\{/)) as { got: number; seconds: number };
    return { rate: (result.got - 1) / result.seconds, lost: count - result.got };
  } finally {
    pub.kill("SIGKILL");
    sub.kill("SIGKILL");
    hosts.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const why = netnsUnavailable();
if (why) {
  console.error(`bench/epgm.ts: ${why}`);
  process.exit(1);
}
await requireDebianPackages([{ name: "python3-zmq" }]);
const rows: string[][] = [];
for (const size of SIZES) {
  const figures = new Map<Impl, { rate: number; lost: number }>();
  for (const impl of IMPLS) {
    const results = [];
    for (let r = 0; r < runs; r++) results.push(await once(impl, size));
    figures.set(impl, { rate: median(results.map((x) => x.rate)), lost: Math.max(...results.map((x) => x.lost)) });
  }
  const cell = (impl: Impl) => {
    const f = figures.get(impl)!;
    const mps = f.rate >= 1e6 ? `${(f.rate / 1e6).toFixed(2)} M/s` : `${(f.rate / 1e3).toFixed(1)} k/s`;
    return `${mps}, ${((f.rate * size) / 1e6).toFixed(1)} MB/s${f.lost ? `, lost ${f.lost}` : ""}`;
  };
  rows.push([
    `epgm pub→sub ${size} B`,
    cell("libzmq"),
    cell("node"),
    `${(figures.get("node")!.rate / figures.get("libzmq")!.rate).toFixed(2)}×`,
    cell("deno"),
    cell("bun"),
  ]);
}
const header = ["case", "libzmq (pyzmq)", "omq node", "omq/libzmq", "omq deno", "omq bun"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(`epgm throughput at rate ${rate} kbit/s, ${runs} run(s), medians (node --import tsx bench/epgm.ts)`);
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const r of rows) console.log(line(r));
process.exit(0);
