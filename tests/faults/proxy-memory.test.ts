// Found by the soak (bench/soak.md): a proxy's memory must not grow with the number of messages it
// has forwarded. libzmq's zmq_proxy holds nothing per message once it is passed on.
import { test } from "node:test";
import assert from "node:assert/strict";
import { proxy, Pull, Push } from "../../mod.ts";
import { liveMemory } from "../support/gc.ts";

const MESSAGES = 50_000;
const LIMIT = 4 * 1024 * 1024;

// Found by the soak: each message's `await Promise.race([sent, stoppedPromise])` in src/proxy.ts added a
// reaction to a promise that settled only when the proxy stopped (about 300 bytes per message).
test("proxy: forwarding 50,000 messages leaves no memory behind per message", async () => {
  const front = new Pull({ linger: 0 });
  const back = new Push({ linger: 0 });
  await front.bind("inproc://proxy-memory-in");
  await back.bind("inproc://proxy-memory-out");
  const forwarding = proxy(front, back);
  const push = new Push({ linger: 0 });
  const pull = new Pull({ linger: 0 });
  push.connect("inproc://proxy-memory-in");
  pull.connect("inproc://proxy-memory-out");
  const pass = async (count: number) => {
    const receiving = (async () => {
      for (let i = 0; i < count; i++) await pull.receive();
    })();
    for (let i = 0; i < count; i++) await push.send(new Uint8Array(200));
    await receiving;
  };
  try {
    await pass(1000);
    const before = await liveMemory();
    await pass(MESSAGES);
    const grown = (await liveMemory()) - before;
    assert.ok(grown < LIMIT, `${(grown / 1048576).toFixed(1)} MiB more live after ${MESSAGES} messages`);
  } finally {
    await Promise.all([push.close(), pull.close(), front.close(), back.close()]);
    await forwarding;
  }
});
