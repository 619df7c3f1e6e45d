/**
 * Child processes of a test: started with their output collected, awaited with a bound, and
 * killed when the test is done (examples.test.ts, docs.test.ts).
 *
 * @module
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { withTimeout } from "./util.ts";

/** A started child process. */
export interface Run {
  readonly child: ChildProcess;
  /** What it printed on stdout so far. */
  output(): string;
  /** Its exit code, once it has exited and its output is all read. */
  readonly exited: Promise<number | null>;
}

const running: ChildProcess[] = [];

/** Starts `cmd args` (stderr passed through); `killAll` ends it if it is still running. */
export function startProcess(cmd: string, args: readonly string[], cwd?: string): Run {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"], cwd });
  running.push(child);
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Waits (at most `ms`) for `run` to exit 0, and resolves with what it printed. */
export async function finished(run: Run, what: string, ms = 60_000): Promise<string> {
  assert.equal(await withTimeout(run.exited, ms, what), 0, `${what} exit code; output:\n${run.output()}`);
  return run.output();
}

/** Kills every process started here that is still running. */
export function killAll(): void {
  for (const c of running.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill();
}
