// RADIO/DISH and DGRAM over udp:// multicast on loopback, omq to omq on the runtime running this
// file: the scenarios of tests/fixtures/udp-multicast.ts, run in a network namespace the test makes
// (`unshare -n`: lo up with multicast, 239.0.0.0/8 routed to it), where no other process's multicast
// is heard and none leaves the host. Without root or `unshare` it is skipped, saying why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeCommand, withTimeout } from "../support/util.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/udp-multicast.ts", import.meta.url).href);
const ROOT = fileURLToPath(new URL("../..", import.meta.url).href);
const SETUP = "ip link set lo up && ip link set lo multicast on && ip route add 239.0.0.0/8 dev lo";

/** Why multicast cannot be tried here, or null when a network namespace can be made. */
function unavailable(): string | null {
  if (process.platform !== "linux") {
    return `multicast on loopback is set up with Linux network namespaces (${process.platform})`;
  }
  const probe = spawnSync("unshare", ["-n", "sh", "-c", SETUP], { stdio: "ignore" });
  if (probe.error) return `unshare is not available (${probe.error.message})`;
  if (probe.status !== 0) return "cannot make a network namespace with multicast on lo (unshare -n needs root)";
  return null;
}

const reason = unavailable();

test("udp multicast on loopback, in a network namespace: RADIO to two DISHes by group, address and NIC name; DGRAM", {
  skip: reason ?? false,
}, async () => {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // node --test's, for its own file processes
  const child = spawn("unshare", ["-n", "sh", "-c", `${SETUP} && exec "$@"`, "sh", ...runtimeCommand(FIXTURE)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env,
  });
  let output = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  let code: number | null;
  try {
    code = await withTimeout(exited, 90_000, "the multicast scenarios");
  } finally {
    child.kill("SIGKILL");
  }
  const lines = output.split("\n").filter(Boolean);
  assert.equal(lines.at(-1), "done", `the fixture ended early (exit code ${code}):\n${output}`);
  const results = lines.slice(0, -1).map((line) => JSON.parse(line) as { name: string; ok?: true; error?: string });
  assert.equal(results.length, 6, output);
  for (const r of results) assert.ok(r.ok, `${r.name}\n${r.error}`);
});
