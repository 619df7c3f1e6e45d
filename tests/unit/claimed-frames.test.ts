// A large frame's body is allocated when its header arrives (up to 16 MiB, as libzmq
// allocates a message), so the rest can be read straight into it. A hostile peer can
// therefore claim big frames cheaply; this checks that a claim costs address space, not
// memory: pages are committed only as bytes arrive.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import process from "node:process";
import { Pull, Push } from "../../mod.ts";
import { encodeGreeting } from "../../src/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { encodeFrames } from "../../src/zmtp/frame.ts";
import { text, withTimeout } from "../support/util.ts";

const ATTACKERS = 200;
const CLAIM = 16 * 1024 * 1024;

/** A raw peer that completes the handshake as a PUSH, then sends a 16 MiB frame header and 1 kB of body. */
function claimer(port: number): Promise<net.Socket> {
  const header = new Uint8Array(9);
  header[0] = 0x02;
  new DataView(header.buffer).setUint32(5, CLAIM);
  const ready = encodeFrames([encodeCommand("READY", encodeMetadata([["Socket-Type", "PUSH"]]))], 0x04);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: "127.0.0.1", port }, () => {
      sock.write(encodeGreeting("NULL", false));
      sock.write(ready);
      sock.write(header);
      sock.write(new Uint8Array(1024), () => resolve(sock));
    });
    sock.on("error", reject);
    sock.on("data", () => {});
  });
}

test(`${ATTACKERS} peers each claiming a 16 MiB frame cost memory for the bytes they sent, not for their claims`, async () => {
  const pull = new Pull({ linger: 0 });
  const push = new Push({ linger: 0 });
  const attackers: net.Socket[] = [];
  try {
    await pull.bind("tcp://127.0.0.1:*");
    const port = Number(pull.lastEndpoint!.split(":").pop());
    push.connect(pull.lastEndpoint!);
    await push.send("before");
    assert.equal(text((await pull.receive())[0]), "before");
    const before = process.memoryUsage().rss;
    for (let i = 0; i < ATTACKERS; i++) attackers.push(await withTimeout(claimer(port), 5000, `claimer ${i}`));
    // Let the victim read every header (and allocate every body) before measuring.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const grown = (process.memoryUsage().rss - before) / 2 ** 20;
    console.log(
      `${ATTACKERS} claims of 16 MiB (${(ATTACKERS * CLAIM) / 2 ** 30} GiB): RSS grew by ${grown.toFixed(0)} MB`,
    );
    assert.ok(grown < 256, `RSS grew by ${grown.toFixed(0)} MB for ${ATTACKERS} claimed frames`);
    // The socket still serves its good peer, and the half-sent frames never surface.
    await push.send("after");
    for (const a of attackers) a.destroy();
    const [got] = await withTimeout(pull.receive(), 5000, "the good peer's message");
    assert.equal(text(got), "after");
  } finally {
    for (const a of attackers) a.destroy();
    push.close();
    pull.close();
  }
});
