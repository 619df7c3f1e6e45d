/** Runs the `omq` command as a child process of the runtime running the tests. */
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { withTimeout } from "./util.ts";

const root = fileURLToPath(new URL("../..", import.meta.url).href);
const CLI = fileURLToPath(new URL("../../cli/omq.ts", import.meta.url).href);

/** The command line that runs a TypeScript entry point on this runtime. */
export function runtimeCommand(entry: string): string[] {
  const g = globalThis as { Deno?: { execPath(): string }; Bun?: unknown };
  if (g.Deno) return [g.Deno.execPath(), "run", "-A", entry];
  if (g.Bun) return [process.execPath, entry];
  return [process.execPath, "--import", "tsx", entry];
}

/** A running `omq`: feed it lines, read what it prints, wait for its exit. */
export class CliProcess implements AsyncDisposable {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<number | null>;
  #child: ChildProcess;
  #waiters = new Set<() => void>();

  constructor(args: string[], command: string[] = runtimeCommand(CLI)) {
    this.#child = spawn(command[0]!, [...command.slice(1), ...args], {
      cwd: root,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    });
    this.exited = new Promise((resolve) => this.#child.on("exit", (code) => resolve(code)));
    const collect = (stream: NodeJS.ReadableStream, into: string[]) => {
      let rest = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop()!;
        into.push(...parts);
        for (const wake of this.#waiters) wake();
      });
    };
    collect(this.#child.stdout!, this.stdout);
    collect(this.#child.stderr!, this.stderr);
  }

  /** Writes lines to its stdin. */
  write(...lines: string[]): void {
    this.#child.stdin!.write(lines.map((l) => l + "\n").join(""));
  }

  /** Closes its stdin. */
  end(): void {
    this.#child.stdin!.end();
  }

  /** Resolves with the first line of `stream` that matches, waiting up to `ms`. */
  waitLine(match: RegExp, { stream = "stdout", ms = 20_000 }: { stream?: "stdout" | "stderr"; ms?: number } = {}) {
    const lines = stream === "stdout" ? this.stdout : this.stderr;
    return withTimeout(
      new Promise<string>((resolve) => {
        const check = () => {
          const found = lines.find((l) => match.test(l));
          if (found === undefined) return;
          this.#waiters.delete(check);
          resolve(found);
        };
        this.#waiters.add(check);
        check();
      }),
      ms,
      `omq ${stream} line ${match} (stdout: ${JSON.stringify(this.stdout)}, stderr: ${JSON.stringify(this.stderr)})`,
    );
  }

  /** Its exit code, waiting up to `ms`. */
  exit(ms = 20_000): Promise<number | null> {
    return withTimeout(this.exited, ms, `omq exit (stderr: ${JSON.stringify(this.stderr)})`);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill("SIGKILL");
    await this.exited;
  }
}
