// omq/zeromq: zeromq.js's rules for the process: pending calls keep it alive, idle sockets do not,
// and an exit waits for lingering sockets with a warning when that takes long.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runtimeCommand } from "../support/util.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url).href);

/** Runs a fixture on this runtime; resolves with its exit code and output. */
function run(name: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const [command, ...rest] = runtimeCommand(fixture(name));
  return new Promise((resolve) => {
    execFile(command, [...rest, ...args], { timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

const WARNING = /\(node:\d+\) WARNING: Waiting for queued ZeroMQ messages to be delivered\./;

test("a pending receive keeps the process alive until its message comes", async () => {
  const { code, stdout } = await run("compat-pending-receive.ts");
  assert.equal(stdout.trim(), "received late");
  assert.equal(code, 0);
});

test("idle sockets do not keep the process alive; reading events ends with the socket", async () => {
  const { code, stdout } = await run("compat-idle-exit.ts");
  assert.equal(code, 0);
  assert.match(stdout, /event end/);
});

test("at exit, open sockets are closed and a long linger is waited for, with zeromq.js's warning", async () => {
  const blocky = await run("compat-exit-warning.ts", "2000", "blocky");
  assert.equal(blocky.code, 0);
  assert.equal(blocky.stdout.trim(), "closed: true");
  assert.match(blocky.stderr, WARNING);
  assert.match(blocky.stderr, /Set 'context\.blocky = false' to change this behaviour\./);
  const plain = await run("compat-exit-warning.ts", "2000", "not-blocky");
  assert.match(plain.stderr, WARNING);
  assert.doesNotMatch(plain.stderr, /blocky/);
});

test("a short linger ends the process without a warning", async () => {
  const { code, stdout, stderr } = await run("compat-exit-warning.ts", "20", "blocky");
  assert.equal(code, 0);
  assert.equal(stdout.trim(), "closed: true");
  assert.doesNotMatch(stderr, WARNING);
});
