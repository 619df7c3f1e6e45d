/**
 * Small pieces the fault scenarios share: short heartbeats on both sides, each wait bounded
 * and named, numbered messages.
 *
 * @example
 * ```ts
 * await step(events.until("disconnect", 1), "omq sees the partition");
 * ```
 *
 * @module
 */
import { withTimeout } from "./util.ts";

/**
 * Heartbeats for omq and libzmq alike: a dead peer is noticed within about 1.1 s. Not less: on a
 * loaded machine (the three runtimes' suites at once) a process can stall for a few hundred ms,
 * and a shorter timeout then drops a live connection before the fault the scenario is about.
 */
export const HEARTBEAT = { heartbeatInterval: 100, heartbeatTimeout: 1000 } as const;

/**
 * What a connecting side takes in the matrix: heartbeats, a quick first retry, and a connect
 * timeout so that an attempt swallowed by the partition does not wait for the kernel's SYN retries.
 */
export const CONNECTING = { ...HEARTBEAT, linger: 0, reconnectInterval: 100, connectTimeout: 250 } as const;

/** Every step of a scenario waits at most this long before the scenario fails, naming the step. */
export const STEP_TIMEOUT = 10_000;

/** Waits for `promise`, failing with `what` after `ms`. */
export function step<T>(promise: Promise<T>, what: string, ms = STEP_TIMEOUT): Promise<T> {
  return withTimeout(promise, ms, what);
}

/** The port of a `tcp://host:port` endpoint. */
export function portOf(endpoint: string): number {
  const m = /:(\d+)$/.exec(endpoint);
  if (!m) throw new Error(`no port in ${endpoint}`);
  return Number(m[1]);
}

/** The number in a numbered message's last frame ("17"); NaN for other messages. */
export function numberOf(message: readonly Uint8Array[]): number {
  return Number(new TextDecoder().decode(message[message.length - 1]));
}

/** Resolves with the error `promise` rejects with; fails if it resolves. */
export async function rejection(promise: Promise<unknown>, what: string): Promise<Error & { code?: string }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { code?: string };
  }
  throw new Error(`${what}: expected a rejection, it resolved`);
}
