// The static checks, run by CI with the rest of the suite (in Deno's leg only: they look at
// files, not at the runtime): deno lint, deno fmt --check, deno check, deno doc --lint, and
// tsc --noEmit over the whole tree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { nodeBinary } from "../support/libzmq.ts";

const root = fileURLToPath(new URL("../..", import.meta.url).href);
const deno = (globalThis as { Deno?: { execPath(): string } }).Deno;
const skip = deno ? false : "the static checks run once, in Deno's leg";

function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, {
      cwd: root,
      timeout: 240_000,
      maxBuffer: 32 << 20,
      env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
    }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: stdout + stderr });
    });
  });
}

const checks: [string, () => [string, string[]]][] = [
  ["deno lint", () => [deno!.execPath(), ["lint"]]],
  ["deno fmt --check", () => [deno!.execPath(), ["fmt", "--check"]]],
  ["deno check (every file)", () => [deno!.execPath(), ["check", "."]]],
  ["deno doc --lint (the public API is documented)", () => [deno!.execPath(), ["doc", "--lint", "mod.ts"]]],
  [
    "tsc --noEmit (every file)",
    () => [nodeBinary(), [join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"]],
  ],
];

for (const [name, command] of checks) {
  test(name, { skip, timeout: 300_000 }, async () => {
    const [cmd, args] = command();
    const { code, output } = await run(cmd, args);
    assert.equal(code, 0, `${name} failed:\n${output.slice(-4000)}`);
  });
}
