// The fault matrix, partitions shorter than heartbeatTimeout: TCP retransmits across the gap, so
// the connection survives on both sides and every message arrives once, in order. Run against
// libzmq in a network namespace of its own (tests/fixtures/fault-wire.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { type FaultRow, printMatrix } from "../support/fault-matrix.ts";
import { fixture, netnsSkipReason, runInNetns } from "../support/netns.ts";

const skip = netnsSkipReason();
let rows: Promise<FaultRow[]> | undefined;

async function row(index: number): Promise<FaultRow> {
  rows ??= runInNetns(fixture("fault-wire.ts"), ["short-both", "short-one-way"]).then(({ rows }) => {
    printMatrix("fault matrix: partition shorter than heartbeatTimeout (omq against libzmq)", rows);
    return rows;
  });
  return (await rows)[index];
}

function survived(r: FaultRow): void {
  assert.ok((r.extra!.dropped as number) > 0, "the cut dropped packets");
  assert.equal(r.events.disconnect, undefined, `omq kept the connection: ${JSON.stringify(r.events)}`);
  assert.equal(r.extra!.libzmqDisconnects, 0, "libzmq kept the connection");
  assert.deepEqual([r.received, r.lost, r.duplicated, r.reordered], [r.sent, 0, 0, 0], "each message once, in order");
}

test(
  "short partition both ways: omq PUSH → libzmq PULL loses nothing, duplicates nothing, keeps order",
  { skip },
  async () => {
    survived(await row(0));
  },
);

test(
  "short one-way partition (omq's ACKs lost): libzmq PUSH → omq PULL gets each message once, in order",
  { skip },
  async () => {
    survived(await row(1));
  },
);
