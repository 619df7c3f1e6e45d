// Faults: a peer process killed with SIGKILL in the middle of a large message costs only its
// own connection; a good peer on the same socket loses nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Pull, Push } from "../../mod.ts";
import process from "node:process";
import { startLibzmq } from "../support/libzmq.ts";
import { eventually, runtimeCommand, tempIpcPath, text, texts, withTimeout } from "../support/util.ts";

const BIG = 64 * 1024 * 1024;

test("a sender killed with SIGKILL mid-message: no partial message, the good peer loses nothing", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  let handshakes = 0;
  let disconnects = 0;
  const watching = (async () => {
    for await (const e of pull.events) {
      if (e.type === "handshake") handshakes++;
      if (e.type === "disconnect") disconnects++;
    }
  })();
  const good = new Push({ linger: 0 });
  good.connect(pull.lastEndpoint!);

  const script = fileURLToPath(new URL("../fixtures/big-sender.ts", import.meta.url).href);
  const [cmd, ...args] = runtimeCommand(script);
  const child = spawn(cmd, [...args, pull.lastEndpoint!, String(BIG)], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  await withTimeout(new Promise<void>((resolve) => child.stdout!.on("data", () => resolve())), 20_000, "child queued");
  // Kill it once its connection is up, while the 64 MB are on their way.
  await withTimeout(eventually(() => handshakes >= 2, { timeout: 20_000, interval: 1 }), 20_000, "child's handshake");
  child.kill("SIGKILL");
  await withTimeout(exited, 5000, "child killed");

  const total = 1000;
  const sending = (async () => {
    for (let i = 0; i < total; i++) await good.send(["good", `${i}`]);
  })();
  let goodCount = 0;
  let bigCount = 0;
  while (goodCount < total) {
    const [kind, body] = await withTimeout(pull.receive(), 10_000, `good message ${goodCount}`);
    if (text(kind) === "big") {
      assert.equal(body.byteLength, BIG, "only a whole large message may arrive");
      bigCount++;
    } else {
      assert.equal(text(body), String(goodCount), "in order, none lost");
      goodCount++;
    }
  }
  await sending;
  assert.ok(bigCount <= 1);
  await eventually(() => disconnects >= 1, { timeout: 5000 });
  await good.close();
  await pull.close();
  await watching;
});

test("a libzmq peer killed with SIGKILL and restarted on the same endpoint: omq reconnects and traffic resumes", async () => {
  const endpoint = tempIpcPath();
  let zmq = await startLibzmq();
  let pull = await zmq.socket("pull", { linger: 0 });
  await pull.bind(endpoint);
  const push = new Push({ linger: 0, reconnectInterval: 20 });
  let disconnected = false;
  const watching = (async () => {
    for await (const e of push.events) if (e.type === "disconnect") disconnected = true;
  })();
  push.connect(endpoint);
  await push.send("before");
  assert.deepEqual(texts(await pull.receive({ timeout: 5000 })), ["before"]);

  process.kill(zmq.pid, "SIGKILL");
  await withTimeout(zmq.exited, 5000, "libzmq child killed");
  await eventually(() => disconnected, { timeout: 5000 });

  zmq = await startLibzmq();
  pull = await zmq.socket("pull", { linger: 0 });
  await pull.bind(endpoint); // the dead process left its socket file; libzmq replaces it
  await push.send("after");
  assert.deepEqual(texts(await pull.receive({ timeout: 5000 })), ["after"]);
  await push.close();
  await watching;
  await zmq.close();
});
