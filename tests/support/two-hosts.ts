/**
 * Two "hosts" for multicast tests: two Linux network namespaces joined by a veth pair, each
 * with an address on it, multicast on, and 239.0.0.0/8 routed to it; optionally nftables
 * dropping a share of the UDP datagrams each one receives. Processes run inside with `nsenter`.
 *
 * Why two: OpenPGM binds its port with SO_REUSEPORT alone, which Node 20 and Deno cannot set,
 * so omq and libzmq cannot share an epgm port on one host; across two hosts they talk as any
 * two machines would. The namespaces live as long as the `sleep` holding each (the test's own
 * child processes): `close()` ends them, and with them the veth pair and the rules.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import process from "node:process";

/** One namespace: its address on the link, and how to run something in it. */
export interface NsHost {
  readonly address: string;
  readonly pid: number;
  /** Starts `command` inside the namespace. */
  spawn(command: string[], options?: { cwd?: string; env?: Record<string, string | undefined> }): ChildProcess;
  /** Runs `command` inside the namespace to completion; rejects on a non-zero exit. */
  run(command: string[], input?: string): Promise<string>;
}

/** Two hosts on one link. */
export interface TwoHosts {
  readonly a: NsHost;
  readonly b: NsHost;
  close(): void;
}

/** Why two multicast namespaces cannot be made here, or null when they can. */
export function netnsUnavailable(): string | null {
  if (process.platform !== "linux") return `network namespaces are Linux only (${process.platform})`;
  for (const tool of ["unshare", "nsenter", "ip"]) {
    const probe = spawnSync(tool, ["--version"], { stdio: "ignore" });
    if (probe.error) return `${tool} is not available (${probe.error.message})`;
  }
  const probe = spawnSync("unshare", ["-n", "ip", "link", "set", "lo", "up"], { stdio: "ignore" });
  if (probe.status !== 0) return "cannot make a network namespace (unshare -n needs root)";
  return null;
}

function exec(command: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (err += d));
    child.on("error", reject);
    // A command that exits before reading its input: its exit code says what went wrong.
    child.stdin!.on("error", () => {});
    child.on(
      "exit",
      (code) => code === 0 ? resolve(out) : reject(new Error(`${command.join(" ")} exited ${code}: ${err.trim()}`)),
    );
    child.stdin!.end(input ?? "");
  });
}

function host(pid: number, address: string): NsHost {
  const enter = (command: string[]) => ["nsenter", "-t", String(pid), "-n", ...command];
  return {
    address,
    pid,
    spawn: (command, options) => {
      const [file, ...args] = enter(command);
      return spawn(file, args, { stdio: ["pipe", "pipe", "pipe"], cwd: options?.cwd, env: options?.env });
    },
    run: (command, input) => exec(enter(command), input),
  };
}

let made = 0;

/**
 * Makes two hosts, 10.77.n.1 and 10.77.n.2; with `loss` (percent), each drops that share of the
 * UDP datagrams arriving at `port` (nftables' `numgen random`).
 *
 * @example
 * ```ts
 * const { a, b, close } = await twoHosts({ loss: 5, port: 5555 });
 * try { a.spawn(["node", "pub.js"]); } finally { close(); }
 * ```
 */
export async function twoHosts(options: { loss?: number; port?: number } = {}): Promise<TwoHosts> {
  const holders = [0, 1].map(() => spawn("unshare", ["-n", "sleep", "infinity"], { stdio: "ignore" }));
  const close = () => {
    for (const h of holders) if (h.exitCode === null) h.kill("SIGKILL");
  };
  try {
    const pids = await Promise.all(holders.map((h) =>
      new Promise<number>((resolve, reject) => {
        h.once("error", reject);
        h.once("spawn", () => resolve(h.pid!));
      })
    ));
    // unshare has made the namespace once /proc shows the sleep in one other than ours.
    for (const pid of pids) await waitForNamespace(pid);
    const subnet = `10.77.${(process.pid + made++) % 250}`;
    const names = [`pga${process.pid % 10000}${made}`, `pgb${process.pid % 10000}${made}`];
    await exec([
      "ip",
      "link",
      "add",
      names[0],
      "netns",
      String(pids[0]),
      "type",
      "veth",
      "peer",
      "name",
      names[1],
      "netns",
      String(pids[1]),
    ]);
    const hosts = pids.map((pid, i) => host(pid, `${subnet}.${i + 1}`));
    for (const [i, h] of hosts.entries()) {
      const dev = names[i];
      await h.run([
        "sh",
        "-c",
        [
          "ip link set lo up",
          `ip addr add ${h.address}/24 dev ${dev}`,
          `ip link set ${dev} up`,
          `ip link set ${dev} multicast on`,
          `ip route add 239.0.0.0/8 dev ${dev}`,
        ].join(" && "),
      ]);
      if (options.loss) {
        await h.run(
          ["nft", "-f", "-"],
          [
            "table inet omqloss {",
            "  chain input {",
            "    type filter hook input priority 0;",
            `    udp dport ${options.port ?? 5555} numgen random mod 100 < ${options.loss} drop`,
            "  }",
            "}",
          ].join("\n"),
        );
      }
    }
    return { a: hosts[0], b: hosts[1], close };
  } catch (err) {
    close();
    throw err;
  }
}

async function waitForNamespace(pid: number): Promise<void> {
  const { readlinkSync } = await import("node:fs");
  const ours = readlinkSync("/proc/self/ns/net");
  for (let i = 0; i < 200; i++) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) !== ours) return;
    } catch {
      // Not there yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`process ${pid} never entered a network namespace of its own`);
}
