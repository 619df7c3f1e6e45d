/**
 * Runs benchmark cases given as JSON on the command line and prints one JSON
 * result per line. Started by bench/run.ts once per runtime and run.
 *
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { type Case, type Impl, runCase } from "./cases.ts";

const [impl, json] = process.argv.slice(2) as [Impl, string];
const cases = JSON.parse(json) as Case[];
const dir = mkdtempSync(join(tmpdir(), "omq-bench-"));
try {
  for (const c of cases) console.log(JSON.stringify(await runCase(impl, c, dir)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(0);
