/**
 * The fault matrix: one row per fault and pattern, with what the omq side saw (its events) and
 * the messages counted. A script run in a namespace reports rows with `reportRow`; the test
 * asserts on them and prints them with `printMatrix`.
 *
 * @example
 * ```ts
 * const seq = new Sequence();
 * for (const n of [0, 1, 1, 3]) seq.take(n);
 * seq.counts(4); // { received: 4, lost: 1, duplicated: 1, reordered: 0 }
 * ```
 *
 * @module
 */
import type { Socket, SocketEventType } from "../../mod.ts";

/** Marks a row among a script's other output. */
export const ROW_PREFIX = "@@fault-row ";

/** What one row of the matrix says. */
export interface FaultRow {
  /** The fault, e.g. "partition 2× heartbeatTimeout, then heal". */
  fault: string;
  /** The pattern and who plays which side, e.g. "PUSH/PULL omq→libzmq". */
  pattern: string;
  /** omq's monitor events during the fault, counted by type. */
  events: Partial<Record<SocketEventType, number>>;
  /** Messages sent, and received once, twice, or out of order, where the row counts them. */
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** What happened, in words (what a plain REQ did, the retry intervals, ...). */
  note: string;
  /** Anything else a test asserts on. */
  extra?: Record<string, unknown>;
}

/** Prints a row for the test that started this script (the script's own stdout). */
export function reportRow(row: FaultRow): void {
  console.log(ROW_PREFIX + JSON.stringify(row));
}

/** The events a socket emits, counted by type, from now on (listener mode: the socket's events are not read otherwise). */
export class EventCounter {
  readonly counts: Partial<Record<SocketEventType, number>> = {};
  readonly intervals: number[] = [];
  #waiters: { type: SocketEventType; count: number; resolve: () => void }[] = [];

  constructor(socket: Socket) {
    const types: SocketEventType[] = [
      "accept",
      "close",
      "connect",
      "connect:delay",
      "connect:retry",
      "disconnect",
      "handshake",
      "handshake:error:protocol",
      "handshake:error:auth",
      "handshake:error:other",
    ];
    for (const type of types) {
      socket.events.on(type, (event) => {
        this.counts[type] = (this.counts[type] ?? 0) + 1;
        if (type === "connect:retry" && event.interval !== undefined) this.intervals.push(event.interval);
        for (const w of [...this.#waiters]) {
          if (w.type === type && (this.counts[type] ?? 0) >= w.count) {
            this.#waiters.splice(this.#waiters.indexOf(w), 1);
            w.resolve();
          }
        }
      });
    }
  }

  /** How many events of `type` so far. */
  count(type: SocketEventType): number {
    return this.counts[type] ?? 0;
  }

  /**
   * Resolves once `count` events of `type` have been seen in all. The count is absolute, taken
   * before the action that causes the event: one taken after an `await` may already be stale.
   */
  until(type: SocketEventType, count: number): Promise<void> {
    if (this.count(type) >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ type, count, resolve }));
  }

  /** The counts since `before` (a copy of `counts` taken earlier). */
  since(before: Partial<Record<SocketEventType, number>>): Partial<Record<SocketEventType, number>> {
    const out: Partial<Record<SocketEventType, number>> = {};
    for (const [type, n] of Object.entries(this.counts) as [SocketEventType, number][]) {
      const d = n - (before[type] ?? 0);
      if (d > 0) out[type] = d;
    }
    return out;
  }
}

/** Numbered messages as they arrive: lost, duplicated and out-of-order ones counted. */
export class Sequence {
  #seen = new Set<number>();
  #last = -1;
  received = 0;
  duplicated = 0;
  reordered = 0;

  /** One message carrying number `n`. */
  take(n: number): void {
    this.received++;
    if (this.#seen.has(n)) this.duplicated++;
    else this.#seen.add(n);
    if (n < this.#last) this.reordered++;
    this.#last = Math.max(this.#last, n);
  }

  /** Whether `n` arrived. */
  has(n: number): boolean {
    return this.#seen.has(n);
  }

  /** The tally, given that numbers 0..sent-1 went out. */
  counts(sent: number): { received: number; lost: number; duplicated: number; reordered: number } {
    let lost = 0;
    for (let i = 0; i < sent; i++) if (!this.#seen.has(i)) lost++;
    return { received: this.received, lost, duplicated: this.duplicated, reordered: this.reordered };
  }
}

// connect:delay comes with every attempt; connect:retry and close say the same more usefully.
const eventText = (events: FaultRow["events"]): string =>
  Object.entries(events).filter(([type]) => type !== "connect:delay").map(([type, n]) => `${type}×${n}`).join(" ") ||
  "-";

/** Prints rows as a table (fault, pattern, events, counts, note). */
export function printMatrix(title: string, rows: readonly FaultRow[]): void {
  const header = ["fault", "pattern", "omq events", "sent", "recv", "lost", "dup", "reord", "note"];
  const cells = rows.map((r) => [
    r.fault,
    r.pattern,
    eventText(r.events),
    String(r.sent),
    String(r.received),
    String(r.lost),
    String(r.duplicated),
    String(r.reordered),
    r.note,
  ]);
  const widths = header.map((h, i) => Math.min(60, Math.max(h.length, ...cells.map((c) => c[i].length))));
  const line = (c: string[]) => c.map((s, i) => (i === c.length - 1 ? s : s.padEnd(widths[i]))).join(" | ");
  console.log(`\n${title}\n${line(header)}\n${widths.map((w) => "-".repeat(w)).join("-|-")}`);
  for (const c of cells) console.log(line(c));
}
