// unbind ends the connections accepted on that endpoint, as libzmq's listener takes its sessions with it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Pull, Push, type Socket } from "../../mod.ts";
import { startLibzmq } from "../support/libzmq.ts";
import { tempIpcPath, texts, withTimeout } from "../support/util.ts";

async function next(socket: Socket, type: string): Promise<void> {
  for await (const e of socket.events) if (e.type === type) return;
}

for (const endpoint of ["tcp://127.0.0.1:*", "ipc"]) {
  test(`unbind ${endpoint === "ipc" ? "ipc" : "tcp"} drops the connections it accepted; others stay`, async () => {
    const pull = new Pull({ linger: 0 });
    await pull.bind(endpoint === "ipc" ? tempIpcPath() : endpoint);
    const first = pull.lastEndpoint!;
    await pull.bind("tcp://127.0.0.1:*");
    const second = pull.lastEndpoint!;
    const a = new Push({ linger: 0, reconnectInterval: 60_000 });
    const b = new Push({ linger: 0 });
    const handshakes = Promise.all([next(a, "handshake"), next(b, "handshake")]);
    a.connect(first);
    b.connect(second);
    await withTimeout(handshakes, 5000, "handshakes");
    const dropped = next(a, "disconnect");
    await pull.unbind(first);
    await withTimeout(dropped, 5000, "the disconnect of the unbound endpoint's peer");
    await b.send("still here");
    assert.deepEqual(texts(await pull.receive()), ["still here"]);
    await Promise.all([a.close(), b.close(), pull.close()]);
  });
}

test("a libzmq peer connected to an endpoint we unbind sees its connection end", async () => {
  await using zmq = await startLibzmq();
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const push = await zmq.socket("push", { reconnectInterval: 60_000 });
  await push.connect(pull.lastEndpoint!);
  await push.send("hello");
  assert.deepEqual(texts(await pull.receive()), ["hello"]);
  await pull.unbind(pull.lastEndpoint!);
  await push.waitEvent("disconnect", { timeout: 5000 });
  await pull.close();
});
