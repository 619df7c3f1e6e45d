/**
 * Memory per connection (issue 20): N Dealers connected over tcp to one Router, for omq
 * and for zeromq.js (libzmq) in the same run. Prints the RSS growth per connected pair
 * (one Dealer, the two ends of its tcp connection and the Router's side of it) after full
 * garbage collections, and what of it omq's V8 heap and ArrayBuffers hold.
 *
 * omq runs as users get it from npm: compiled by tsc (into `.tmp/bench-build/`), not through
 * tsx, whose esbuild `keepNames` gives every arrow function stored per connection an own
 * `name` property (about 7 kB more per pair).
 *
 * Both ends run in one Node process, its descriptor limit raised with `prlimit` as a server
 * would. Where the hard limit cannot be raised (no CAP_SYS_RESOURCE) and one process
 * cannot hold every descriptor, the Router gets a process of its own and the Dealers are
 * spread over as few others as fit; each process measures its own growth from its own
 * baseline and the growths are summed, so a pair still counts both ends.
 *
 *   node --import tsx bench/connections.ts                    # 1,000 and 10,000 pairs, 3 runs, medians
 *   node --import tsx bench/connections.ts --counts=1000 --runs=5
 *   node --import tsx bench/connections.ts --quick            # 200 pairs, 1 run: checks the bench itself
 *
 * @module
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { getHeapSpaceStatistics } from "node:v8";

type Impl = "omq" | "zeromq.js";

/** What one process measured: growth in bytes, summed over its pairs. */
interface Growth {
  pairs: number;
  rss: number;
  /** V8 heap in use (JavaScript objects). */
  heap: number;
  /** ArrayBuffer memory (buffers outside the heap). */
  arrayBuffers: number;
  /**
   * Growth of V8's young generation (new space), part of `rss`: it grows toward its maximum
   * (32 MB) while many objects survive, whatever the number of connections, so at 1,000
   * pairs it is about 20 kB of each pair's figure and at 10,000 about 2 kB.
   */
  young: number;
  /** Seconds to connect its pairs and carry one message each way. */
  seconds: number;
}

/**
 * Dealers connected at a time: under the listen backlog, so no SYN is dropped and retried a second
 * later. omq applies libzmq's default ZMQ_BACKLOG (100) on Node, and when the Router shares the
 * process with the Dealers, nothing is accepted until a batch has been started: batches of 250
 * cost omq about 1.2 s each in SYN retries (10,000 pairs took 45 s to connect, 6 s without them).
 */
const BATCH = 90;
/** Pairs connected and closed before the baseline, so compiled code and process-wide buffers are not counted. */
const WARM_UP = 20;

interface DealerLike {
  connect(endpoint: string): void;
  send(message: string): Promise<void>;
  receive(): Promise<unknown[]>;
  close(): unknown;
  linger: number;
}
interface RouterLike {
  bind(endpoint: string): Promise<void>;
  send(message: unknown[]): Promise<void>;
  receive(): Promise<unknown[]>;
  readonly lastEndpoint: string | null;
}
interface Sockets {
  router(): RouterLike;
  dealer(): DealerLike;
}

const root = fileURLToPath(new URL("..", import.meta.url).href);
/** Where the parent compiles omq for the children. */
const build = join(root, ".tmp", "bench-build");

async function sockets(impl: Impl, count: number): Promise<Sockets> {
  if (impl === "omq") {
    const omq = await import(pathToFileURL(join(build, "mod.js")).href) as typeof import("../mod.ts");
    return {
      router: () => new omq.Router() as unknown as RouterLike,
      dealer: () => new omq.Dealer() as unknown as DealerLike,
    };
  }
  const zmq = await import("zeromq");
  // libzmq's default limit is 1023 sockets per context.
  zmq.context.maxSockets = Math.max(zmq.context.maxSockets, count + WARM_UP + 100);
  return {
    router: () => new zmq.Router() as unknown as RouterLike,
    dealer: () => new zmq.Dealer() as unknown as DealerLike,
  };
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Usage extends NodeJS.MemoryUsage {
  young: number;
}

/** Full collections, with pauses for the weak callbacks that free native memory. */
async function collect(): Promise<Usage> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with --expose-gc");
  for (let i = 0; i < 4; i++) {
    gc();
    await pause(200);
  }
  const young = getHeapSpaceStatistics().find((s) => s.space_name === "new_space")?.physical_space_size ?? 0;
  return { ...process.memoryUsage(), young };
}

const growth = (pairs: number, a: Usage, b: Usage, seconds: number): Growth => ({
  pairs,
  rss: b.rss - a.rss,
  heap: b.heapUsed - a.heapUsed,
  arrayBuffers: b.arrayBuffers - a.arrayBuffers,
  young: b.young - a.young,
  seconds,
});

/** Serves `count` hellos: answers each, so both directions have carried a message. */
async function serve(router: RouterLike, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const [id] = await router.receive();
    await router.send([id, "welcome"]);
  }
}

/** Connects `count` dealers in batches; each sends a hello and waits for the answer. */
async function dial(make: () => DealerLike, endpoint: string, count: number): Promise<DealerLike[]> {
  const dealers: DealerLike[] = [];
  for (let done = 0; done < count; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - done) }, make);
    for (const d of batch) {
      d.connect(endpoint);
      void d.send("hello");
    }
    await Promise.all(batch.map((d) => d.receive()));
    dealers.push(...batch);
  }
  return dealers;
}

/** A few pairs in this process, connected and closed, then forgotten. */
async function warmUp(make: Sockets): Promise<void> {
  const router = make.router();
  await router.bind("tcp://127.0.0.1:*");
  const served = serve(router, WARM_UP);
  const dealers = await dial(make.dealer, router.lastEndpoint!, WARM_UP);
  await served;
  for (const d of dealers) {
    d.linger = 0;
    await d.close();
  }
  await (router as unknown as DealerLike).close();
}

/** Keeps the process (and its connections) alive until the parent ends it. */
const hold = () => setInterval(() => {}, 1 << 30);

/** The three roles a measuring process plays; each prints its `Growth` as one JSON line. */
const roles = {
  /** Router and dealers in this process. */
  async both(impl: Impl, pairs: number): Promise<void> {
    const make = await sockets(impl, pairs);
    await warmUp(make);
    const router = make.router();
    await router.bind("tcp://127.0.0.1:*");
    const before = await collect();
    const started = performance.now();
    const served = serve(router, pairs);
    const dealers = await dial(make.dealer, router.lastEndpoint!, pairs);
    await served;
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify(growth(dealers.length, before, await collect(), seconds)));
    process.exit(0); // closing 10,000 sockets one by one measures nothing
  },

  /** The Router alone: prints `endpoint <e>`, then its growth once `pairs` dealers said hello. */
  async router(impl: Impl, pairs: number): Promise<void> {
    const make = await sockets(impl, pairs);
    await warmUp(make);
    const router = make.router();
    await router.bind("tcp://127.0.0.1:*");
    const before = await collect();
    console.log(`endpoint ${router.lastEndpoint}`);
    const started = performance.now();
    await serve(router, pairs);
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify(growth(0, before, await collect(), seconds)));
    hold();
  },

  /** `count` Dealers connecting to `endpoint`; stays alive after printing its growth. */
  async dealers(impl: Impl, count: number, endpoint: string): Promise<void> {
    const make = await sockets(impl, count);
    await warmUp(make);
    const before = await collect();
    const started = performance.now();
    const dealers = await dial(make.dealer, endpoint, count);
    const seconds = (performance.now() - started) / 1000;
    console.log(JSON.stringify(growth(dealers.length, before, await collect(), seconds)));
    hold();
  },
};

// --- the parent: layout, descriptor limits, table ---

/** The hard descriptor limit, and whether this process may raise it (root with CAP_SYS_RESOURCE). */
function limits(): { hard: number; raisable: boolean } {
  const out = spawnSync("prlimit", ["--nofile", "--output=HARD", "--noheadings"], { encoding: "utf8" });
  if (out.error) throw new Error("bench/connections.ts needs prlimit (util-linux) to raise the descriptor limit");
  const hard = Number(out.stdout.trim()) || 1024;
  const raisable = spawnSync("prlimit", [`--nofile=${hard + 1}:${hard + 1}`, "true"]).status === 0;
  return { hard, raisable };
}

/** Descriptors per dealer in the dealers' process: its tcp end, plus libzmq's mailbox per socket. */
const perDealer = (impl: Impl) => (impl === "zeromq.js" ? 2 : 1);
const SLACK = 200;

/** A child process running one role, with `nofile` descriptors; lines of its stdout one by one. */
class Child {
  readonly #proc: ReturnType<typeof spawn>;
  readonly #lines: string[] = [];
  #waiting: ((line: string) => void) | null = null;
  readonly exited: Promise<number | null>;

  constructor(nofile: number, args: string[]) {
    const script = fileURLToPath(import.meta.url);
    this.#proc = spawn(
      "prlimit",
      [`--nofile=${nofile}:${nofile}`, process.execPath, "--expose-gc", "--import", "tsx", script, ...args],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    this.exited = new Promise((resolve) => this.#proc.once("exit", resolve));
    createInterface({ input: this.#proc.stdout! }).on("line", (line) => {
      const waiting = this.#waiting;
      this.#waiting = null;
      if (waiting) waiting(line);
      else this.#lines.push(line);
    });
  }

  /** The next line, or a rejection if the process ends first. */
  line(): Promise<string> {
    const line = this.#lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    return Promise.race([
      new Promise<string>((resolve) => (this.#waiting = resolve)),
      this.exited.then((code) => Promise.reject(new Error(`bench child exited with ${code}`))),
    ]);
  }

  kill(): Promise<unknown> {
    this.#proc.kill("SIGKILL");
    return this.exited;
  }
}

/** One measurement: in one process if the limit allows, else Router and Dealers apart. */
async function measure(impl: Impl, pairs: number): Promise<Growth & { processes: number }> {
  const { hard, raisable } = limits();
  const oneProcess = (perDealer(impl) + 1) * pairs + SLACK;
  if (oneProcess <= hard || raisable) {
    const child = new Child(Math.max(oneProcess, 1024), ["--role", "both", impl, String(pairs)]);
    const result = JSON.parse(await child.line()) as Growth;
    await child.exited;
    return { ...result, processes: 1 };
  }
  const perProcess = Math.floor((hard - SLACK) / perDealer(impl));
  if (pairs + SLACK > hard) throw new Error(`${pairs} connections do not fit a descriptor limit of ${hard}`);
  const router = new Child(hard, ["--role", "router", impl, String(pairs)]);
  const dealers: Child[] = [];
  try {
    const endpoint = (await router.line()).replace(/^endpoint /, "");
    let total: Growth = { pairs: 0, rss: 0, heap: 0, arrayBuffers: 0, young: 0, seconds: 0 };
    for (let done = 0; done < pairs; done += perProcess) {
      const count = Math.min(perProcess, pairs - done);
      const child = new Child(hard, ["--role", "dealers", impl, String(count), endpoint]);
      dealers.push(child);
      const g = JSON.parse(await child.line()) as Growth;
      total = {
        pairs: total.pairs + g.pairs,
        rss: total.rss + g.rss,
        heap: total.heap + g.heap,
        arrayBuffers: total.arrayBuffers + g.arrayBuffers,
        young: total.young + g.young,
        seconds: total.seconds + g.seconds,
      };
    }
    const r = JSON.parse(await router.line()) as Growth;
    return {
      pairs: total.pairs,
      rss: total.rss + r.rss,
      heap: total.heap + r.heap,
      arrayBuffers: total.arrayBuffers + r.arrayBuffers,
      young: total.young + r.young,
      seconds: total.seconds,
      processes: 1 + dealers.length,
    };
  } finally {
    await Promise.all([router, ...dealers].map((c) => c.kill()));
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kB = (bytes: number): string => (bytes / 1024).toFixed(1);

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const roleAt = args.indexOf("--role");
  if (roleAt >= 0) {
    const [role, impl, count, endpoint] = args.slice(roleAt + 1) as [keyof typeof roles, Impl, string, string];
    return roles[role](impl, Number(count), endpoint);
  }
  const quick = args.includes("--quick");
  const runs = Number(args.find((a) => a.startsWith("--runs="))?.slice(7) ?? (quick ? 1 : 3));
  const counts = (args.find((a) => a.startsWith("--counts="))?.slice(9) ?? (quick ? "200" : "1000,10000"))
    .split(",").map(Number);
  execFileSync(process.execPath, [
    join(root, "node_modules/typescript/bin/tsc"),
    ...["-p", join(root, "tsconfig.build.json"), "--outDir", build, "--declaration", "false"],
    ...["--isolatedDeclarations", "false"],
  ], { stdio: "inherit" });
  const impls: Impl[] = ["zeromq.js", "omq"];
  const rows: string[] = [];
  const notes = new Set<string>();
  for (const pairs of counts) {
    const results: Record<Impl, (Growth & { processes: number })[]> = { "zeromq.js": [], omq: [] };
    // Alternating, so a drift of the machine touches both alike.
    for (let r = 0; r < runs; r++) {
      for (const impl of impls) {
        process.stderr.write(`  run ${r + 1}/${runs}: ${impl}, ${pairs} pairs…\n`);
        const m = await measure(impl, pairs);
        if (m.pairs !== pairs) throw new Error(`${impl}: ${m.pairs} of ${pairs} pairs connected`);
        if (m.processes > 1) notes.add(`${impl} at ${pairs} pairs: ${m.processes} processes`);
        results[impl].push(m);
      }
    }
    const per = (impl: Impl, key: "rss" | "heap" | "arrayBuffers" | "young") =>
      median(results[impl].map((x) => x[key] / pairs));
    const secs = (impl: Impl) => median(results[impl].map((x) => x.seconds)).toFixed(1);
    const z = per("zeromq.js", "rss");
    const o = per("omq", "rss");
    rows.push(
      `| ${pairs.toLocaleString("en")} | ${kB(z)} kB | ${kB(o)} kB | ${(o / z).toFixed(2)}× | ` +
        `${kB(per("omq", "young"))} kB | ${kB(per("omq", "heap"))} kB | ${kB(per("omq", "arrayBuffers"))} kB | ` +
        `${secs("zeromq.js")} s / ${secs("omq")} s |`,
    );
  }
  console.log(`\nRSS growth per connected Dealer–Router pair over tcp, Node ${process.version}, medians of ${runs}:\n`);
  console.log(
    "| pairs | zeromq.js | omq | omq/zeromq.js | omq: of it young gen. | omq: V8 heap used | omq: ArrayBuffers " +
      "| connecting (zeromq.js / omq) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const row of rows) console.log(row);
  if (notes.size > 0) {
    console.log(`\nThe descriptor limit could not be raised above ${limits().hard}; Router and Dealers in separate`);
    console.log(`processes, growths summed: ${[...notes].join("; ")}.`);
  }
  console.log("\nrerun: node --import tsx bench/connections.ts [--counts=1000,10000] [--runs=3]");
}

await main();
