/**
 * The soak: every pattern at a steady rate over tcp, ipc, inproc and ws, while faults come
 * periodically: hostile peers against every bound endpoint, restarts of the bound side of the
 * restart lanes, and (in a network namespace of its own, with a firewall) partitions longer and
 * shorter than heartbeatTimeout. It samples RSS, heap, open file descriptors and the messages
 * counted at every interval. `scripts/soak.ts` is its command line.
 *
 * @example
 * ```ts
 * const result = await runSoak({ minutes: 1, sampleSeconds: 10, faultSeconds: 10, rate: 200, firewall: null });
 * result.lanes.filter((l) => l.promise === "none-lost").every((l) => l.lost === 0);
 * ```
 *
 * @module
 */
import { readdirSync } from "node:fs";
import process from "node:process";
import type { Firewall } from "./firewall.ts";
import { collectGarbage } from "./gc.ts";
import { hostileBurst } from "./hostile-peers.ts";
import {
  dealerRouter,
  eventTally,
  type Lane,
  type LaneOptions,
  type LanePromise,
  pair,
  proxied,
  pubSub,
  pushPull,
  reqRep,
  type Transport,
} from "./soak-lanes.ts";
import { sleep } from "./util.ts";

/** How long, how often, how fast. */
export interface SoakOptions {
  minutes: number;
  /** Seconds between samples (60: one a minute). */
  sampleSeconds: number;
  /** Seconds between fault rounds. */
  faultSeconds: number;
  /** Messages a second per lane. */
  rate: number;
  /** Partitions need a firewall (a namespace of our own); null leaves them out. */
  firewall: Firewall | null;
  /** Where progress lines go. */
  log?: (line: string) => void;
  /** Lanes whose "PATTERN transport" matches are left out (e.g. /XPUB/ to bisect a leak). */
  skip?: RegExp;
}

/** One sample. */
export interface SoakSample {
  /** Seconds since the start. */
  at: number;
  rssMiB: number;
  heapMiB: number;
  externalMiB: number;
  /** Open file descriptors of the process (sockets, pipes, files): the open handles. */
  fds: number;
  /** Messages received by every lane since the last sample. */
  messages: number;
  /** Messages lost so far where the lane promises none (lost, duplicated or out of order). */
  lostPromised: number;
  /** Messages lost so far where a restart or a partition may lose what is in flight. */
  lostAtMostOnce: number;
  restarts: number;
  partitions: number;
  hostile: number;
}

/** One lane's totals. */
export interface LaneResult {
  name: string;
  promise: LanePromise;
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** Its sender was still blocked when the soak ended. */
  stuck: boolean;
}

/** What a fault round did, and whether each lane it hit came back. */
export interface FaultTally {
  restarts: number;
  partitions: number;
  /** Restarts and partitions after which the lane received again. */
  recovered: number;
  /** Lanes that never received again after one. */
  unrecovered: string[];
  /** Restarts whose bind failed, as "lane: error". */
  failedRestarts: string[];
  hostileOpened: number;
  hostileClosedByServer: number;
  /** Endpoints that left a hostile connection open for 5 s. */
  hostileLeftOpen: string[];
}

export interface SoakResult {
  runtime: string;
  partitions: boolean;
  samples: SoakSample[];
  lanes: LaneResult[];
  faults: FaultTally;
  /** Every monitor event of every socket, by type. */
  events: Record<string, number>;
}

const TRANSPORTS: Transport[] = ["tcp", "ipc", "inproc", "ws"];
const HEARTBEAT_LONG_CUT = { heartbeatInterval: 100, heartbeatTimeout: 300, connectTimeout: 250 };
const HEARTBEAT_SHORT_CUT = { heartbeatInterval: 100, heartbeatTimeout: 3000 };
const LONG_CUT_MS = 1500;
const SHORT_CUT_MS = 300;

const MiB = (n: number) => Math.round((n / 1048576) * 10) / 10;
const portOf = (endpoint: string) => Number(/:(\d+)(?:\/|$)/.exec(endpoint)![1]);

/** Open file descriptors of this process (Linux); -1 elsewhere. */
export function openFds(): number {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return -1;
  }
}

/** The runtime this runs on. */
export function runtimeName(): string {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  return g.Deno ? "deno" : g.Bun ? "bun" : "node";
}

/** Runs the soak for `minutes` and returns its samples and totals. */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const log = o.log ?? (() => {});
  const steadyOptions: LaneOptions = { rate: o.rate };
  // Each kind of lane under its pattern's name, so that `skip` can leave some out (to bisect a leak).
  const kinds: [string, (t: Transport, l: LaneOptions, p?: LanePromise) => Promise<Lane>][] = [
    ["PUSH/PULL", pushPull],
    ["PAIR", pair],
    ["REQ/REP", reqRep],
    ["DEALER/ROUTER", dealerRouter],
    ["PUB/SUB", pubSub],
    ["XPUB/XSUB", proxied],
  ];
  const make = (pattern: string) => kinds.find(([name]) => name === pattern)![1];
  const wanted = (pattern: string, t: Transport) => !o.skip?.test(`${pattern} ${t}`);
  const steady: Lane[] = [];
  for (const t of TRANSPORTS) {
    for (const [pattern, lane] of kinds) if (wanted(pattern, t)) steady.push(await lane(t, steadyOptions));
  }
  const restarted: LaneOptions = { rate: o.rate, label: "(restarted)" };
  // inproc has no reconnect, as in libzmq: a restarted peer there is a new socket, not a comeback.
  const restarts: [string, Transport, LanePromise][] = [
    ["PUSH/PULL", "tcp", "at-most-once"],
    ["PUSH/PULL", "ipc", "at-most-once"],
    ["PUSH/PULL", "ws", "at-most-once"],
    ["REQ/REP", "tcp", "at-most-once"],
    ["DEALER/ROUTER", "ipc", "at-most-once"],
    ["PUB/SUB", "ws", "no-promise"],
  ];
  const restartable: Lane[] = [];
  for (const [pattern, t, promise] of restarts) {
    if (wanted(`${pattern}`, t)) restartable.push(await make(pattern)(t, restarted, promise));
  }
  const longCut = o.firewall && wanted("DEALER/ROUTER", "tcp")
    ? await dealerRouter("tcp", {
      rate: o.rate,
      socket: HEARTBEAT_LONG_CUT,
      label: `(cut ${LONG_CUT_MS} ms > heartbeatTimeout)`,
    }, "at-most-once")
    : null;
  const shortCut = o.firewall && wanted("PUSH/PULL", "tcp")
    ? await pushPull("tcp", {
      rate: o.rate,
      socket: HEARTBEAT_SHORT_CUT,
      label: `(cut ${SHORT_CUT_MS} ms < heartbeatTimeout)`,
    })
    : null;
  const lanes = [...steady, ...restartable, ...(longCut ? [longCut] : []), ...(shortCut ? [shortCut] : [])];
  log(
    `${lanes.length} lanes at ${o.rate} messages/s each on ${runtimeName()}` +
      `${o.firewall ? ", partitions on" : ", partitions off (no network namespace)"}`,
  );

  const tally: FaultTally = {
    restarts: 0,
    partitions: 0,
    recovered: 0,
    unrecovered: [],
    failedRestarts: [],
    hostileOpened: 0,
    hostileClosedByServer: 0,
    hostileLeftOpen: [],
  };
  /** Lanes hit by the last fault round, with what they had received by then. */
  let pending: { lane: Lane; received: number }[] = [];
  const checkRecovered = () => {
    for (const { lane, received } of pending) {
      if (lane.stats.received > received) tally.recovered++;
      else tally.unrecovered.push(lane.name);
    }
    pending = [];
  };
  const bursts: Promise<void>[] = [];
  const hostileTargets = steady.flatMap((l) => l.endpoints);

  const start = Date.now();
  const end = start + o.minutes * 60_000;
  const samples: SoakSample[] = [];
  let lastReceived = 0;
  const sample = async () => {
    await collectGarbage({ shrink: true });
    // The floor of five readings over two seconds: a restart or hostile burst in flight at the
    // reading moved Bun's RSS by ±10 % from one minute to the next over a flat heap; a leak
    // raises the floor.
    let m = process.memoryUsage();
    for (let k = 0; k < 4; k++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const again = process.memoryUsage();
      if (again.rss < m.rss) m = again;
    }
    const received = lanes.reduce((n, l) => n + l.stats.received, 0);
    const lost = (promise: LanePromise) =>
      lanes.filter((l) => l.promise === promise)
        .reduce((n, l) => n + l.stats.lost + l.stats.duplicated + l.stats.reordered, 0);
    const s: SoakSample = {
      at: Math.round((Date.now() - start) / 1000),
      rssMiB: MiB(m.rss),
      heapMiB: MiB(m.heapUsed),
      externalMiB: MiB(m.external),
      fds: openFds(),
      messages: received - lastReceived,
      lostPromised: lost("none-lost"),
      lostAtMostOnce: lost("at-most-once"),
      restarts: tally.restarts,
      partitions: tally.partitions,
      hostile: tally.hostileOpened,
    };
    lastReceived = received;
    samples.push(s);
    log(
      `${String(s.at).padStart(5)} s  rss ${s.rssMiB} MiB  heap ${s.heapMiB} MiB  fds ${s.fds}  ` +
        `messages ${s.messages}  lost ${s.lostPromised} (promised none) ${s.lostAtMostOnce} (at most once)  ` +
        `restarts ${s.restarts}  partitions ${s.partitions}  hostile ${s.hostile}`,
    );
  };

  let round = 0;
  let nextFault = start + o.faultSeconds * 1000;
  let nextSample = start + o.sampleSeconds * 1000;
  while (Date.now() < end) {
    const now = Date.now();
    if (now >= nextSample) {
      nextSample += o.sampleSeconds * 1000;
      await sample();
    } else if (now >= nextFault) {
      nextFault += o.faultSeconds * 1000;
      checkRecovered();
      round++;
      bursts.push(
        hostileBurst(hostileTargets, 5).then((b) => {
          tally.hostileOpened += b.opened;
          tally.hostileClosedByServer += b.closedByServer;
          for (const e of b.leftOpen) if (!tally.hostileLeftOpen.includes(e)) tally.hostileLeftOpen.push(e);
        }),
      );
      if (round % 2 === 1) {
        for (const lane of restartable) {
          try {
            await lane.restart!();
            pending.push({ lane, received: lane.stats.received });
            tally.restarts++;
          } catch (err) {
            // The lane stays down until a later round binds it again; the verdict names it.
            const failure = `${lane.name}: ${(err as Error).message}`;
            if (!tally.failedRestarts.includes(failure)) tally.failedRestarts.push(failure);
          }
        }
      }
      if (o.firewall && round % 3 === 2) {
        const fw = o.firewall;
        if (longCut) {
          pending.push({ lane: longCut, received: longCut.stats.received });
          const long = fw.partition(portOf(longCut.endpoints[0]));
          setTimeout(() => long.heal(), LONG_CUT_MS);
          tally.partitions++;
        }
        if (shortCut) {
          const short = fw.partition(portOf(shortCut.endpoints[0]));
          setTimeout(() => short.heal(), SHORT_CUT_MS);
          tally.partitions++;
        }
      }
    } else await sleep(Math.min(nextSample, nextFault, end) - now);
  }
  await sample();
  await Promise.all(bursts);
  // The last round's lanes get a fault interval to come back.
  await sleep(Math.min(o.faultSeconds * 1000, 5000));
  checkRecovered();
  o.firewall?.healAll();
  for (const lane of lanes) await lane.stop();
  return {
    runtime: runtimeName(),
    partitions: o.firewall !== null,
    samples,
    lanes: lanes.map((l) => ({
      name: l.name,
      promise: l.promise,
      sent: l.stats.sent,
      received: l.stats.received,
      lost: l.stats.lost,
      duplicated: l.stats.duplicated,
      reordered: l.stats.reordered,
      stuck: l.stats.stuck,
    })),
    faults: tally,
    events: { ...eventTally },
  };
}
