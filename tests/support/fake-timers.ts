/**
 * A fake clock for tests of code that schedules with `setTimeout`: while installed, the global
 * `setTimeout`/`clearTimeout` queue callbacks here, and `advance(ms)` runs the ones that fall due,
 * in order. No real time passes, so backoff and timeouts are checked exactly and instantly.
 *
 * @example
 * ```ts
 * const clock = new FakeTimers().install();
 * try {
 *   setTimeout(() => console.log("later"), 100);
 *   clock.advance(99); // nothing
 *   clock.advance(1); // "later"
 * } finally {
 *   clock.uninstall();
 * }
 * ```
 */

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

type SetTimeout = typeof globalThis.setTimeout;
type ClearTimeout = typeof globalThis.clearTimeout;

/** A manual clock standing in for the global timeout functions. */
export class FakeTimers {
  /** Milliseconds advanced since `install()`. */
  now = 0;
  #timers = new Map<number, Timer>();
  #nextId = 1;
  #seq = 0;
  #saved: { setTimeout: SetTimeout; clearTimeout: ClearTimeout } | null = null;

  /** Replaces the global `setTimeout`/`clearTimeout`; returns `this`. */
  install(): this {
    if (this.#saved) throw new Error("fake timers are already installed");
    const g = globalThis as { setTimeout: SetTimeout; clearTimeout: ClearTimeout };
    this.#saved = { setTimeout: g.setTimeout, clearTimeout: g.clearTimeout };
    g.setTimeout = ((fn: () => void, ms = 0) => this.#add(fn, ms)) as unknown as SetTimeout;
    g.clearTimeout = ((id: unknown) => {
      if (typeof id === "number") this.#timers.delete(id);
    }) as ClearTimeout;
    return this;
  }

  /** Puts the real timer functions back. */
  uninstall(): void {
    if (!this.#saved) return;
    const g = globalThis as { setTimeout: SetTimeout; clearTimeout: ClearTimeout };
    g.setTimeout = this.#saved.setTimeout;
    g.clearTimeout = this.#saved.clearTimeout;
    this.#saved = null;
  }

  /** Delays (from now) of the timers still pending, soonest first. */
  get pending(): number[] {
    return [...this.#timers.values()].sort(order).map((t) => t.at - this.now);
  }

  /** Moves the clock forward by `ms`, running each timer that falls due (and any they schedule) in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= end).sort(([, a], [, b]) => order(a, b))[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.now = due[1].at;
      due[1].fn();
    }
    this.now = end;
  }

  #add(fn: () => void, ms: number): number {
    const id = this.#nextId++;
    this.#timers.set(id, { at: this.now + Math.max(0, ms), seq: this.#seq++, fn });
    return id;
  }
}

const order = (a: Timer, b: Timer): number => a.at - b.at || a.seq - b.seq;

/** Lets pending promise callbacks run (a few microtask turns), without real timers. */
export async function settle(turns = 10): Promise<void> {
  for (let i = 0; i < turns; i++) await Promise.resolve();
}
