// The soak: every pattern at load over tcp, ipc, inproc and ws for N minutes, with hostile peers,
// peer restarts and (as root, in a network namespace of its own) partitions injected periodically;
// prints RSS, heap, open descriptors and messages lost at every sample, then each lane's totals.
//   npm run soak -- --minutes 30                      Node, one sample a minute
//   npm run soak -- --minutes 30 --runtime=deno       on Deno (or bun)
//   options: --rate N (messages/s per lane, 200)  --sample-seconds N (60)  --fault-seconds N (10)
//            --no-partitions  --skip REGEX (leave out lanes whose "PATTERN transport" matches, to bisect)
//            --json (a last line "@@soak {...}" for tests/faults/soak.test.ts)
// It fails (exit 1) on a message lost where the pattern promises none, on a lane that did not come
// back after a fault, and, from minute 5 on, on RSS or open descriptors moving more than 10 %.
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { Firewall } from "../tests/support/firewall.ts";
import { NETNS_ENV, netnsArgv, netnsEnv, netnsSkipReason } from "../tests/support/netns.ts";
import { runSoak, runtimeName, type SoakResult, type SoakSample } from "../tests/support/soak.ts";
import { requireDebianPackages } from "./system-packages.ts";

const root = fileURLToPath(new URL("..", import.meta.url).href);
const self = fileURLToPath(import.meta.url);
const CHILD_ENV = "OMQ_SOAK_CHILD";
/** From this second on, RSS and descriptors must stay within FLAT of their range's low. */
const FLAT_FROM_SECONDS = 300;
const FLAT = 0.1;

interface Args {
  minutes: number;
  runtime: string;
  rate: number;
  sampleSeconds: number;
  faultSeconds: number;
  partitions: boolean;
  json: boolean;
  skip?: RegExp;
}

function parse(argv: string[]): Args {
  const a: Args = {
    minutes: 1,
    runtime: runtimeName(),
    rate: 200,
    sampleSeconds: 60,
    faultSeconds: 10,
    partitions: true,
    json: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split("=", 2);
    const value = () => {
      const v = inline ?? argv[++i];
      const text = flag === "--runtime" || flag === "--skip";
      if (v === undefined || !(Number(v) > 0) && !text) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--minutes") a.minutes = Number(value());
    else if (flag === "--runtime") a.runtime = value();
    else if (flag === "--rate") a.rate = Number(value());
    else if (flag === "--sample-seconds") a.sampleSeconds = Number(value());
    else if (flag === "--fault-seconds") a.faultSeconds = Number(value());
    else if (flag === "--no-partitions") a.partitions = false;
    else if (flag === "--skip") a.skip = new RegExp(value());
    else if (flag === "--json") a.json = true;
    else throw new Error(`unknown option ${argv[i]} (see the top of scripts/soak.ts)`);
  }
  if (!["node", "deno", "bun"].includes(a.runtime)) throw new Error(`--runtime: node, deno or bun, not ${a.runtime}`);
  return a;
}

/** The command that runs this script on `runtime`. */
function commandFor(runtime: string): string[] {
  const bin = (name: string) => join(root, "node_modules", ".bin", name);
  if (runtime === "deno") return [bin("deno"), "run", "-A", self];
  if (runtime === "bun") return [bin("bun"), self];
  const node = runtimeName() === "node" ? process.execPath : "node";
  return [node, "--import", "tsx", self];
}

/** Runs this script again where it should run: on the runtime asked for, in a namespace of its own if it can. */
async function relaunch(a: Args, argv: string[]): Promise<number | null> {
  const skip = a.partitions ? netnsSkipReason() : "--no-partitions";
  const wantNetns = skip === false && !process.env[NETNS_ENV];
  if (!wantNetns && a.runtime === runtimeName()) return null;
  if (skip) console.log(`partitions off: ${skip}`);
  if (wantNetns) await requireDebianPackages([{ name: "nftables" }, { name: "iproute2" }]);
  const command = [...commandFor(a.runtime), ...argv];
  const [cmd, ...rest] = wantNetns ? netnsArgv(command) : command;
  const child = spawn(cmd, rest, {
    stdio: "inherit",
    cwd: root,
    env: { ...process.env, ...(wantNetns ? netnsEnv() : {}), [CHILD_ENV]: "1", DENO_NO_UPDATE_CHECK: "1" },
  });
  return await new Promise((resolve) => child.on("close", (code) => resolve(code ?? 1)));
}

const range = (values: number[]) => (values.length ? Math.max(...values) / Math.max(1, Math.min(...values)) - 1 : 0);

/** What went wrong, if anything: promised losses, lanes that did not come back, growth after minute 5. */
export function verdict(result: SoakResult): string[] {
  const problems: string[] = [];
  for (const l of result.lanes) {
    const bad = l.lost + l.duplicated + l.reordered;
    if (l.promise === "none-lost" && bad > 0) {
      problems.push(`${l.name}: ${l.lost} lost, ${l.duplicated} duplicated, ${l.reordered} out of order`);
    }
    if (l.received === 0) problems.push(`${l.name}: nothing received`);
    if (l.stuck) problems.push(`${l.name}: its sender was still blocked at the end`);
  }
  for (const name of result.faults.unrecovered) problems.push(`${name}: no message after a fault`);
  for (const failure of result.faults.failedRestarts) problems.push(`restart failed: ${failure}`);
  const late: SoakSample[] = result.samples.filter((s) => s.at >= FLAT_FROM_SECONDS);
  if (late.length >= 2) {
    const rss = range(late.map((s) => s.rssMiB));
    const fds = range(late.map((s) => s.fds));
    if (rss > FLAT) problems.push(`RSS moved ${(rss * 100).toFixed(1)} % from minute 5 on`);
    if (fds > FLAT) problems.push(`open descriptors moved ${(fds * 100).toFixed(1)} % from minute 5 on`);
  }
  return problems;
}

function printLanes(result: SoakResult): void {
  const rows = result.lanes.map((l) =>
    [l.name, l.promise, l.sent, l.received, l.lost, l.duplicated, l.reordered].map(String)
  );
  const header = ["lane", "promise", "sent", "received", "lost", "dup", "reord"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`\n${line(header)}`);
  for (const r of rows) console.log(line(r));
  const f = result.faults;
  console.log(
    `\nfaults: ${f.restarts} restarts, ${f.partitions} partitions, ${f.recovered} recovered, ` +
      `${f.unrecovered.length} not; ${f.hostileOpened} hostile connections, ${f.hostileClosedByServer} closed by the ` +
      `server${f.hostileLeftOpen.length ? `, left open 5 s by ${f.hostileLeftOpen.join(" ")}` : ""}`,
  );
  console.log(`events: ${Object.entries(result.events).map(([type, n]) => `${type} ${n}`).join(", ")}`);
}

const argv = process.argv.slice(2);
const args = parse(argv);
const code = process.env[CHILD_ENV] ? null : await relaunch(args, argv);
if (code !== null) process.exit(code);

const firewall = process.env[NETNS_ENV] && args.partitions ? new Firewall() : null;
console.log(
  `soak: ${args.minutes} min on ${runtimeName()}, a sample every ${args.sampleSeconds} s, faults every ` +
    `${args.faultSeconds} s`,
);
const result = await runSoak({
  minutes: args.minutes,
  sampleSeconds: args.sampleSeconds,
  faultSeconds: args.faultSeconds,
  rate: args.rate,
  firewall,
  log: (line) => console.log(line),
  skip: args.skip,
});
printLanes(result);
const problems = verdict(result);
console.log(
  problems.length ? `\nFAILED:\n  ${problems.join("\n  ")}` : "\nok: nothing lost where promised, every lane came back",
);
if (args.json) console.log(`@@soak ${JSON.stringify({ ...result, problems })}`);
process.exit(problems.length ? 1 : 0);
