/**
 * `npm run bench`: omq on Node, Deno and Bun against zeromq.js (libzmq 4.3)
 * on Node, in the same invocation. Prints one table with the ratio
 * omq/zeromq.js per row; medians of several runs; flags noisy rows.
 *
 *   npm run bench                 # full run (a few minutes)
 *   npm run bench -- --quick      # tiny counts, a smoke test of the bench itself
 *   npm run bench -- --runs=5
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { Case, Result } from "./cases.ts";

const root = fileURLToPath(new URL("..", import.meta.url).href);
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runs = Number(args.find((a) => a.startsWith("--runs="))?.slice(7) ?? (quick ? 1 : 3));
const bin = (name: string) => join(root, "node_modules", ".bin", name);

type Runtime = "node" | "deno" | "bun";
const command: Record<Runtime, (script: string) => string[]> = {
  node: (s) => [process.execPath, "--import", "tsx", s],
  deno: (s) => [bin("deno"), "run", "-A", s],
  bun: (s) => [bin("bun"), s],
};

const scale = quick ? 0.01 : 1;
const count = (n: number) => Math.max(20, Math.round(n * scale));
const sizes: [number, number][] = [[10, 200_000], [100, 200_000], [1000, 100_000], [100_000, 4000], [1_000_000, 400]];
const cases: Case[] = [];
for (const transport of ["tcp", "ipc", "inproc"] as const) {
  for (const [size, n] of sizes) cases.push({ kind: "throughput", transport, size, count: count(n) });
}
for (const transport of ["tcp", "ipc"] as const) {
  for (const size of [10, 1000]) cases.push({ kind: "latency", transport, size, count: count(20_000) });
}

function run(argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on(
      "exit",
      (code) => (code === 0 ? resolve(out) : reject(new Error(`${argv.join(" ")} exited with ${code}`))),
    );
  });
}

async function worker(runtime: Runtime, impl: string): Promise<Result[]> {
  const out = await run([...command[runtime](join(root, "bench/worker.ts")), impl, JSON.stringify(cases)]);
  return out.trim().split("\n").map((l) => JSON.parse(l) as Result);
}

/** Sender and receiver in two processes (Node), 100 B and 100 kB over tcp and ipc. */
const twoProcessCases = (["tcp", "ipc"] as const).flatMap((transport) =>
  ([[100, 200_000], [100_000, 4000]] as const).map(([size, n]) => ({ transport, size, count: count(n) }))
);
async function twoProcess(impl: string, c: (typeof twoProcessCases)[number], dir: string): Promise<number> {
  const script = join(root, "bench/two-process.ts");
  const endpoint = c.transport === "tcp" ? "tcp://127.0.0.1:*" : `ipc://${dir}/two-${impl}.sock`;
  const recv = spawn(process.execPath, [
    "--import",
    "tsx",
    script,
    "recv",
    impl,
    endpoint,
    String(c.size),
    String(c.count),
  ], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  const bound = new Promise<string>((resolve) => {
    recv.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.split("\n")[0]);
    });
  });
  const done = new Promise<void>((resolve) => recv.on("exit", () => resolve()));
  const ep = await bound;
  await run(command.node(script).concat(["send", impl, ep, String(c.size), String(c.count)]));
  await done;
  const result = JSON.parse(out.trim().split("\n")[1]) as Result & { lost?: number };
  if (result.lost) {
    console.log(`  ${impl} lost ${result.lost} messages at the sender's exit; this run is left out of the row`);
  }
  return result.rate ?? NaN;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => xs.length < 2 ? 0 : (Math.max(...xs) - Math.min(...xs)) / median(xs);
const fmtRate = (r: number, size: number) =>
  size >= 100_000 ? `${(r * size / 1e6).toFixed(0)} MB/s` : `${(r / 1e6).toFixed(2)} M/s`;

const samples = new Map<string, number[]>();
const add = (key: string, v: number | undefined) => {
  if (v === undefined || Number.isNaN(v)) return;
  samples.set(key, [...(samples.get(key) ?? []), v]);
};

console.log(
  `omq bench: ${runs} run(s) per row, median reported${quick ? " (quick: tiny counts, figures meaningless)" : ""}`,
);
const dir = mkdtempSync(join(tmpdir(), "omq-bench-"));
for (let r = 0; r < runs; r++) {
  for (const [runtime, impl] of [["node", "zeromq.js"], ["node", "omq"], ["deno", "omq"], ["bun", "omq"]] as const) {
    process.stdout.write(`  run ${r + 1}/${runs}: ${impl} on ${runtime}…\n`);
    const results = await worker(runtime, impl);
    results.forEach((res, i) => {
      add(`${i}|${runtime}|${impl}|rate`, res.rate);
      add(`${i}|${runtime}|${impl}|p50`, res.p50);
      add(`${i}|${runtime}|${impl}|p99`, res.p99);
    });
  }
  for (const [i, c] of twoProcessCases.entries()) {
    for (const impl of ["zeromq.js", "omq"]) {
      process.stdout.write(`  run ${r + 1}/${runs}: ${impl}, two processes, ${c.transport} ${c.size} B…\n`);
      add(`2p${i}|node|${impl}|rate`, await twoProcess(impl, c, dir));
    }
  }
}
rmSync(dir, { recursive: true, force: true });

let noisy = 0;
const cell = (key: string, format: (v: number) => string) => {
  const xs = samples.get(key);
  if (!xs) return "—";
  const s = spread(xs) > 0.25;
  if (s) noisy++;
  return format(median(xs)) + (s ? " ~" : "");
};
const value = (key: string) => samples.get(key) ? median(samples.get(key)!) : NaN;
const ratio = (a: number, b: number) => Number.isNaN(a) || Number.isNaN(b) ? "—" : `${(a / b).toFixed(2)}×`;

/** omq's inproc hands the message object over, so a bytes-per-second figure only counts references. */
const passedByReference = (c: { transport: string; size: number }) => c.transport === "inproc" && c.size >= 100_000;

const rows: string[][] = [["case", "zeromq.js (node)", "omq node", "omq/zeromq.js", "omq deno", "omq bun"]];
cases.forEach((c, i) => {
  if (c.kind === "throughput") {
    const f = (v: number) => fmtRate(v, c.size);
    const key = (rt: string, impl: string) => `${i}|${rt}|${impl}|rate`;
    rows.push([
      `push→pull ${c.transport} ${c.size} B, 1 process${passedByReference(c) ? " †" : ""}`,
      cell(key("node", "zeromq.js"), f),
      cell(key("node", "omq"), f),
      ratio(value(key("node", "omq")), value(key("node", "zeromq.js"))),
      cell(key("deno", "omq"), f),
      cell(key("bun", "omq"), f),
    ]);
  } else {
    for (const q of ["p50", "p99"]) {
      const f = (v: number) => `${v.toFixed(0)} µs`;
      const key = (rt: string, impl: string) => `${i}|${rt}|${impl}|${q}`;
      rows.push([
        `req↔rep ${c.transport} ${c.size} B ${q}`,
        cell(key("node", "zeromq.js"), f),
        cell(key("node", "omq"), f),
        // For latency lower is better: the ratio is zeromq.js/omq so > 1× means omq is faster.
        ratio(value(key("node", "zeromq.js")), value(key("node", "omq"))),
        cell(key("deno", "omq"), f),
        cell(key("bun", "omq"), f),
      ]);
    }
  }
});
twoProcessCases.forEach((c, i) => {
  const f = (v: number) => fmtRate(v, c.size);
  const key = (impl: string) => `2p${i}|node|${impl}|rate`;
  rows.push([
    `push→pull ${c.transport} ${c.size} B, 2 processes`,
    cell(key("zeromq.js"), f),
    cell(key("omq"), f),
    ratio(value(key("omq")), value(key("zeromq.js"))),
    "",
    "",
  ]);
});

const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
const line = (r: string[]) => `| ${r.map((c, k) => c.padEnd(widths[k])).join(" | ")} |`;
console.log();
console.log(line(rows[0]));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows.slice(1)) console.log(line(r));
console.log("\nRatios: throughput omq/zeromq.js, latency zeromq.js/omq (above 1× means omq is ahead).");
if (cases.some((c) => c.kind === "throughput" && passedByReference(c))) {
  console.log("† omq's inproc passes the message object itself: its MB/s counts references, not bytes copied.");
}
if (noisy > 0) {
  console.log(
    `${noisy} figure(s) marked ~ varied by more than 25% between runs: the machine was too noisy to trust them; rerun.`,
  );
}
console.log("Rerun: npm run bench (-- --runs=5 for steadier medians)");

// Subscriptions and fan-out: Node only, publisher and subscribers in one process, a table of its own.
console.log(await run(command.node(join(root, "bench/scaling.ts")).concat(args)));

// CURVE: Node only, omq and zeromq.js alternating in rounds, a table of its own.
console.log(await run(command.node(join(root, "bench/curve.ts")).concat(quick ? ["--quick"] : [`--rounds=${runs}`])));

// Memory per connection: Node only, RSS per connected Dealer-Router pair at 1,000 and 10,000 pairs.
console.log(
  await run(command.node(join(root, "bench/connections.ts")).concat(quick ? ["--quick"] : [`--runs=${runs}`])),
);
