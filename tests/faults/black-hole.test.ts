// The fault matrix, a connect to a black-holed address (every packet dropped, so no refusal either):
// connectTimeout ends each attempt, connect:retry backs off as libzmq's does, and the socket
// connects once the address answers; what was queued meanwhile is delivered.
import { test } from "node:test";
import assert from "node:assert/strict";
import { printMatrix } from "../support/fault-matrix.ts";
import { fixture, netnsSkipReason, runInNetns } from "../support/netns.ts";

const skip = netnsSkipReason();

test(
  "black-holed connect: connectTimeout fires, retries back off to the maximum, then it connects",
  { skip },
  async () => {
    const { rows: [r] } = await runInNetns(fixture("fault-wire.ts"), ["black-hole"]);
    printMatrix("fault matrix: connect to a black-holed address (omq against libzmq)", [r]);
    const { intervals, libzmqIntervals, reconnect } = r.extra as {
      intervals: number[];
      libzmqIntervals: number[];
      reconnect: { reconnectInterval: number; reconnectMaxInterval: number };
    };
    const { reconnectInterval: base, reconnectMaxInterval: max } = reconnect;
    assert.ok(intervals.length >= 6, `six retries: ${intervals}`);
    assert.ok((r.events.close ?? 0) >= 6, `each attempt ended by connectTimeout (close): ${JSON.stringify(r.events)}`);
    assert.equal(r.events.connect, 1, "one connection, once the address answers");
    assert.equal(r.events.handshake, 1);
    intervals.forEach((interval, i) => {
      // Doubling from reconnectInterval up to reconnectMaxInterval, plus libzmq's jitter (below reconnectInterval).
      const expected = Math.min(base * 2 ** i, max);
      assert.ok(
        interval >= expected && interval < expected + base,
        `retry ${i}: ${interval} ms, expected ${expected}+jitter`,
      );
    });
    libzmqIntervals.slice(0, intervals.length).forEach((theirs, i) => {
      assert.ok(
        intervals[i] - theirs >= 0 && intervals[i] - theirs < base,
        `retry ${i}: libzmq ${theirs}, omq ${intervals[i]}`,
      );
    });
    assert.deepEqual([r.received, r.lost], [1, 0], "the message queued meanwhile arrives");
  },
);
