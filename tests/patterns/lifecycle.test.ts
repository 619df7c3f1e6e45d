import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Pull } from "../../mod.ts";
import { runtimeCommand, tempIpcPath, text, withTimeout } from "../support/util.ts";

const sender = fileURLToPath(new URL("../fixtures/linger-sender.ts", import.meta.url).href);

for (const transport of ["tcp", "ipc"]) {
  test(`${transport}: close() with linger resolves only after the bytes are written (exit right after loses nothing)`, async () => {
    const pull = new Pull();
    await pull.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : tempIpcPath());
    const [cmd, ...args] = runtimeCommand(sender);
    const child = spawn(cmd, [...args, pull.lastEndpoint!, String(100_000), "40"], {
      stdio: ["ignore", "inherit", "inherit"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
    try {
      for (let i = 0; i < 40; i++) {
        const [n, body] = await withTimeout(pull.receive(), 20_000, `message ${i} of 40`);
        assert.equal(text(n), String(i));
        assert.equal(body.byteLength, 100_000);
      }
      assert.equal(await withTimeout(exited, 20_000, "sender exit"), 0);
    } finally {
      child.kill();
      pull.linger = 0;
      await pull.close();
    }
  });
}

test("after every socket is closed the process exits by itself (no timer, listener or handle left)", async () => {
  const script = fileURLToPath(new URL("../fixtures/exit-after-close.ts", import.meta.url).href);
  const [cmd, ...args] = runtimeCommand(script);
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  const code = await withTimeout(
    new Promise<number | null>((resolve) => child.on("exit", resolve)),
    20_000,
    "exit by itself",
  )
    .finally(() => child.kill());
  assert.match(out, /closed/);
  assert.equal(code, 0);
});
