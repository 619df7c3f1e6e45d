// The multithreaded server example (examples/mtserver.ts) end to end on this runtime, and the
// threads bench in its quick mode (tiny counts: it checks the bench runs, nothing is timed).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { nodeBinary } from "../support/libzmq.ts";
import { runtimeCommand, withTimeout } from "../support/util.ts";

const root = fileURLToPath(new URL("../..", import.meta.url).href);
const g = globalThis as { Deno?: unknown; Bun?: unknown };

test("mtserver: a Router on tcp, a proxy, two worker threads with a Reply each on inproc://workers", async () => {
  const [cmd, ...args] = runtimeCommand(join(root, "examples/mtserver.ts"));
  const child = spawn(cmd, [...args, "2", "tcp://127.0.0.1:*", "6"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  try {
    const code = await withTimeout(
      new Promise<number | null>((resolve) => child.on("exit", resolve)),
      60_000,
      "mtserver example",
    );
    assert.equal(code, 0, out);
    assert.match(out, /mtserver: 2 workers behind tcp:\/\/127\.0\.0\.1:\d+/);
    const replies = [...out.matchAll(/Received reply (\d): World from worker (\d)/g)];
    assert.equal(replies.length, 6, out);
    // The Dealer deals requests round-robin over the two workers' links.
    assert.deepEqual(new Set(replies.map((m) => m[2])), new Set(["1", "2"]), out);
  } finally {
    child.kill();
  }
});

test("bench/threads.ts --quick prints a figure in every omq cell", {
  skip: g.Deno || g.Bun ? "the bench starts every runtime itself; it runs once, in Node's leg" : false,
}, async () => {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      nodeBinary(),
      ["--import", "tsx", join(root, "bench/threads.ts"), "--quick"],
      { cwd: root, timeout: 300_000, maxBuffer: 8 << 20, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    );
  });
  const rows = output.split("\n").filter((l) => /^\| (push|mtserver)/.test(l)).map((l) =>
    l.split("|").slice(1, -1).map((c) => c.trim())
  );
  assert.equal(rows.length, 4, output);
  for (const [name, zeromq, node, _ratio, deno, bun] of rows) {
    const figure = name.startsWith("push")
      ? /\d+(\.\d+)? ?(M\/s|\/s), \d+ MB\/s/
      : /^\d+ req\/s( ~)?, \d+\.\d+( ~)? cores$/;
    for (const [cell, who] of [[node, "node"], [deno, "deno"], [bun, "bun"]]) {
      assert.match(cell, figure, `${who}: ${name}`);
    }
    // libzmq across worker_threads may crash before its measurement: then its cell is empty, and the bench says so.
    if (name.startsWith("push") && !(zeromq === "—" && /zeromq\.js crashed/.test(output))) {
      assert.match(zeromq, figure, `zeromq.js: ${name}`);
    }
  }
});
