/**
 * Runs a script in a network namespace of its own (`unshare -n`, with `lo` up), so that it can
 * break its own network with nftables (tests/support/firewall.ts) and touch nobody else's.
 * The script runs on the runtime running the test; it reports rows with `reportRow`
 * (tests/support/fault-matrix.ts), and the test gets them back to assert on.
 *
 * @example
 * ```ts
 * const skip = netnsSkipReason();
 * test("partition", { skip }, async () => {
 *   const { rows } = await runInNetns(fixture("fault-partition.ts"));
 *   assert.equal(rows[0].received, 10);
 * });
 * ```
 *
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readlinkSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { requireDebianPackages } from "../../scripts/system-packages.ts";
import { ROW_PREFIX } from "./fault-matrix.ts";
import type { FaultRow } from "./fault-matrix.ts";
import { runtimeCommand } from "./util.ts";

/** Set in the namespace's environment to the parent's namespace: the firewall refuses to run in that one. */
export const NETNS_ENV = "OMQ_NETNS";

let reason: string | false | undefined;

/**
 * Why scripts cannot run in a namespace of their own here (not Linux, not root, no `unshare`,
 * or the kernel refuses), or false when they can. Computed once.
 */
export function netnsSkipReason(): string | false {
  if (reason !== undefined) return reason;
  if (process.platform !== "linux") return reason = "network namespaces are Linux only";
  if (typeof process.getuid !== "function" || process.getuid() !== 0) {
    return reason = "unshare -n and nftables need root (CI runs as root)";
  }
  if (!["/usr/bin/unshare", "/bin/unshare"].some((p) => existsSync(p))) {
    return reason = "no unshare here (Debian package util-linux)";
  }
  const probe = spawnSync("unshare", ["-n", "true"], { encoding: "utf8" });
  if (probe.status !== 0) {
    return reason = `unshare -n fails here: ${(probe.stderr || probe.error?.message || "").trim()}`;
  }
  return reason = false;
}

/**
 * The command that runs `argv` in a new network namespace with `lo` up (and room for many
 * descriptors: 1,000-connection rows need more than some defaults). Run it with `netnsEnv()`.
 */
export function netnsArgv(argv: readonly string[]): string[] {
  const shell = 'ip link set lo up && { ulimit -n 65536 2>/dev/null || true; } && exec "$@"';
  return ["unshare", "-n", "--", "sh", "-c", shell, "sh", ...argv];
}

/** The environment a namespace's process needs beside its own: the parent's namespace, for the firewall's check. */
export function netnsEnv(): Record<string, string> {
  return { [NETNS_ENV]: readlinkSync("/proc/self/ns/net") };
}

/** The absolute path of a fixture under tests/fixtures. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url).href);
}

/** What a script run in a namespace left behind. */
export interface NetnsRun {
  /** The rows it reported, in order. */
  rows: FaultRow[];
  /** Everything else it printed (stdout then stderr), for a failure message. */
  log: string;
}

/**
 * Runs `script` with `args` in a new network namespace and resolves with the rows it reported.
 * Rejects when it exits non-zero or outlives `timeout` ms (then it is killed), quoting its output.
 * Installs nftables (and iproute2) first where they are missing and the machine allows it.
 */
export async function runInNetns(
  script: string,
  args: readonly string[] = [],
  { timeout = 60_000 }: { timeout?: number } = {},
): Promise<NetnsRun> {
  const skip = netnsSkipReason();
  if (skip) throw new Error(`cannot run in a network namespace: ${skip}`);
  await requireDebianPackages([{ name: "nftables" }, { name: "iproute2" }]);
  const [command, ...rest] = runtimeCommand(script);
  const [unshare, ...argv] = netnsArgv([command, ...rest, ...args]);
  const child = spawn(unshare, argv, {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...netnsEnv(), NODE_TEST_CONTEXT: "" },
  });
  const rows: FaultRow[] = [];
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8");
  child.stderr!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (out += chunk));
  child.stderr!.on("data", (chunk: string) => (err += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill("SIGKILL");
  }, timeout);
  const code = await new Promise<number | string>((resolve) => {
    child.on("error", (e) => {
      err += `\ncannot start ${command}: ${e.message}`;
      resolve(-1);
    });
    child.on("close", (c, signal) => resolve(c ?? signal ?? -1));
  });
  clearTimeout(timer);
  const log: string[] = [];
  for (const line of out.split("\n")) {
    if (line.startsWith(ROW_PREFIX)) rows.push(JSON.parse(line.slice(ROW_PREFIX.length)) as FaultRow);
    else if (line) log.push(line);
  }
  const text = [...log, err.trim()].filter(Boolean).join("\n");
  if (timedOut || code !== 0) {
    const why = timedOut ? `was killed after ${timeout} ms` : `exited with ${code}`;
    throw new Error(`${script} ${why}; ${rows.length} rows reported. Output:\n${text.slice(-6000)}`);
  }
  return { rows, log: text };
}
