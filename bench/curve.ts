/**
 * CURVE throughput: Push→Pull over tcp in one process, 100 B messages (msg/s) and
 * 1 MB messages (MB/s), omq against zeromq.js (libzmq 4.3 with its own CURVE) in
 * the same run, with the NULL mechanism alongside to show what encryption costs.
 *
 *     node --import tsx bench/curve.ts              # omq and zeromq.js, 3 rounds, medians
 *     node --import tsx bench/curve.ts --rounds=7   # steadier medians on a busy machine
 *     deno run -A bench/curve.ts                    # omq only (zeromq.js loads on Node)
 *     bun bench/curve.ts                            # omq only
 *     node --import tsx bench/curve.ts --quick      # tiny counts: checks the script, figures meaningless
 *
 * Each round runs omq and zeromq.js one after the other, so a busy machine slows both; the
 * table gives each one's median over the rounds and the ratio of the medians.
 *
 * @module
 */
import * as omq from "../mod.ts";

interface AnySocket {
  bind(endpoint: string): Promise<void>;
  connect(endpoint: string): void;
  send(message: Uint8Array): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  close(): unknown;
  readonly lastEndpoint: string | null;
  linger: number;
}
type Lib = Record<string, new (options?: Record<string, unknown>) => AnySocket> & {
  curveKeyPair(): { publicKey: string; secretKey: string };
};

const g = globalThis as { Deno?: unknown; Bun?: unknown; process?: { argv: string[] } };
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";
const args = [...(g.process?.argv ?? []), ...((g.Deno as { args?: string[] } | undefined)?.args ?? [])];
const quick = args.includes("--quick");
const rounds = Number(args.find((a) => a.startsWith("--rounds="))?.slice(9) ?? (quick ? 1 : 3));

async function run(lib: Lib, mechanism: "NULL" | "CURVE", size: number, count: number): Promise<number> {
  const server = lib.curveKeyPair();
  const client = lib.curveKeyPair();
  const curve = mechanism === "CURVE";
  const pull = new lib.Pull(curve ? { curveServer: true, curveSecretKey: server.secretKey } : {});
  const push = new lib.Push(
    curve
      ? { curveServerKey: server.publicKey, curvePublicKey: client.publicKey, curveSecretKey: client.secretKey }
      : {},
  );
  await pull.bind("tcp://127.0.0.1:*");
  push.connect(pull.lastEndpoint!);
  const message = new Uint8Array(size).fill(7);
  await push.send(message); // warm-up: the handshake is done once this arrives
  await pull.receive();
  const started = performance.now();
  const sending = (async () => {
    for (let i = 0; i < count; i++) await push.send(message);
  })();
  for (let i = 0; i < count; i++) await pull.receive();
  await sending;
  const seconds = (performance.now() - started) / 1000;
  push.linger = 0;
  pull.linger = 0;
  await push.close();
  await pull.close();
  return size >= 100_000 ? (count * size) / seconds / 1e6 : count / seconds;
}

const cases = [
  { size: 100, count: quick ? 200 : 100_000, unit: "msg/s" },
  { size: 1_000_000, count: quick ? 5 : 300, unit: "MB/s" },
];
const libs: [string, Lib][] = [[`omq ${runtime}`, omq as unknown as Lib]];
if (runtime === "node") libs.push(["zeromq.js node", (await import("zeromq")) as unknown as Lib]);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const fmt = (v: number, unit: string) =>
  unit === "msg/s" ? `${Math.round(v).toLocaleString("en")} msg/s` : `${v.toFixed(0)} MB/s`;
const rows: string[][] = [];
for (const { size, count, unit } of cases) {
  for (const mechanism of ["CURVE", "NULL"] as const) {
    const runs: number[][] = libs.map(() => []);
    for (let r = 0; r < rounds; r++) {
      for (const [i, [, lib]] of libs.entries()) runs[i].push(await run(lib, mechanism, size, count));
    }
    const results = runs.map(median);
    const ratio = results.length > 1 ? `${(results[0] / results[1]).toFixed(2)}×` : "";
    rows.push([`${mechanism} ${size} B`, ...results.map((r) => fmt(r, unit)), ...(results.length > 1 ? [ratio] : [])]);
  }
}
const header = ["case", ...libs.map(([name]) => name), ...(libs.length > 1 ? ["omq/zeromq.js"] : [])];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => (c ?? "").padEnd(widths[i])).join(" | ")} |`;
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
if (g.process && runtime === "node") (g.process as unknown as { exit(code: number): void }).exit(0);
