// Runs the draft-type examples end to end as child processes of this same runtime, on ipc
// endpoints in a temp dir, and checks what they print.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runtimeCommand, tempIpcPath, withTimeout } from "../support/util.ts";

/** Runs `examples/<name>.ts` with `args`; resolves with what it printed once it exits 0. */
async function run(name: string, ...args: string[]): Promise<string> {
  const script = fileURLToPath(new URL(`../../examples/${name}.ts`, import.meta.url).href);
  const [cmd, ...rest] = runtimeCommand(script);
  const child = spawn(cmd, [...rest, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const code = await withTimeout(
    new Promise<number | null>((resolve) => child.on("exit", resolve)),
    60_000,
    name,
  ).catch((err) => {
    child.kill();
    throw err;
  });
  assert.equal(code, 0, `${name} exit code; output:\n${out}`);
  return out;
}

test("client-server: a Server answers three Clients by routing id", async () => {
  const out = await run("client-server", tempIpcPath(), "3");
  for (let i = 0; i < 3; i++) assert.match(out, new RegExp(`client ${i}: "hello, client ${i}"`));
  assert.match(out, /server: "client 0" from routing id \d+/);
});

test("radio-dish: the dish gets only the groups it joined", async () => {
  const out = await run("radio-dish", tempIpcPath(), "3");
  assert.match(out, /weather: 17 degrees/);
  assert.match(out, /traffic: jam on road 2/);
  assert.doesNotMatch(out, /sport|goal/);
});

test("scatter-gather: two workers share the tasks", async () => {
  const out = await run("scatter-gather", tempIpcPath(), "4");
  assert.match(out, /worker 0: task \d, task \d/);
  assert.match(out, /worker 1: task \d, task \d/);
});

test("peer-to-peer: both peers know each other by routing id", async () => {
  const out = await run("peer-to-peer", tempIpcPath());
  assert.match(out, /bob got "hi bob" from routing id \d+/);
});

test("channel: ping-pong over inproc", async () => {
  assert.equal(await run("channel"), "pong 0\npong 1\npong 2\n");
});
