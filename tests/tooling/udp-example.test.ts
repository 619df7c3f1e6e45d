// Runs examples/radio-dish-udp.ts end to end as a child process of this same runtime, over udp
// unicast on loopback, and checks what it prints.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runtimeCommand, withTimeout } from "../support/util.ts";

test("radio-dish-udp: over udp, the dish gets only the groups it joined", async () => {
  const script = fileURLToPath(new URL("../../examples/radio-dish-udp.ts", import.meta.url).href);
  const [cmd, ...rest] = runtimeCommand(script);
  const child = spawn(cmd, [...rest, "udp://127.0.0.1:*", "3"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const code = await withTimeout(new Promise<number | null>((resolve) => child.on("exit", resolve)), 60_000, "example")
    .catch((err) => {
      child.kill();
      throw err;
    });
  assert.equal(code, 0, `exit code; output:\n${out}`);
  assert.match(out, /^dish bound at udp:\/\/127\.0\.0\.1:\d+$/m);
  assert.match(out, /weather: 17 degrees/);
  assert.match(out, /traffic: jam on road 2/);
  assert.doesNotMatch(out, /sport|goal/);
});
