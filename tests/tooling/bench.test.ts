// A smoke run of `npm run bench -- --quick`: tiny counts, so the figures mean nothing and
// nothing here is timed. It shows the bench itself still works: every case runs for omq on
// Node, Deno and Bun and for zeromq.js, and the table has a figure in every omq cell.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import process from "node:process";
import { nodeBinary } from "../support/libzmq.ts";

const root = fileURLToPath(new URL("../..", import.meta.url).href);
const g = globalThis as { Deno?: unknown; Bun?: unknown };
const skip = g.Deno || g.Bun ? "the bench starts every runtime itself; it runs once, in Node's leg" : false;

test("npm run bench -- --quick prints a figure for omq on every runtime in every row", { skip }, async () => {
  const output = await new Promise<string>((resolve, reject) => {
    execFile(
      nodeBinary(),
      ["--import", "tsx", join(root, "bench/run.ts"), "--quick"],
      {
        cwd: root,
        timeout: 180_000,
        maxBuffer: 8 << 20,
        env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
      },
      (error, stdout, stderr) => error ? reject(new Error(`${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    );
  });
  const rows = output.split("\n").filter((l) => /^\| (push|req)/.test(l)).map((l) =>
    l.split("|").slice(1, -1).map((c) => c.trim())
  );
  // 3 transports × 5 sizes of throughput, 2 × 2 latency cases with p50 and p99, 4 two-process rows.
  assert.equal(rows.length, 15 + 8 + 4, output);
  const figure = /^\d+(\.\d+)? (M\/s|MB\/s|µs)( ~)?$/;
  for (const [name, zeromq, node, _ratio, deno, bun] of rows) {
    assert.match(node, figure, `omq on Node, ${name}`);
    if (name.includes("2 processes")) continue; // Node only; zeromq.js's ipc sender may lose messages at exit
    assert.match(zeromq, figure, `zeromq.js, ${name}`);
    assert.match(deno, figure, `omq on Deno, ${name}`);
    assert.match(bun, figure, `omq on Bun, ${name}`);
  }
});
