// A WebSocket peer that floods a receiver past its high-water mark. Node's `ws` stops reading, so
// TCP pushes back as over tcp://; Deno's and Bun's server WebSockets cannot, so omq bounds what it
// holds for a paused engine (MAX_BACKLOG_BYTES) and drops a peer that outruns it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { MAX_BACKLOG_BYTES } from "../../transports/ws/connection.ts";
import { texts, withTimeout } from "../support/util.ts";

interface RawWebSocket {
  binaryType: string;
  readonly protocol: string;
  send(data: Uint8Array): void;
  addEventListener(type: string, fn: () => void): void;
}

const g = globalThis as { Deno?: unknown; Bun?: unknown; WebSocket?: new (url: string, p: string[]) => RawWebSocket };

test("ws: a peer flooding a paused receiver is dropped once 64 MB wait; the socket serves others", {
  skip: g.Deno || g.Bun ? false : "Node's ws pauses reading, so TCP pushes back instead",
  timeout: 60_000,
}, async () => {
  await using pull = new Pull({ receiveHighWaterMark: 2, linger: 0 });
  await pull.bind("ws://127.0.0.1:*/flood");
  const ws = new g.WebSocket!(pull.lastEndpoint!, ["ZWS2.0"]);
  ws.binaryType = "arraybuffer";
  await withTimeout(new Promise<void>((resolve) => ws.addEventListener("open", () => resolve())), 5000, "open");
  const closed = new Promise<void>((resolve) => ws.addEventListener("close", () => resolve()));
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  ws.send(new Uint8Array([0])); // bare ZWS2.0: our (empty) routing id first
  const message = new Uint8Array(1 << 20); // flags 0: a final 1 MB frame
  let sent = 0;
  while (!isClosed && sent < (MAX_BACKLOG_BYTES >> 20) + 64) {
    ws.send(message);
    sent++;
    if (sent % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await withTimeout(closed, 30_000, `drop after ${sent} MB`);
  assert.ok(sent > MAX_BACKLOG_BYTES >> 20, `dropped after ${sent} MB, not before the bound`);

  // What it delivered before the drop can be received; then a well-behaved peer gets through.
  pull.receiveTimeout = 100;
  for (;;) {
    try {
      await pull.receive();
    } catch {
      break;
    }
  }
  pull.receiveTimeout = 5000;
  await using push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("still serving");
  assert.deepEqual(texts(await pull.receive()), ["still serving"]);
});
