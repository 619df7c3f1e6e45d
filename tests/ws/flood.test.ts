// A WebSocket peer that floods a receiver past its high-water mark. Every runtime's ws listener
// stops reading from a paused connection (Node's `ws`; omq's own WebSocket server on Deno and
// Bun), so TCP pushes back as over tcp://: the sender's WebSocket holds what the receiver does
// not take, and nothing is dropped.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pull, Push } from "../../mod.ts";
import { texts, withTimeout } from "../support/util.ts";

interface RawWebSocket {
  binaryType: string;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(): void;
  addEventListener(type: string, fn: () => void): void;
}

const g = globalThis as { WebSocket?: new (url: string, p: string[]) => RawWebSocket };
const MB = 1 << 20;
const SENT_MB = 96;

test("ws: a peer flooding a paused receiver is pushed back by TCP, loses nothing, and others are served", {
  skip: g.WebSocket ? false : "Node 20 has no global WebSocket for the flooding client",
  timeout: 60_000,
}, async () => {
  await using pull = new Pull({ receiveHighWaterMark: 2, linger: 0 });
  await pull.bind("ws://127.0.0.1:*/flood");
  const ws = new g.WebSocket!(pull.lastEndpoint!, ["ZWS2.0"]);
  ws.binaryType = "arraybuffer";
  await withTimeout(new Promise<void>((resolve) => ws.addEventListener("open", () => resolve())), 5000, "open");
  let isClosed = false;
  ws.addEventListener("close", () => (isClosed = true));
  ws.send(new Uint8Array([0])); // bare ZWS2.0: our (empty) routing id first
  const message = new Uint8Array(MB); // flags 0: a final 1 MB frame
  for (let i = 0; i < SENT_MB; i++) ws.send(message);
  // The receiver takes 2 messages and the kernel's buffers some more; the rest waits at the sender.
  await withTimeout(
    (async () => {
      for (let last = -1; ws.bufferedAmount !== last || ws.bufferedAmount === 0;) {
        last = ws.bufferedAmount;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })(),
    20_000,
    "the sender's buffer to settle",
  );
  assert.ok(ws.bufferedAmount > (SENT_MB / 2) * MB, `only ${ws.bufferedAmount} bytes held at the sender`);
  assert.equal(isClosed, false, "the flooding peer is not dropped");

  pull.receiveTimeout = 5000;
  for (let i = 0; i < SENT_MB; i++) assert.equal((await pull.receive())[0].byteLength, MB - 1); // less the ZWS flags byte
  ws.close();
  await using push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("still serving");
  assert.deepEqual(texts(await pull.receive()), ["still serving"]);
});
