/**
 * Threads: inproc across two threads, omq on Node, Deno and Bun against
 * zeromq.js (libzmq) across two worker_threads, in the same invocation; and the
 * multithreaded server (examples/mtserver.ts) with 1 and 2 worker threads on a
 * CPU-bound handler, to show the second core at work.
 *
 *   node --import tsx bench/threads.ts              # 3 runs, medians
 *   node --import tsx bench/threads.ts --runs=5
 *   node --import tsx bench/threads.ts --quick      # tiny counts: checks the bench itself
 *
 * Each case runs in a fresh process of its runtime (`bench/threads.ts case <impl> <json>`).
 *
 * - inproc rows: the main thread binds a Pull, a worker (bench/threads-peer.ts) connects a
 *   Push and sends; the clock runs from the first message after a warm-up to the last one
 *   received, `await receive()` per message.
 * - mtserver rows: a Dealer client in the main thread keeps 4 requests per worker in flight
 *   over tcp; each request costs its worker 5 ms of CPU. "cores" is the process's CPU time
 *   over the wall time (process.cpuUsage).
 *
 * @module
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url).href);
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const self = fileURLToPath(import.meta.url);

type Runtime = "node" | "deno" | "bun";
type Impl = "omq" | "zeromq.js";

interface InprocCase {
  kind: "inproc";
  size: number;
  count: number;
}
interface ServerCase {
  kind: "mtserver";
  workers: number;
  requests: number;
  workMs: number;
}
type Case = InprocCase | ServerCase;

interface Result {
  /** Messages (or requests) per second. */
  rate: number;
  /** CPU time over wall time: how many cores the process kept busy. */
  cores?: number;
}

// --- one case, in this process ---

async function inproc(impl: Impl, c: InprocCase): Promise<Result> {
  const endpoint = `inproc://bench-threads-${Math.random().toString(36).slice(2)}`;
  const { startThread } = await import("../examples/mtserver-thread.ts");
  interface Receiver {
    bind(endpoint: string): Promise<void>;
    receive(): Promise<unknown>;
    close(): unknown;
  }
  const pull: Receiver = impl === "zeromq.js"
    ? new (await import("zeromq")).Pull()
    : new (await import("../mod.ts")).Pull();
  await pull.bind(endpoint);
  const peer = startThread(new URL("./threads-peer.ts", import.meta.url), {
    impl,
    endpoint,
    size: c.size,
    count: c.count,
  });
  await pull.receive(); // the warm-up
  const started = performance.now();
  for (let i = 0; i < c.count; i++) await pull.receive();
  const seconds = (performance.now() - started) / 1000;
  // Said before the teardown, which zeromq.js does not always survive (see runCase).
  console.log(JSON.stringify({ rate: c.count / seconds }));
  // zeromq.js's sender must end by itself: terminating it, or exiting before it has, aborts the process.
  if (impl === "omq") await peer.terminate();
  else await peer.exited;
  await pull.close();
  return { rate: c.count / seconds };
}

async function server(c: ServerCase): Promise<Result> {
  const { mtserver } = await import("../examples/mtserver.ts");
  const { Dealer } = await import("../mod.ts");
  const running = await mtserver("tcp://127.0.0.1:*", c.workers);
  const client = new Dealer({ linger: 0 });
  client.connect(running.endpoint);
  const request = String(c.workMs);
  const inFlight = 4 * c.workers;
  // One round to warm up every worker.
  for (let i = 0; i < inFlight; i++) await client.send(["", request]);
  for (let i = 0; i < inFlight; i++) await client.receive();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let sent = 0;
  for (; sent < inFlight; sent++) await client.send(["", request]);
  for (let answered = 0; answered < c.requests; answered++) {
    await client.receive();
    if (sent < c.requests) {
      await client.send(["", request]);
      sent++;
    }
  }
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpu);
  await client.close();
  await running.stop();
  return { rate: c.requests / (wall / 1000), cores: (used.user + used.system) / 1000 / wall };
}

if (process.argv[2] === "case") {
  const [impl, json] = process.argv.slice(3) as [Impl, string];
  const c = JSON.parse(json) as Case;
  const result = c.kind === "inproc" ? await inproc(impl, c) : await server(c);
  console.log(JSON.stringify(result));
  process.exit(0);
}

// --- the table ---

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const runs = Number(args.find((a) => a.startsWith("--runs="))?.slice(7) ?? (quick ? 1 : 3));
const scale = quick ? 0.01 : 1;
const count = (n: number) => Math.max(10, Math.round(n * scale));

const command: Record<Runtime, string[]> = {
  node: [process.execPath, "--import", "tsx", self],
  deno: [bin("deno"), "run", "-A", self],
  bun: [bin("bun"), self],
};

/** zeromq.js runs that crashed (libzmq across worker_threads; heap corruption and aborts seen here). */
let crashed = 0;

function runCase(runtime: Runtime, impl: Impl, c: Case): Promise<Result> {
  const argv = [...command[runtime], "case", impl, JSON.stringify(c)];
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code, signal) => {
      const said = out.trim().split("\n").filter((l) => l.startsWith("{"));
      if (code === 0) return resolve(JSON.parse(said.pop()!) as Result);
      if (impl === "zeromq.js") {
        // libzmq across worker_threads: the receiving thread's frames are the sending thread's memory,
        // which goes when that thread ends. A run measured before it crashed counts; else its row goes
        // without it, rather than the bench without its table.
        crashed++;
        const what = said.length > 0 ? "after its measurement" : "before its measurement: left out of its row";
        console.log(`  zeromq.js crashed (${signal ?? `exit ${code}`}) ${what}`);
        return resolve(said.length > 0 ? JSON.parse(said[0]) as Result : { rate: NaN });
      }
      reject(new Error(`${argv.slice(0, 4).join(" ")} … exited with ${code ?? signal}`));
    });
  });
}

const inprocCases: InprocCase[] = [
  { kind: "inproc", size: 100, count: count(200_000) },
  { kind: "inproc", size: 1_000_000, count: count(1000) },
];
const serverCases: ServerCase[] = [1, 2].map((workers) => ({
  kind: "mtserver",
  workers,
  requests: count(1000),
  workMs: 5,
}));

const samples = new Map<string, number[]>();
const add = (key: string, v: number | undefined) => {
  if (v !== undefined && Number.isFinite(v)) samples.set(key, [...(samples.get(key) ?? []), v]);
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => xs.length < 2 ? 0 : (Math.max(...xs) - Math.min(...xs)) / median(xs);

console.log(
  `omq threads bench: ${runs} run(s) per row, median reported${quick ? " (quick: figures meaningless)" : ""}`,
);
for (let r = 0; r < runs; r++) {
  for (const [i, c] of inprocCases.entries()) {
    for (const [runtime, impl] of [["node", "zeromq.js"], ["node", "omq"], ["deno", "omq"], ["bun", "omq"]] as const) {
      process.stdout.write(`  run ${r + 1}/${runs}: inproc ${c.size} B, ${impl} on ${runtime}…\n`);
      add(`i${i}|${runtime}|${impl}`, (await runCase(runtime, impl, c)).rate);
    }
  }
  for (const [i, c] of serverCases.entries()) {
    for (const runtime of ["node", "deno", "bun"] as const) {
      process.stdout.write(`  run ${r + 1}/${runs}: mtserver, ${c.workers} worker(s), omq on ${runtime}…\n`);
      const result = await runCase(runtime, "omq", c);
      add(`s${i}|${runtime}`, result.rate);
      add(`s${i}|${runtime}|cores`, result.cores);
    }
  }
}

let noisy = 0;
const value = (key: string) => samples.has(key) ? median(samples.get(key)!) : NaN;
const cell = (key: string, format: (v: number) => string) => {
  const xs = samples.get(key);
  if (!xs) return "—";
  const s = spread(xs) > 0.25;
  if (s) noisy++;
  return format(median(xs)) + (s ? " ~" : "");
};
const ratio = (a: number, b: number) => Number.isNaN(a) || Number.isNaN(b) ? "—" : `${(a / b).toFixed(2)}×`;
const perSecond = (size: number) => (v: number) =>
  `${v >= 1e5 ? `${(v / 1e6).toFixed(2)} M/s` : `${v.toFixed(0)}/s`}, ${(v * size / 1e6).toFixed(0)} MB/s`;

const rows: string[][] = [["case", "zeromq.js (node)", "omq node", "omq/zeromq.js", "omq deno", "omq bun"]];
inprocCases.forEach((c, i) => {
  const key = (rt: string, impl: string) => `i${i}|${rt}|${impl}`;
  rows.push([
    `push→pull inproc ${c.size} B, 2 threads`,
    cell(key("node", "zeromq.js"), perSecond(c.size)),
    cell(key("node", "omq"), perSecond(c.size)),
    ratio(value(key("node", "omq")), value(key("node", "zeromq.js"))),
    cell(key("deno", "omq"), perSecond(c.size)),
    cell(key("bun", "omq"), perSecond(c.size)),
  ]);
});
serverCases.forEach((c, i) => {
  const f = (rt: string) =>
    `${cell(`s${i}|${rt}`, (v) => `${v.toFixed(0)} req/s`)}, ${cell(`s${i}|${rt}|cores`, (v) => v.toFixed(2))} cores`;
  rows.push([
    `mtserver, ${c.workers} worker thread(s), ${c.workMs} ms CPU/request`,
    "",
    f("node"),
    i === 0 ? "" : `2 vs 1: ${ratio(value(`s${i}|node`), value("s0|node"))}`,
    f("deno"),
    f("bun"),
  ]);
});

const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => r[k].length)));
const line = (r: string[]) => `| ${r.map((c, k) => c.padEnd(widths[k])).join(" | ")} |`;
console.log();
console.log(line(rows[0]));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows.slice(1)) console.log(line(r));
console.log("\nRatio: omq/zeromq.js throughput (above 1× means omq is ahead); mtserver: 2 workers over 1.");
console.log(
  "zeromq.js hands libzmq a large buffer and the receiving thread gets that same memory: its MB/s at 1 MB counts\n" +
    "references. omq's frames cross threads as structured-clone copies: its MB/s counts bytes copied.",
);
if (noisy > 0) console.log(`~: ${noisy} figure(s) varied by more than 25 % between runs.`);
if (crashed > 0) console.log(`zeromq.js crashed in ${crashed} run(s) (see above).`);
console.log("Rerun: node --import tsx bench/threads.ts [--runs=N]");
