/**
 * The stats of a whole Context: its open sockets' summed, plus what the
 * sockets closed so far had counted (a counter never goes back).
 *
 * @module
 */
import { type Context, context as defaultContext, socketsOf } from "../context.ts";
import { sumStats } from "./counters.ts";
import type { SocketStats } from "./stats.ts";

/** The totals of the sockets of each context that have closed; their gauges count as zero. */
const retired = new WeakMap<Context, SocketStats>();

/** @internal A socket of `context` closed with these final stats. */
export function retireStats(context: Context, stats: SocketStats): void {
  const gone = { ...stats, connections: 0, queuedIn: 0, queuedOut: 0 };
  const before = retired.get(context);
  retired.set(context, before ? sumStats([before, gone]) : Object.freeze(gone));
}

/**
 * The stats of every socket of a context (the default one unless given), summed: the counters
 * include the sockets closed since the context was made; the gauges (connections, queued
 * messages) are those of the open sockets.
 *
 * @example
 * ```ts
 * import { contextStats } from "omq";
 * const { messagesSent, connections } = contextStats();
 * ```
 */
export function contextStats(context: Context = defaultContext): SocketStats {
  const all: SocketStats[] = [];
  const before = retired.get(context);
  if (before) all.push(before);
  for (const socket of socketsOf(context)) {
    const stats = (socket as { stats?: SocketStats }).stats;
    if (stats) all.push(stats);
  }
  return sumStats(all);
}
