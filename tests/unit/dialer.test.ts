// Reconnect backoff of a connected endpoint (src/dialer.ts), on a fake clock: the first attempt is
// immediate, the interval doubles up to reconnectMaxInterval, jitter stays below reconnectInterval,
// -1 never reconnects, and a completed handshake starts the backoff over.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dialer, type DialerHost } from "../../src/dialer.ts";
import type { SocketEvent } from "../../src/events.ts";
import type { ByteConnection } from "../../transports/runtime/types.ts";
import type { TransportConnection } from "../../src/engine/mod.ts";
import { FakeTimers, settle } from "../support/fake-timers.ts";

interface Setup {
  reconnectInterval?: number;
  reconnectMaxInterval?: number;
  connectTimeout?: number;
  /** What Math.random returns (the jitter), 0 by default so delays are exact. */
  random?: number;
}

/** A fake connection: records whether the dialer destroyed it. */
function fakeConnection(): ByteConnection & { destroyed: boolean } {
  const conn = { destroyed: false, destroy: () => void (conn.destroyed = true) };
  return conn as unknown as ByteConnection & { destroyed: boolean };
}

/** A dialer whose connect attempts are settled by the test; runs `body` on a fake clock. */
async function withDialer(
  setup: Setup,
  body: (t: {
    dialer: Dialer;
    clock: FakeTimers;
    /** One entry per connect attempt; resolve or reject it to end that attempt. */
    attempts: { resolve(conn: ByteConnection): void; reject(err: Error): void }[];
    events: SocketEvent[];
    started: TransportConnection[];
    /** The `interval` of each connect:retry event so far. */
    retries(): number[];
    /** Fails the newest attempt and lets the dialer react. */
    fail(): Promise<void>;
  }) => Promise<void>,
): Promise<void> {
  const attempts: { resolve(conn: ByteConnection): void; reject(err: Error): void }[] = [];
  const events: SocketEvent[] = [];
  const started: TransportConnection[] = [];
  const host: DialerHost = {
    connect: () => new Promise((resolve, reject) => attempts.push({ resolve, reject })),
    start: (conn) => void started.push(conn),
    reconnectInterval: () => setup.reconnectInterval ?? 100,
    reconnectMaxInterval: () => setup.reconnectMaxInterval ?? 0,
    connectTimeout: () => setup.connectTimeout ?? 0,
    emit: (event) => void events.push(event),
  };
  const clock = new FakeTimers().install();
  const random = Math.random;
  Math.random = () => setup.random ?? 0;
  const dialer = new Dialer("tcp://127.0.0.1:5555", { kind: "tcp", host: "127.0.0.1", port: 5555 }, host);
  try {
    await body({
      dialer,
      clock,
      attempts,
      events,
      started,
      retries: () => events.filter((e) => e.type === "connect:retry").map((e) => e.interval!),
      async fail() {
        attempts[attempts.length - 1].reject(new Error("ECONNREFUSED"));
        await settle();
      },
    });
  } finally {
    dialer.stop();
    Math.random = random;
    clock.uninstall();
  }
}

test("the first attempt is immediate; the next waits reconnectInterval", async () => {
  await withDialer({ reconnectInterval: 100 }, async ({ dialer, clock, attempts, events, fail }) => {
    dialer.start();
    assert.equal(attempts.length, 1, "connect is called within start()");
    assert.deepEqual(events.map((e) => e.type), ["connect:delay"]);
    await fail();
    assert.deepEqual(events.map((e) => e.type), ["connect:delay", "close", "connect:retry"]);
    assert.deepEqual(clock.pending, [100]);
    clock.advance(99);
    assert.equal(attempts.length, 1, "no attempt before the interval");
    clock.advance(1);
    assert.equal(attempts.length, 2);
  });
});

test("each failure doubles the interval until reconnectMaxInterval", async () => {
  await withDialer(
    { reconnectInterval: 100, reconnectMaxInterval: 700 },
    async ({ dialer, clock, attempts, retries, fail }) => {
      dialer.start();
      for (let i = 0; i < 6; i++) {
        await fail();
        clock.advance(retries()[i]);
        assert.equal(attempts.length, i + 2, `attempt ${i + 2} follows retry ${i + 1}`);
      }
      assert.deepEqual(retries(), [100, 200, 400, 700, 700, 700]);
    },
  );
});

test("reconnectMaxInterval 0 (or not above reconnectInterval) keeps the interval fixed", async () => {
  for (const max of [0, 100, 50]) {
    await withDialer(
      { reconnectInterval: 100, reconnectMaxInterval: max },
      async ({ dialer, clock, retries, fail }) => {
        dialer.start();
        for (let i = 0; i < 4; i++) {
          await fail();
          clock.advance(retries()[i]);
        }
        assert.deepEqual(retries(), [100, 100, 100, 100], `reconnectMaxInterval ${max}`);
      },
    );
  }
});

test("jitter adds less than reconnectInterval on top of the current interval", async () => {
  // libzmq: interval + random() % reconnect_ivl. Math.random() is below 1, so the jitter is at most 99 here.
  const cases: [number, number[]][] = [
    [0, [100, 200, 400, 400]],
    [0.5, [150, 250, 450, 450]],
    [0.999999, [199, 299, 499, 499]],
  ];
  for (const [random, expected] of cases) {
    await withDialer(
      { reconnectInterval: 100, reconnectMaxInterval: 400, random },
      async ({ dialer, clock, retries, fail }) => {
        dialer.start();
        for (let i = 0; i < 4; i++) {
          await fail();
          clock.advance(retries()[i]);
        }
        assert.deepEqual(retries(), expected, `Math.random() = ${random}`);
      },
    );
  }
});

test("reconnectInterval -1 never reconnects, after a failed attempt or a lost connection", async () => {
  await withDialer({ reconnectInterval: -1 }, async ({ dialer, clock, attempts, events, started, fail }) => {
    dialer.start();
    await fail();
    assert.deepEqual(clock.pending, []);
    assert.ok(!events.some((e) => e.type === "connect:retry"));
    clock.advance(60_000);
    assert.equal(attempts.length, 1);
    dialer.lost();
    clock.advance(60_000);
    assert.equal(attempts.length, 1);
    assert.equal(started.length, 0);
  });
});

test("a completed handshake (established) starts the backoff over at reconnectInterval", async () => {
  await withDialer(
    { reconnectInterval: 100, reconnectMaxInterval: 1000 },
    async ({ dialer, clock, attempts, started, retries, fail }) => {
      dialer.start();
      await fail();
      clock.advance(100);
      await fail();
      clock.advance(200);
      assert.deepEqual(retries(), [100, 200]);
      attempts[2].resolve(fakeConnection());
      await settle();
      assert.equal(started.length, 1, "the host starts an engine on the connection");
      dialer.established();
      dialer.lost();
      assert.deepEqual(retries(), [100, 200, 100]);
    },
  );
});

test("without established(), a lost connection goes on backing off from where it was", async () => {
  await withDialer(
    { reconnectInterval: 100, reconnectMaxInterval: 1000 },
    async ({ dialer, clock, attempts, retries, fail }) => {
      dialer.start();
      await fail();
      clock.advance(100);
      attempts[1].resolve(fakeConnection());
      await settle();
      dialer.lost(); // e.g. the handshake failed
      assert.deepEqual(retries(), [100, 200]);
    },
  );
});

test("a second lost() while a retry is scheduled schedules nothing more", async () => {
  await withDialer({ reconnectInterval: 100 }, async ({ dialer, clock, fail }) => {
    dialer.start();
    await fail();
    dialer.lost();
    assert.deepEqual(clock.pending, [100]);
  });
});

test("stop() cancels the scheduled retry and destroys a connection that lands afterwards", async () => {
  await withDialer({ reconnectInterval: 100 }, async ({ dialer, clock, attempts, fail }) => {
    dialer.start();
    await fail();
    dialer.stop();
    assert.equal(dialer.stopped, true);
    assert.deepEqual(clock.pending, []);
    clock.advance(1000);
    assert.equal(attempts.length, 1);
  });
  await withDialer({}, async ({ dialer, attempts, started, events }) => {
    dialer.start();
    dialer.stop();
    const conn = fakeConnection();
    attempts[0].resolve(conn);
    await settle();
    assert.equal(conn.destroyed, true);
    assert.equal(started.length, 0);
    assert.ok(!events.some((e) => e.type === "connect"));
  });
});

test("connectTimeout ends an attempt that hangs; its connection, if it lands later, is destroyed", async () => {
  await withDialer(
    { reconnectInterval: 100, connectTimeout: 500 },
    async ({ dialer, clock, attempts, events, started }) => {
      dialer.start();
      assert.deepEqual(clock.pending, [500]);
      clock.advance(500);
      assert.deepEqual(events.map((e) => e.type), ["connect:delay", "close", "connect:retry"]);
      const late = fakeConnection();
      attempts[0].resolve(late);
      await settle();
      assert.equal(late.destroyed, true);
      assert.equal(started.length, 0);
      clock.advance(100);
      assert.equal(attempts.length, 2, "the retry follows the timeout");
    },
  );
});

test("a connection that lands in time clears the connect timeout and is handed to the host", async () => {
  await withDialer({ connectTimeout: 500 }, async ({ dialer, clock, attempts, events, started }) => {
    dialer.start();
    const conn = fakeConnection();
    attempts[0].resolve(conn);
    await settle();
    assert.deepEqual(clock.pending, []);
    assert.deepEqual(started, [conn]);
    assert.deepEqual(events.map((e) => e.type), ["connect:delay", "connect"]);
    assert.equal(events[1].address, "tcp://127.0.0.1:5555");
  });
});
