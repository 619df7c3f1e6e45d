// Runs the test suite on Node, Deno and Bun in turn and prints `total: N passed, N failed`.
//   npm test                                   all tests/**/*.test.ts on all three runtimes
//   npm test -- --runtime=node,bun             some runtimes only
//   npm test -- tests/foo.test.ts tests/zmtp   given files (or folders) only
//   npm test -- --serial                       one runtime after the other, output as it comes
// By default the three runtimes run at the same time (most tests wait on sockets and timers, not
// the CPU: the suite took 9 min one after the other, on 2 cores), each runtime's output printed
// whole once it is done.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url).href);
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const TEST_TIMEOUT = 120_000; // per test, ms

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
  errors?: number; // Bun: unhandled errors between tests, not counted as failed tests
}

interface Runtime {
  command(files: string[]): string[];
  /** Reads the runner's closing summary (ANSI codes already stripped); null if there is none. */
  parse(output: string): Counts | null;
}

const last = (output: string, re: RegExp): number | null => {
  const all = [...output.matchAll(new RegExp(re.source, "gm"))];
  return all.length ? Number(all[all.length - 1]![1]) : null;
};

const runtimes: Record<string, Runtime> = {
  // One process per file (--test-concurrency=1: real sockets, 2-core machines).
  // Summary (spec reporter): "ℹ pass 3" / "ℹ fail 0" / "ℹ cancelled 0" / "ℹ skipped 0" ("#" with TAP).
  node: {
    command: (files) => [
      process.execPath,
      "--import",
      "tsx",
      "--test",
      "--test-force-exit",
      "--test-reporter=spec",
      "--test-concurrency=1",
      `--test-timeout=${TEST_TIMEOUT}`,
      ...files,
    ],
    parse(out) {
      const n = (key: string) => last(out, new RegExp(`^[ℹ#] ${key} (\\d+)$`));
      const [passed, failed, cancelled] = [n("pass"), n("fail"), n("cancelled")];
      if (passed === null || failed === null) return null;
      return { passed, failed: failed + (cancelled ?? 0), skipped: (n("skipped") ?? 0) + (n("todo") ?? 0) };
    },
  },
  // Type-checks first; summary: "ok | 3 passed | 0 failed (1s)" or "FAILED | 2 passed (4 steps) | 1 failed | 1 ignored".
  deno: {
    command: (files) => [bin("deno"), "test", "-A", ...files],
    parse(out) {
      const line = out.match(/^(?:ok|FAILED) \|.*$/gm)?.pop();
      if (!line) return null;
      const n = (key: string) => Number(line.match(new RegExp(`(\\d+) ${key}`))?.[1] ?? 0);
      return { passed: n("passed"), failed: n("failed"), skipped: n("ignored") };
    },
  },
  // Paths must start with "./" or bun treats them as name filters. Summary (on stderr): " 3 pass" / " 0 fail" / " 1 skip".
  bun: {
    command: (files) => [bin("bun"), "test", `--timeout=${TEST_TIMEOUT}`, ...files.map((f) => `./${f}`)],
    parse(out) {
      const [passed, failed] = [last(out, /^\s*(\d+) pass$/), last(out, /^\s*(\d+) fail$/)];
      if (passed === null || failed === null) return null;
      const n = (key: string) => last(out, new RegExp(`^\\s*(\\d+) ${key}$`)) ?? 0;
      return { passed, failed, skipped: n("skip") + n("todo"), errors: n("errors?") };
    },
  },
};

/** A file as given, or the *.test.ts files under a folder (Node 20 does not expand globs). */
function findTests(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  const found: string[] = [];
  for (const e of readdirSync(path, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    if (e.isDirectory()) found.push(...findTests(join(path, e.name)));
    else if (e.name.endsWith(".test.ts")) found.push(join(path, e.name));
  }
  return found;
}

function run(argv: string[], stream: boolean): Promise<{ code: number | null; output: string }> {
  const shown = argv.map((a) => (a === process.execPath ? "node" : a.startsWith(root) ? relative(root, a) : a));
  const header = `\n$ ${shown.join(" ")}\n`;
  if (stream) process.stdout.write(header);
  return new Promise((done) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      if (stream) process.stdout.write(chunk);
      output += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stream) process.stderr.write(chunk);
      output += chunk;
    });
    child.on("error", (err) => {
      console.error(`cannot run ${argv[0]}: ${err.message}`);
      done({ code: -1, output });
    });
    child.on("close", (code, signal) => {
      if (!stream) process.stdout.write(header + output);
      done({ code: code ?? (signal ? 128 : -1), output });
    });
  });
}

// Arguments: --runtime=a,b and files/folders (relative to the repo root or the current directory).
let selected = Object.keys(runtimes);
let serial = false;
const paths: string[] = [];
for (const arg of process.argv.slice(2)) {
  if (arg.startsWith("--runtime=")) selected = arg.slice("--runtime=".length).split(",").filter(Boolean);
  else if (arg === "--serial") serial = true;
  else if (arg.startsWith("-")) throw new Error(`unknown option ${arg} (use --runtime=node,deno,bun and test files)`);
  else paths.push(relative(root, resolve(arg)));
}
for (const name of selected) if (!runtimes[name]) throw new Error(`unknown runtime "${name}" (node, deno, bun)`);
const files = (paths.length ? paths : ["tests"]).flatMap((p) => findTests(join(root, p)));
const relFiles = files.map((f) => relative(root, f)).sort();
if (!relFiles.length) throw new Error("no test files found");

/**
 * Files that measure their own process's memory: where a runtime runs every file in one process
 * (Deno, Bun), they get a process of their own after the rest, so what earlier files left running
 * is not counted as theirs (Bun's hostile matrix once saw 15 MB "kept" only inside the full suite).
 */
const OWN_PROCESS = new Set(["tests/hostile/matrix.test.ts"]);

/** Runs one runtime's files: the shared-process ones, then each OWN_PROCESS one alone (not on Node). */
async function runLeg(name: string, stream: boolean): Promise<{ code: number | null; counts: Counts | null }> {
  const alone = name === "node" ? [] : relFiles.filter((f) => OWN_PROCESS.has(f));
  const groups = [relFiles.filter((f) => !alone.includes(f)), ...alone.map((f) => [f])].filter((g) => g.length);
  let code: number | null = 0;
  let counts: Counts | null = { passed: 0, failed: 0, skipped: 0, errors: 0 };
  for (const group of groups) {
    const r = await run(runtimes[name]!.command(group), stream);
    if (r.code !== 0) code = r.code;
    // deno-lint-ignore no-control-regex -- ANSI colour codes start with ESC
    const c = runtimes[name]!.parse(r.output.replace(/\x1b\[[0-9;]*m/g, ""));
    if (!c || !counts) counts = null;
    else {
      counts = {
        passed: counts.passed + c.passed,
        failed: counts.failed + c.failed,
        skipped: counts.skipped + c.skipped,
        errors: (counts.errors ?? 0) + (c.errors ?? 0),
      };
    }
  }
  return { code, counts };
}

const started = Date.now();
const single = serial || selected.length === 1;
const runs = single ? null : selected.map((name) => runLeg(name, false));
const results: string[] = [];
const total = { passed: 0, failed: 0 };
let ok = true;
for (const name of selected) {
  const { code, counts } = runs ? (await runs[selected.indexOf(name)])! : await runLeg(name, true);
  if (!counts) {
    ok = false;
    results.push(`${name}: could not read the test summary (exit code ${code})`);
    continue;
  }
  total.passed += counts.passed;
  total.failed += counts.failed;
  const notes = [
    counts.skipped ? `${counts.skipped} skipped` : "",
    counts.errors ? `${counts.errors} unhandled errors` : "",
    code !== 0 ? `exit code ${code}` : "",
  ].filter(Boolean);
  if (counts.failed || counts.errors || code !== 0 || counts.passed === 0) ok = false;
  results.push(
    `${name}: ${counts.passed} passed, ${counts.failed} failed${notes.length ? ` (${notes.join(", ")})` : ""}`,
  );
}

const seconds = Math.round((Date.now() - started) / 1000);
console.log(`\n${results.join("\n")}\n(${seconds} s)\ntotal: ${total.passed} passed, ${total.failed} failed`);
process.exitCode = ok ? 0 : 1;
