// ZMQ_METADATA: the application's "X-" properties travel in the handshake's READY, laid out as libzmq lays
// out its own: a bare ZMTP reader sees the same properties from an omq socket and from a libzmq one.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { Dealer } from "../../mod.ts";
import { decodeCommand, decodeMetadata, encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { encodeGreeting, GREETING_SIZE } from "../../src/zmtp/greeting.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { concatBytes, text } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

const ZMQ_METADATA = 95;

/**
 * Accepts one connection as a bare ZMTP 3.1 NULL peer (a ROUTER) and resolves with the properties
 * of the READY it receives, in the order they came.
 */
async function readyOf(connect: (endpoint: string) => Promise<void> | void): Promise<[string, string][]> {
  let resolveReady!: (props: [string, string][]) => void;
  const ready = new Promise<[string, string][]>((resolve) => (resolveReady = resolve));
  const server = net.createServer((sock) => {
    sock.write(encodeGreeting("NULL", false));
    const body = encodeCommand("READY", encodeMetadata([["Socket-Type", "ROUTER"]]));
    sock.write(new Uint8Array([0x04, body.byteLength, ...body]));
    let input: Uint8Array = new Uint8Array(0);
    sock.on("data", (chunk) => {
      input = concatBytes([input, new Uint8Array(chunk)]);
      // The peer's greeting, then one short command frame: flags, size, body.
      if (input.byteLength < GREETING_SIZE + 2) return;
      const size = input[GREETING_SIZE + 1];
      if (input.byteLength < GREETING_SIZE + 2 + size) return;
      const { name, data } = decodeCommand(input.subarray(GREETING_SIZE + 2, GREETING_SIZE + 2 + size));
      assert.equal(name, "READY");
      resolveReady([...decodeMetadata(data)].map(([k, v]) => [k, text(v)]));
      sock.destroy();
    });
    sock.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  await connect(`tcp://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
  try {
    return await ready;
  } finally {
    server.close();
  }
}

test("metadata goes out in READY after Socket-Type and Identity, exactly as libzmq sends ZMQ_METADATA", async () => {
  const ours = new Dealer({ linger: 0, routingId: "me", metadata: { "X-Color": "red", "X-Empty": "" } });
  const fromUs = await readyOf((endpoint) => ours.connect(endpoint));
  await ours.close();
  const theirs = await zmq.socket("dealer", { routingId: "me", linger: 0 });
  await theirs.setOptionById(ZMQ_METADATA, "String", "X-Color:red");
  const fromLibzmq = await readyOf((endpoint) => theirs.connect(endpoint));
  await theirs.close();
  assert.deepEqual(fromLibzmq, [["socket-type", "DEALER"], ["identity", "me"], ["x-color", "red"]]);
  assert.deepEqual(fromUs, [...fromLibzmq, ["x-empty", ""]]);
});

test("metadata: names must start with X- (ZMTP's own are not the application's); values are strings or bytes", () => {
  assert.throws(() => new Dealer({ metadata: { "Socket-Type": "PUB" } }), { name: "RangeError", message: /X-/ });
  assert.throws(() => new Dealer({ metadata: { "X-Ok": 1 as never } }), { name: "TypeError" });
  const d = new Dealer({ metadata: { "X-A": new Uint8Array([1, 2]) } });
  assert.deepEqual(d.metadata, { "X-A": new Uint8Array([1, 2]) });
  d.metadata = null;
  assert.equal(d.metadata, null);
  void d.close();
});
