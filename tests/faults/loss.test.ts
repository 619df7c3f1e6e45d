// The fault matrix, random packet loss: 5 % of the packets dropped both ways for 10 s while omq and
// libzmq stream to each other in both directions. TCP recovers; every message arrives once and in
// order, and the heartbeats (1 s, timeout 10 s) never give the connection up. It runs in Node's leg
// only, to keep the suite's time: the wire and TCP are the same on every runtime, and the other rows
// of the matrix cover the runtimes' reconnect paths.
import { test } from "node:test";
import assert from "node:assert/strict";
import { printMatrix } from "../support/fault-matrix.ts";
import { fixture, netnsSkipReason, runInNetns } from "../support/netns.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const skip = netnsSkipReason() || (g.Deno || g.Bun ? "10 s of loss runs in Node's leg only (suite time)" : false);

test(
  "5 % packet loss for 10 s under load both ways: every message once, in order, no disconnect",
  { skip },
  async () => {
    const { rows: [r] } = await runInNetns(fixture("fault-wire.ts"), ["loss"], { timeout: 90_000 });
    printMatrix("fault matrix: random packet loss (omq against libzmq)", [r]);
    assert.ok((r.extra!.dropped as number) > 0, "packets were dropped");
    assert.ok((r.extra!.sentOut as number) > 0 && (r.extra!.sentBack as number) > 0, "both directions carried load");
    assert.equal(r.events.disconnect, 0, "no heartbeat gave up");
    assert.deepEqual([r.received, r.lost, r.duplicated, r.reordered], [r.sent, 0, 0, 0]);
  },
);
