/**
 * The npm package as a user gets it: `npm run build`, `npm pack`, and an empty project folder to
 * install the tarball into. Shared by tests/tooling/package.test.ts and bundle.test.ts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { nodeBinary } from "./libzmq.ts";

/** The repository's root folder. */
export const root: string = fileURLToPath(new URL("../..", import.meta.url).href);
const STEP_TIMEOUT = 180_000;

/** Our environment minus the test runner's marker, so a child `node --test` runs its own files. */
export function childEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/**
 * Runs a command; resolves with its output, rejects with it when it fails.
 *
 * @example
 * ```ts
 * await run("npm", ["install", tarball], project);
 * ```
 */
export function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, {
      cwd,
      timeout: STEP_TIMEOUT,
      maxBuffer: 16 << 20,
      env: childEnv(),
    }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${command} ${args.join(" ")} failed in ${cwd}: ${error.message}\n${stdout}\n${stderr}`));
      } else resolve(stdout + stderr);
    });
  });
}

/**
 * Builds npm/ and packs it; returns the tarball's path in a fresh folder (remove `dir` after).
 *
 * @example
 * ```ts
 * const { tarball, dir } = await buildAndPack();
 * ```
 */
export async function buildAndPack(): Promise<{ tarball: string; dir: string }> {
  await run(nodeBinary(), ["--import", "tsx", "npm-build.ts"], root);
  const dir = mkdtempSync(join(tmpdir(), "omq-pkg-"));
  await run("npm", ["pack", "--pack-destination", dir], join(root, "npm"));
  const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"));
  assert.ok(tgz, `npm pack left no tarball in ${dir}`);
  return { tarball: join(dir, tgz), dir };
}

/**
 * An empty project folder, as `npm init` would leave it, in `dir`.
 *
 * @example
 * ```ts
 * const project = emptyProject(dir);
 * ```
 */
export function emptyProject(dir: string): string {
  const project = join(dir, "app");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
  return project;
}
