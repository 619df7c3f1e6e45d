// The one-minute soak (npm run soak -- --minutes 1): every pattern at load over tcp, ipc, inproc and
// ws while hostile peers, restarts and (as root) partitions come every 10 s. Nothing may be lost
// where the pattern promises none, every lane hit by a fault must come back, and the process's
// open descriptors must end where they started. Node's leg only: the 30-minute runs per runtime
// are `npm run soak -- --minutes 30 --runtime=deno` (or bun), see bench/soak.md.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import type { SoakResult } from "../support/soak.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const skip = g.Deno || g.Bun ? "the one-minute soak runs in Node's leg (suite time)" : false;
const root = fileURLToPath(new URL("../..", import.meta.url).href);

test("soak, one minute: nothing lost where promised, every lane back after its faults, descriptors flat", {
  skip,
  timeout: 180_000,
}, async () => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/soak.ts", "--minutes", "1", "--sample-seconds", "10", "--json"],
    { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (out += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const line = out.split("\n").find((l) => l.startsWith("@@soak "));
  console.log(out.split("\n").filter((l) => !l.startsWith("@@soak ")).join("\n"));
  assert.ok(line, `the soak printed no result (exit ${code})`);
  const result = JSON.parse(line.slice(7)) as SoakResult & { problems: string[] };
  assert.deepEqual(result.problems, [], "the soak's own verdict");
  assert.equal(code, 0);
  for (const lane of result.lanes.filter((l) => l.promise === "none-lost")) {
    assert.deepEqual([lane.lost, lane.duplicated, lane.reordered], [0, 0, 0], lane.name);
  }
  assert.ok(result.lanes.every((l) => l.received > 0 && !l.stuck), "every lane carried messages and stopped");
  const f = result.faults;
  assert.ok(f.restarts > 0 && f.hostileOpened > 0, `faults were injected: ${JSON.stringify(f)}`);
  assert.deepEqual(f.unrecovered, [], "every lane came back after its faults");
  assert.ok(f.recovered >= f.restarts, "each restarted lane received again");
  const [first, last] = [result.samples[0], result.samples[result.samples.length - 1]];
  assert.ok(last.fds <= first.fds * 1.1, `open descriptors ${first.fds} → ${last.fds}`);
});
