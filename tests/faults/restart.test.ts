// A peer restart, as the soak does it: a bound socket closes and a fresh one binds the same
// endpoint at once, while a peer keeps reconnecting to it. libzmq allows the rebind at once.
import { test } from "node:test";
import { Pull, Push } from "../../mod.ts";
import { step } from "../support/fault-steps.ts";
import { tempIpcPath } from "../support/util.ts";

/** Closes the bound PULL, binds a new one at its endpoint, and sends until the PUSH reaches it. */
async function restart(endpoint: string): Promise<void> {
  let pull = new Pull({ linger: 0 });
  await pull.bind(endpoint);
  const bound = pull.lastEndpoint!;
  const push = new Push({ linger: 0, reconnectInterval: 20 });
  push.connect(bound);
  try {
    await push.send("before");
    await pull.receive();
    await pull.close();
    pull = new Pull({ linger: 0, receiveTimeout: 100 });
    await pull.bind(bound);
    // What was written to the closing connection is lost (at most once): send until one arrives.
    await step(
      (async () => {
        for (;;) {
          await push.send("after");
          try {
            return await pull.receive();
          } catch (err) {
            if ((err as { code?: string }).code !== "EAGAIN") throw err;
          }
        }
      })(),
      "the PUSH reaches the restarted PULL",
    );
  } finally {
    await push.close();
    await pull.close();
  }
}

test("restart: a PULL closed and bound again at once on tcp is reached again", () => restart("tcp://127.0.0.1:*"));

test("restart: a PULL closed and bound again at once on ipc is reached again", () => restart(tempIpcPath()));

test("restart: a PULL closed and bound again at once on ws is reached again", () =>
  restart("ws://127.0.0.1:*/restart"));
