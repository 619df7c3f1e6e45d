/**
 * nftables rules that break the network of the namespace this process runs in (see netns.ts):
 * a partition of one port (both ways or one way), random packet loss, a black-holed address.
 * Packets are dropped on their way in (the input hook), after the sender's stack sent them, so
 * the sender sees what a lossy wire does: no error, no FIN or RST, only retransmissions.
 * Every change rewrites the one table in one `nft -f` transaction.
 *
 * @example
 * ```ts
 * const firewall = new Firewall();
 * const cut = firewall.partition(port);       // both ways
 * // ... heartbeats fail, the socket reconnects in vain ...
 * cut.heal();
 * ```
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import process from "node:process";
import { NETNS_ENV } from "./netns.ts";

const TABLE = "omq_faults";

/** Which packets of a port a partition drops: both ways, only toward it, or only from it. */
export type Direction = "both" | "to" | "from";

/** One fault in place; `heal()` lifts it. */
export interface Fault {
  /** The nftables rules it stands for, as `nft list` prints them. */
  readonly rules: readonly string[];
  heal(): void;
}

/** Runs `nft -f -` with `script`; throws with nft's message when it refuses. */
function nft(script: string): void {
  const result = spawnSync("nft", ["-f", "-"], { input: script, encoding: "utf8" });
  if (result.status !== 0) {
    throw new Error(`nft refused:\n${script}\n${(result.stderr || result.error?.message || "").trim()}`);
  }
}

/** The rules of this process's own network namespace. */
export class Firewall {
  #faults: Fault[] = [];

  /** Refuses to run anywhere but in a namespace made by `runInNetns`: the host's network stays untouched. */
  constructor() {
    // The parent put its own namespace in the environment: ours must be another one.
    const parent = process.env[NETNS_ENV];
    if (!parent || readlinkSync("/proc/self/ns/net") === parent) {
      throw new Error("Firewall: not in a network namespace of its own (run the script with runInNetns)");
    }
    this.#apply();
  }

  /** Drops the port's TCP packets: both ways, or only those going `to` it, or only those coming `from` it. */
  partition(port: number, direction: Direction = "both"): Fault {
    const rules: string[] = [];
    if (direction !== "from") rules.push(`tcp dport ${port} drop`);
    if (direction !== "to") rules.push(`tcp sport ${port} drop`);
    return this.#add(rules);
  }

  /** Drops `percent` % of TCP packets at random, of one port (both ways) or of every port. */
  loss(percent: number, port?: number): Fault {
    if (!(percent >= 0 && percent <= 100)) throw new RangeError(`loss: percent ${percent} is not within 0..100`);
    const drop = `numgen random mod 100 < ${Math.round(percent)} drop`;
    return this.#add(
      port === undefined ? [`meta l4proto tcp ${drop}`] : [`tcp dport ${port} ${drop}`, `tcp sport ${port} ${drop}`],
    );
  }

  /** Drops every packet sent to `host` (and `port`, if given): a connect there hangs as if nobody were there. */
  blackhole(host: string, port?: number): Fault {
    const family = host.includes(":") ? "ip6" : "ip";
    return this.#add([`${family} daddr ${host}${port === undefined ? "" : ` tcp dport ${port}`} drop`]);
  }

  /** Packets dropped since the rules last changed (each change rewrites the table). */
  dropped(): number {
    const result = spawnSync("nft", ["list", "chain", "inet", TABLE, "input"], { encoding: "utf8" });
    let total = 0;
    for (const m of result.stdout.matchAll(/counter packets (\d+)/g)) total += Number(m[1]);
    return total;
  }

  /** Lifts every fault. */
  healAll(): void {
    this.#faults = [];
    this.#apply();
  }

  #add(rules: string[]): Fault {
    const fault: Fault = {
      rules,
      heal: () => {
        const at = this.#faults.indexOf(fault);
        if (at < 0) return;
        this.#faults.splice(at, 1);
        this.#apply();
      },
    };
    this.#faults.push(fault);
    this.#apply();
    return fault;
  }

  #apply(): void {
    // A counter before each drop: `dropped()` tells how many packets a fault cost.
    const rules = this.#faults.flatMap((f) => f.rules).map((r) =>
      `add rule inet ${TABLE} input ${r.replace(/ drop$/, " counter drop")}\n`
    );
    nft(
      `table inet ${TABLE} {\n  chain input {\n    type filter hook input priority 0; policy accept;\n  }\n}\n` +
        `flush chain inet ${TABLE} input\n${rules.join("")}`,
    );
  }
}
