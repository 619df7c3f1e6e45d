// A malformed or hostile peer costs only its own connection: the socket keeps serving
// others and the process never sees an exception.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { Pull, Push, type SocketEvent } from "../../mod.ts";
import { encodeGreeting } from "../../src/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { encodeFrames } from "../../src/zmtp/frame.ts";
import { concatBytes, texts, withTimeout } from "../support/util.ts";

const READY_PUSH = encodeFrames([encodeCommand("READY", encodeMetadata([["Socket-Type", "PUSH"]]))], 0x04);
const HELLO = [encodeGreeting("NULL", false), READY_PUSH];

const concat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

/** Opens a raw TCP connection, writes `bytes`, resolves when the server closes it. */
function rawPeer(endpoint: string, bytes: Uint8Array, { end = false } = {}): Promise<void> {
  const port = Number(endpoint.split(":").pop());
  return new Promise((resolve) => {
    const sock = net.connect({ host: "127.0.0.1", port }, () => {
      sock.write(bytes);
      if (end) sock.end();
    });
    sock.on("data", () => {});
    sock.on("error", () => {});
    sock.on("close", () => resolve());
  });
}

/** The events the victim reported about one hostile connection. */
interface Seen {
  /** Their types in order, from the connection's `accept` to its `disconnect`. */
  types: string[];
  /** The error message of the connection's `handshake:error:*` event, if there was one. */
  error?: string;
}

/**
 * Binds a Pull, lets `attack` loose on it and returns the events of that connection; then checks
 * that a good Push still reaches the Pull, and that nothing the attacker sent was delivered.
 */
async function withVictim(
  options: ConstructorParameters<typeof Pull>[0],
  attack: (endpoint: string) => Promise<void>,
): Promise<Seen> {
  const pull = new Pull({ ...options, linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const events: SocketEvent[] = [];
  let disconnected: () => void = () => {};
  const disconnect = new Promise<void>((resolve) => (disconnected = resolve));
  const collecting = (async () => {
    for await (const e of pull.events) {
      events.push(e);
      if (e.type === "disconnect") disconnected();
    }
  })();
  await withTimeout(attack(pull.lastEndpoint!), 5000, "the server to drop the hostile connection");
  // The attacker may have hung up first: wait for the victim to see its end.
  await withTimeout(disconnect, 5000, "the victim's disconnect event for the hostile connection");
  const attackEvents = events.filter((e) => e.type !== "bind");
  const good = new Push({ linger: 0 });
  good.connect(pull.lastEndpoint!);
  await good.send(["still", "serving"]);
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "a good peer's message")), ["still", "serving"]);
  await good.close();
  await pull.close();
  await collecting;
  return {
    types: attackEvents.map((e) => e.type),
    error: attackEvents.find((e) => e.type.startsWith("handshake:error"))?.error?.message,
  };
}

/** A connection refused during the handshake: a protocol error whose message matches `why`, then the disconnect. */
function assertProtocolError(seen: Seen, why: RegExp): void {
  assert.deepEqual(seen.types, ["accept", "handshake:error:protocol", "disconnect"]);
  assert.match(seen.error ?? "", why);
}

/** A connection dropped after a completed handshake (libzmq reports only the disconnect then). */
function assertDroppedAfterHandshake(seen: Seen): void {
  assert.deepEqual(seen.types, ["accept", "handshake", "disconnect"]);
}

test("non-ZMTP bytes (an HTTP request) are refused at the signature", async () => {
  const seen = await withVictim(
    {},
    (ep) => rawPeer(ep, new TextEncoder().encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
  );
  assertProtocolError(seen, /ZMTP signature/);
});

test("a ZMTP 2.0 greeting is refused", async () => {
  const g = encodeGreeting("NULL", false);
  g[10] = 2;
  assertProtocolError(await withVictim({}, (ep) => rawPeer(ep, g)), /ZMTP 2\.x/);
});

test("an unknown or mismatched security mechanism is refused", async () => {
  assertProtocolError(await withVictim({}, (ep) => rawPeer(ep, encodeGreeting("FOO", false))), /FOO mechanism/);
  assertProtocolError(await withVictim({}, (ep) => rawPeer(ep, encodeGreeting("PLAIN", false))), /PLAIN mechanism/);
});

test("a message frame before the handshake is a protocol error", async () => {
  const seen = await withVictim(
    {},
    (ep) => rawPeer(ep, concat(encodeGreeting("NULL", false), encodeFrames([new Uint8Array(3)]))),
  );
  assertProtocolError(seen, /before the handshake/);
});

// The attacks below never hang up: the connection ends only because the victim drops it.

test("a frame larger than maxMessageSize drops the connection before the body arrives", async () => {
  const header = new Uint8Array([0x02, 0, 0, 0, 0, 0, 0x10, 0, 0]); // claims 1 MiB
  assertDroppedAfterHandshake(
    await withVictim({ maxMessageSize: 1024 }, (ep) => rawPeer(ep, concat(...HELLO, header))),
  );
});

test("a 2^63 frame length is refused without allocating", async () => {
  const header = new Uint8Array([0x02, 0x80, 0, 0, 0, 0, 0, 0, 1]);
  assertDroppedAfterHandshake(await withVictim({}, (ep) => rawPeer(ep, concat(...HELLO, header))));
});

test("reserved flag bits and malformed commands drop the connection", async () => {
  assertDroppedAfterHandshake(await withVictim({}, (ep) => rawPeer(ep, concat(...HELLO, new Uint8Array([0x80, 0])))));
  const truncated = await withVictim(
    {},
    (ep) => rawPeer(ep, concat(encodeGreeting("NULL", false), new Uint8Array([0x04, 1, 9]))),
  );
  assertProtocolError(truncated, /command name is truncated/);
});

test("a peer that stops mid-frame and leaves delivers nothing partial", async () => {
  const partial = encodeFrames([new Uint8Array(1000)]).subarray(0, 500);
  // withVictim checks the good peer's message is the first one received.
  assertDroppedAfterHandshake(await withVictim({}, (ep) => rawPeer(ep, concat(...HELLO, partial), { end: true })));
});

test("a peer that never finishes its greeting is dropped after handshakeInterval", async () => {
  const seen = await withVictim(
    { handshakeInterval: 200 },
    (ep) => rawPeer(ep, encodeGreeting("NULL", false).subarray(0, 20)),
  );
  assertProtocolError(seen, /handshake not done within 200 ms/);
});

test("a PING is answered with a PONG carrying its context", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const port = Number(pull.lastEndpoint!.split(":").pop());
  const ping = encodeFrames([encodeCommand("PING", new Uint8Array([0, 10, 0xca, 0xfe]))], 0x04);
  const reply = await withTimeout(
    new Promise<Uint8Array>((resolve) => {
      const chunks: Uint8Array[] = [];
      const sock = net.connect({ host: "127.0.0.1", port }, () => sock.write(concat(...HELLO, ping)));
      sock.on("data", (d) => {
        chunks.push(d);
        const all = concat(...chunks);
        // greeting (64) + READY + PONG: look for the PONG command and its context.
        const text = new TextDecoder("latin1").decode(all);
        if (text.includes("PONG\xca\xfe")) {
          sock.destroy();
          resolve(all);
        }
      });
    }),
    5000,
    "PONG",
  );
  assert.ok(reply.byteLength > 64);
  await pull.close();
});
