/**
 * Runs several example programs at once as child processes of the runtime
 * running this one (Node through tsx, Deno, Bun), each line of their output
 * prefixed with the program's name: the one-command form of the guide's
 * examples that take two or more processes (examples/hello.ts, weather.ts,
 * divide-and-conquer.ts, queue.ts). Endpoints are ipc paths in a fresh
 * temporary directory, so nothing clashes with a port in use.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** One program to start: `examples/<script>.ts` with `args`. */
export interface Program {
  /** The prefix of its output lines. */
  readonly name: string;
  /** The example's file name without `.ts`. */
  readonly script: string;
  readonly args: readonly string[];
  /** Wait for it to exit (true), or stop it once every awaited program has exited (false). */
  readonly awaited: boolean;
  /** Start the next program only once this one has printed a line matching this. */
  readonly ready?: RegExp;
}

/** The command line that runs a TypeScript file on this runtime. */
function command(file: string): string[] {
  const g = globalThis as { Deno?: { execPath(): string }; Bun?: unknown };
  if (g.Deno) return [g.Deno.execPath(), "run", "-A", file];
  if (g.Bun) return [process.execPath, file];
  return [process.execPath, "--import", "tsx", file];
}

/** A fresh temporary directory's ipc endpoint for `name` (removed when `launch` is done). */
export function ipcEndpoint(name: string): string {
  dir ??= mkdtempSync(join(tmpdir(), "omq-example-"));
  return `ipc://${join(dir, name)}`;
}
let dir: string | undefined;

/**
 * Starts `programs` in order, waits for the awaited ones (at most `timeoutMs`), then stops the
 * rest. Resolves true when every awaited program exited with 0.
 *
 * @example
 * ```ts ignore
 * const endpoint = ipcEndpoint("hello");
 * await launch([
 *   { name: "server", script: "hello-server", args: [endpoint, "3"], awaited: true },
 *   { name: "client", script: "hello-client", args: [endpoint, "3"], awaited: true },
 * ]);
 * ```
 */
export async function launch(programs: readonly Program[], timeoutMs = 60_000): Promise<boolean> {
  const width = Math.max(...programs.map((p) => p.name.length));
  const children: { child: ChildProcess; closed: Promise<boolean> }[] = [];
  const awaited: Promise<boolean>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  for (const program of programs) {
    const [cmd, ...args] = command(fileURLToPath(new URL(`./${program.script}.ts`, import.meta.url).href));
    const child = spawn(cmd, [...args, ...program.args], { stdio: ["ignore", "pipe", "inherit"] });
    let partial = "";
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop()!;
      for (const line of lines) {
        console.log(`${program.name.padEnd(width)} | ${line}`);
        if (program.ready?.test(line)) ready();
      }
    });
    // "close", not "exit": by then everything it printed has been passed on.
    const closed = new Promise<boolean>((resolve) => child.on("close", (code) => resolve(code === 0)));
    children.push({ child, closed });
    if (program.awaited) awaited.push(closed);
    if (program.ready) await Promise.race([isReady, closed, timedOut]);
  }
  const ok = await Promise.race([Promise.all(awaited).then((codes) => codes.every(Boolean)), timedOut]);
  clearTimeout(timer);
  for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill();
  await Promise.all(children.map(({ closed }) => closed));
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (!ok) console.log(`launch: a program failed or did not finish within ${timeoutMs} ms`);
  return ok;
}
