// ZMTP 3.1 heartbeats: PING every heartbeatInterval; a peer silent past heartbeatTimeout (or our
// TTL announced in its PINGs) is dropped, and a connected endpoint reconnects.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import process from "node:process";
import { Pull, Push } from "../../mod.ts";
import { encodeGreeting } from "../../src/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { encodeFrames } from "../../src/zmtp/frame.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { texts, withTimeout } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

test("a peer that completes the handshake and then goes silent is dropped after heartbeatTimeout", async () => {
  const pull = new Pull({ heartbeatInterval: 50, heartbeatTimeout: 300, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const port = Number(pull.lastEndpoint!.split(":").pop());
  const started = Date.now();
  let pings = 0;
  const closed = new Promise<void>((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port }, () => {
      sock.write(encodeGreeting("NULL", false));
      sock.write(encodeFrames([encodeCommand("READY", encodeMetadata([["Socket-Type", "PUSH"]]))], 0x04));
    });
    sock.on("data", (d) => (pings += d.toString("latin1").split("PING").length - 1));
    sock.on("error", () => {});
    sock.on("close", () => resolve());
  });
  await withTimeout(closed, 5000, "silent peer dropped");
  const elapsed = Date.now() - started;
  assert.ok(elapsed >= 250, `dropped after ${elapsed} ms, before the timeout`);
  assert.ok(pings >= 2, `saw ${pings} PINGs`);
  await pull.close();
});

test("peers that answer PINGs stay connected; libzmq answers ours and we answer libzmq's", async () => {
  const pull = new Pull({ heartbeatInterval: 50, heartbeatTimeout: 400, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const events: string[] = [];
  const collecting = (async () => {
    for await (const e of pull.events) events.push(e.type);
  })();
  const omqPush = new Push({ heartbeatInterval: 50, heartbeatTimeToLive: 1000, linger: 0 });
  omqPush.connect(pull.lastEndpoint!);
  const libzmqPush = await zmq.socket("push", { linger: 0, heartbeatInterval: 50, heartbeatTimeout: 400 });
  await libzmqPush.connect(pull.lastEndpoint!);
  await omqPush.send("omq 1");
  await libzmqPush.send(["libzmq 1"]);
  const first = new Set([texts(await pull.receive())[0], texts(await pull.receive())[0]]);
  assert.deepEqual([...first].sort(), ["libzmq 1", "omq 1"]);
  // Idle for 3 timeouts (generous ones: a loaded CI machine must not pass for a dead peer): only heartbeats keep the links.
  await new Promise((r) => setTimeout(r, 1200));
  await omqPush.send("omq 2");
  await libzmqPush.send(["libzmq 2"]);
  const second = new Set([
    texts(await withTimeout(pull.receive(), 5000, "a"))[0],
    texts(await withTimeout(pull.receive(), 5000, "b"))[0],
  ]);
  assert.deepEqual([...second].sort(), ["libzmq 2", "omq 2"]);
  assert.ok(!events.includes("disconnect"), `unexpected disconnect: ${events.join(",")}`);
  await libzmqPush.close();
  await omqPush.close();
  await pull.close();
  await collecting;
});

test("TCP keepalive options are applied where the runtime allows and traffic flows", async () => {
  const pull = new Pull({ tcpKeepalive: 1, tcpKeepaliveIdle: 30, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const push = new Push({
    tcpKeepalive: 1,
    tcpKeepaliveIdle: 30,
    tcpKeepaliveCount: 5,
    tcpKeepaliveInterval: 10,
    linger: 0,
  });
  push.connect(pull.lastEndpoint!);
  await push.send("kept alive");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "message")), ["kept alive"]);
  assert.throws(() => (push.tcpKeepalive = 2), RangeError);
  await push.close();
  await pull.close();
});

test("a libzmq peer frozen with SIGSTOP is dropped after heartbeatTimeout; after SIGCONT traffic resumes", async () => {
  // A peer of its own: freezing it must not stall the other tests' libzmq.
  await using frozen = await startLibzmq();
  const pull = await frozen.socket("pull");
  const endpoint = await pull.bind("tcp://127.0.0.1:*");
  await using push = new Push({ heartbeatInterval: 50, heartbeatTimeout: 300, reconnectInterval: 50, linger: 0 });
  const seen: string[] = [];
  let wake = () => {};
  void (async () => {
    for await (const e of push.events) {
      seen.push(e.type);
      wake();
    }
  })();
  const next = (type: string, from: number) =>
    withTimeout(
      new Promise<number>((resolve) => {
        const check = () => {
          const i = seen.indexOf(type, from);
          if (i >= 0) resolve(i);
          else wake = check;
        };
        check();
      }),
      10_000,
      `${type} event`,
    );
  push.connect(endpoint);
  const shaken = await next("handshake", 0);
  await push.send("before");
  assert.deepEqual(texts(await pull.receive()), ["before"]);

  process.kill(frozen.pid, "SIGSTOP");
  try {
    const stopped = Date.now();
    await next("disconnect", shaken);
    const elapsed = Date.now() - stopped;
    assert.ok(elapsed >= 250 && elapsed < 5000, `dropped ${elapsed} ms after the peer froze`);
  } finally {
    process.kill(frozen.pid, "SIGCONT");
  }
  await push.send("after");
  assert.deepEqual(texts(await pull.receive({ timeout: 10_000 })), ["after"]);
});
