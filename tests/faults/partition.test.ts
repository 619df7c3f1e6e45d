// The fault matrix, partitions longer than heartbeatTimeout: every pattern against libzmq over tcp,
// in a network namespace of its own, cut by nftables (no FIN, no RST) until both sides' heartbeats
// gave the connection up, then healed. Each row's events and counts are asserted, and printed.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type FaultRow, printMatrix } from "../support/fault-matrix.ts";
import { fixture, type NetnsRun, netnsSkipReason, runInNetns } from "../support/netns.ts";

const skip = netnsSkipReason();
let run: Promise<NetnsRun> | undefined;

/** The row whose pattern starts with `pattern`; the scenario runs once, for all rows. */
async function row(pattern: string): Promise<FaultRow> {
  run ??= runInNetns(fixture("fault-partition.ts"), [], { timeout: 100_000 }).then((r) => {
    printMatrix("fault matrix: partition > heartbeatTimeout, then heal (omq against libzmq)", r.rows);
    return r;
  });
  const { rows, log } = await run;
  const found = rows.find((r) => r.pattern.startsWith(pattern));
  assert.ok(found, `no row "${pattern}" in:\n${rows.map((r) => r.pattern).join("\n")}\n${log}`);
  return found;
}

/** omq dropped the connection once (heartbeat), retried in vain while cut off, and got back. */
function reconnected(r: FaultRow, { connects }: { connects: boolean }): void {
  assert.equal(r.events.disconnect, 1, `one disconnect: ${JSON.stringify(r.events)}`);
  assert.equal(r.events.handshake, 1, `one handshake after the heal: ${JSON.stringify(r.events)}`);
  if (connects) {
    assert.ok((r.events["connect:retry"] ?? 0) >= 2, `retries while cut off: ${JSON.stringify(r.events)}`);
    assert.ok((r.events.close ?? 0) >= 1, `an attempt ended by connectTimeout: ${JSON.stringify(r.events)}`);
  } else assert.equal(r.events.accept, 1, `the peer came back: ${JSON.stringify(r.events)}`);
  assert.equal(r.duplicated, 0, "nothing twice");
  assert.equal(r.reordered, 0, "order kept");
}

test(
  "partition: PUSH/PULL reconnects; only what was in flight at the cut is lost, what was queued arrives",
  { skip },
  async () => {
    const r = await row("PUSH/PULL");
    reconnected(r, { connects: true });
    assert.equal(r.extra!.queuedDelivered, true);
    assert.equal(r.lost, r.extra!.inFlightLost, "lost only among the messages in flight at the cut");
    assert.ok(r.received >= 15);
  },
);

test(
  "partition: REQ with correlate+relaxed sends a new request after the heal and gets its reply",
  { skip },
  async () => {
    const r = await row("REQ/REP omq REQ(correlate, relaxed)");
    reconnected(r, { connects: true });
    assert.deepEqual(r.extra, { served: ["r0", "r2"], replies: ["re:r0", "re:r2"] });
  },
);

test("partition: a plain REQ whose request died with the connection is stuck, as libzmq's is", { skip }, async () => {
  const r = await row("REQ/REP plain");
  reconnected(r, { connects: true });
  const { omqReceive, omqSend, libzmqReceive, libzmqSend } = r.extra as Record<string, string>;
  assert.deepEqual([omqReceive, omqSend], ["EAGAIN", "EFSM"], "omq: no reply comes, and a new request is refused");
  assert.deepEqual([omqReceive, omqSend], [libzmqReceive, libzmqSend], "the same as libzmq's REQ");
});

test(
  "partition: DEALER with a routing id reconnects to a libzmq ROUTER (handover) and is routed to again",
  { skip },
  async () => {
    const r = await row("DEALER/ROUTER omq DEALER");
    reconnected(r, { connects: true });
    assert.deepEqual(r.extra!.ids, ["d1"]);
    assert.deepEqual(r.extra!.replies, ["pong", "back"]);
    assert.equal(r.extra!.queuedDelivered, true);
  },
);

test("partition: omq ROUTER drops the dead peer and takes its routing id back on the reconnect", { skip }, async () => {
  const r = await row("DEALER/ROUTER libzmq DEALER");
  reconnected(r, { connects: false });
  assert.deepEqual(r.extra!.ids, ["z1"]);
  assert.equal(r.extra!.reply, "back");
  assert.equal(r.extra!.queuedDelivered, true, "libzmq's queued messages arrive after the heal");
});

test("partition: SUB sends its subscription again after the reconnect, and messages flow again", { skip }, async () => {
  const r = await row("PUB/SUB");
  reconnected(r, { connects: true });
  assert.equal(r.extra!.subscribes, 2, r.note);
  assert.equal(r.received, 10);
  assert.equal(r.lost, 0);
});

for (const link of ["upstream", "downstream"]) {
  test(
    `partition: XPUB/XSUB proxy, ${link} link: subscriptions reach the publisher again, messages flow`,
    { skip },
    async () => {
      const r = await row(`XPUB/XSUB proxy, ${link}`);
      reconnected(r, { connects: link === "upstream" });
      assert.equal(r.received, 10);
      assert.equal(r.lost, 0);
    },
  );
}
