// A PAIR takes one peer, yet a second connect succeeds, as libzmq's does (it drops the extra pipe):
// messages keep going to the first peer. zeromq.js's own tests connect a PAIR twice this way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pair } from "../../mod.ts";
import { tempIpcPath, texts, withTimeout } from "../support/util.ts";

for (const transport of ["tcp", "ipc"] as const) {
  test(`${transport}: a PAIR connected twice keeps its first peer`, async () => {
    const first = new Pair({ linger: 0 });
    const second = new Pair({ linger: 0 });
    await first.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : tempIpcPath());
    await second.bind(transport === "tcp" ? "tcp://127.0.0.1:*" : tempIpcPath());
    const pair = new Pair({ linger: 0 });
    try {
      pair.connect(first.lastEndpoint!);
      pair.connect(second.lastEndpoint!);
      for (const n of ["one", "two", "three"]) await pair.send(n);
      for (const n of ["one", "two", "three"]) {
        assert.deepEqual(texts(await withTimeout(first.receive(), 5000, n)), [n]);
      }
      // Disconnecting the second endpoint works, since it was connected.
      pair.disconnect(second.lastEndpoint!);
    } finally {
      await Promise.all([pair.close(), first.close(), second.close()]);
    }
  });
}
