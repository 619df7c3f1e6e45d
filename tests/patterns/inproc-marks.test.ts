// inproc high-water marks as libzmq 4.3.5 sets them: how many messages a PUSH (SNDHWM 3) queues into a
// PULL (RCVHWM 5) that does not read, before a send with sendTimeout 0 fails with EAGAIN, when the
// bind comes first, when the connect comes first, and when a mark changes once the pipes exist.
//
// The expected counts are libzmq's: the same program run with zeromq.js 6.8.0 (libzmq 4.3.5, inproc
// inside libzmq) printed them. In libzmq a change on one socket reaches the other socket's pipe when
// that socket next processes its commands (zeromq.js: once it has attached the pipe and sends); omq
// applies it at once, which is where libzmq ends up.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Context, context as defaultContext, Pull, Push, type ZmqError } from "../../mod.ts";

let n = 0;

/** Sends until EAGAIN; the count queued. Stops at `cap` (a pipe with no limit). */
async function fill(push: Push, cap = 3000): Promise<number> {
  let count = 0;
  while (count < cap) {
    try {
      await push.send("x");
    } catch (e) {
      if ((e as ZmqError).code === "EAGAIN") return count;
      throw e;
    }
    count++;
  }
  return count;
}

type Step = (push: Push, pull: Pull, name: string) => Promise<void> | void;

const bindFirst: Step = async (push, pull, name) => {
  await pull.bind(name);
  push.connect(name);
};
const connectFirst: Step = async (push, pull, name) => {
  push.connect(name);
  await pull.bind(name);
};

/** Runs one case in `context`: `link` makes the pipes, `change` alters a mark; the count queued. */
async function queued(
  context: Context,
  link: Step,
  change?: (push: Push, pull: Pull) => void,
  marks = { send: 3, receive: 5 },
): Promise<number> {
  const name = `inproc://marks-${n++}-${Math.random()}`;
  const push = new Push({ context, sendHighWaterMark: marks.send, sendTimeout: 0, linger: 0 });
  const pull = new Pull({ context, receiveHighWaterMark: marks.receive, linger: 0 });
  try {
    await link(push, pull, name);
    change?.(push, pull);
    return await fill(push);
  } finally {
    await Promise.all([push.close(), pull.close()]);
  }
}

const UNLIMITED = 3000;

// Each case on the default Context (whose pipes may cross threads) and on a Context of its own.
for (
  const [label, makeContext] of [["default context", () => defaultContext], [
    "own context",
    () => new Context(),
  ]] as const
) {
  test(`${label}: the pipe's mark is SNDHWM + RCVHWM, bind or connect first`, async () => {
    assert.equal(await queued(makeContext(), bindFirst), 8);
    assert.equal(await queued(makeContext(), connectFirst), 8);
    // PUSH binding, PULL connecting: the same sum.
    assert.equal(
      await queued(makeContext(), async (push, pull, name) => {
        await push.bind(name);
        pull.connect(name);
      }),
      8,
    );
    assert.equal(
      await queued(makeContext(), async (push, pull, name) => {
        pull.connect(name);
        await push.bind(name);
      }),
      8,
    );
  });

  test(`${label}: before the bind a connect queues up to its SNDHWM, and up to the sum once bound`, async () => {
    const context = makeContext();
    const name = `inproc://marks-${n++}-${Math.random()}`;
    const push = new Push({ context, sendHighWaterMark: 3, sendTimeout: 0, linger: 0 });
    const pull = new Pull({ context, receiveHighWaterMark: 5, linger: 0 });
    push.connect(name);
    assert.equal(await fill(push), 3);
    await pull.bind(name);
    assert.equal(await fill(push), 5);
    await Promise.all([push.close(), pull.close()]);
  });

  test(`${label}: a mark changed after the link reaches the live pipe, with libzmq's boost`, async () => {
    // The writer's new SNDHWM plus the reader's RCVHWM when the link was made.
    assert.equal(await queued(makeContext(), bindFirst, (push) => push.sendHighWaterMark = 10), 15);
    assert.equal(await queued(makeContext(), connectFirst, (push) => push.sendHighWaterMark = 10), 15);
    assert.equal(await queued(makeContext(), bindFirst, (push) => push.sendHighWaterMark = 2), 7);
    // The reader's new RCVHWM plus the pipe's boost, which is the reader's RCVHWM at the link (not the
    // writer's SNDHWM): libzmq's send_hwms_to_peer.
    assert.equal(await queued(makeContext(), connectFirst, (_, pull) => pull.receiveHighWaterMark = 10), 15);
    assert.equal(await queued(makeContext(), bindFirst, (_, pull) => pull.receiveHighWaterMark = 10), 15);
    assert.equal(
      await queued(makeContext(), async (push, pull, name) => {
        await push.bind(name);
        pull.connect(name);
      }, (push) => push.sendHighWaterMark = 10),
      15,
    );
    // 0 on either side means no limit.
    assert.equal(await queued(makeContext(), connectFirst, (_, pull) => pull.receiveHighWaterMark = 0), UNLIMITED);
    assert.equal(await queued(makeContext(), bindFirst, (push) => push.sendHighWaterMark = 0), UNLIMITED);
    assert.equal(
      await queued(makeContext(), bindFirst, (push) => push.sendHighWaterMark = 10, { send: 3, receive: 0 }),
      UNLIMITED,
    );
  });

  test(`${label}: a late bind uses the connector's marks as they were at its connect`, async () => {
    // SNDHWM raised before the bind: 10 + the default boost 1000 until the bind, then 3 + 5.
    const context = makeContext();
    const name = `inproc://marks-${n++}-${Math.random()}`;
    const push = new Push({ context, sendHighWaterMark: 3, sendTimeout: 0, linger: 0 });
    const pull = new Pull({ context, receiveHighWaterMark: 5, linger: 0 });
    push.connect(name);
    push.sendHighWaterMark = 10;
    assert.equal(await fill(push), 1010);
    await pull.bind(name);
    assert.equal(await fill(push), 0);
    await Promise.all([push.close(), pull.close()]);
    assert.equal(
      await queued(makeContext(), async (push, pull, name) => {
        push.connect(name);
        push.sendHighWaterMark = 10;
        await pull.bind(name);
      }),
      8,
    );
    // The binder's marks are read at the bind.
    assert.equal(
      await queued(makeContext(), async (push, pull, name) => {
        push.connect(name);
        pull.receiveHighWaterMark = 7;
        await pull.bind(name);
      }),
      10,
    );
  });
}

test("sends waiting for a peer fill a new inproc pipe only up to its mark", async () => {
  const name = `inproc://marks-${n++}-${Math.random()}`;
  const pull = new Pull({ receiveHighWaterMark: 5, linger: 0 });
  await pull.bind(name);
  const push = new Push({ sendHighWaterMark: 3, linger: 0 });
  let sent = 0;
  const sends = Array.from({ length: 20 }, () => push.send("x").then(() => sent++, () => {}));
  push.connect(name);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(sent, 8);
  await Promise.all([push.close(), pull.close()]);
  await Promise.all(sends);
});
