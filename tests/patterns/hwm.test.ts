// High-water marks set on a live socket reach its existing pipes at once, as libzmq 4.3 updates them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pull, Push, type ZmqError } from "../../mod.ts";
import { tempIpcPath, withTimeout } from "../support/util.ts";

for (const kind of ["tcp", "ipc"]) {
  test(`sendHighWaterMark set after connect (${kind}) bounds the existing queue, and raising it lets a waiting send in`, async () => {
    // Bound to learn a free address, then unbound: messages wait in the connected endpoint's queue.
    const holder = new Pull({ linger: 0 });
    await holder.bind(kind === "tcp" ? "tcp://127.0.0.1:*" : tempIpcPath());
    const endpoint = holder.lastEndpoint!;
    await holder.close();
    const push = new Push({ linger: 0, sendHighWaterMark: 1000, sendTimeout: 0 });
    push.connect(endpoint);
    await push.send("one");
    push.sendHighWaterMark = 1;
    await assert.rejects(push.send("two"), (e: ZmqError) => e.code === "EAGAIN");
    push.sendTimeout = -1;
    const waiting = push.send("two");
    push.sendHighWaterMark = 3;
    await withTimeout(waiting, 5000, "the send let in by the raised mark");
    const pull = new Pull({ linger: 0 });
    await pull.bind(endpoint);
    assert.deepEqual((await pull.receive()).map((f) => new TextDecoder().decode(f)), ["one"]);
    assert.deepEqual((await pull.receive()).map((f) => new TextDecoder().decode(f)), ["two"]);
    await Promise.all([push.close(), pull.close()]);
  });
}
