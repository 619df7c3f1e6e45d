// Hostile CURVE and PLAIN handshakes from a raw TCP peer: truncated, reordered, replayed and
// bit-flipped commands each close that connection (with a protocol error event) and the
// socket keeps serving a good peer.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as net from "node:net";
import { curveKeyPair, Pull, Push, type SocketEvent } from "../../mod.ts";
import { encodeGreeting, GREETING_SIZE } from "../../src/zmtp/greeting.ts";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { COMMAND, encodeFrames, FrameDecoder } from "../../src/zmtp/frame.ts";
import { CurveClient } from "../../src/zmtp/mechanisms/curve.ts";
import { eventually, texts, withTimeout } from "../support/util.ts";
import { z85 } from "../../mod.ts";

const SERVER = curveKeyPair();
const CLIENT = curveKeyPair();
const METADATA: [string, string][] = [["Socket-Type", "PUSH"]];

/** A raw TCP peer speaking just enough ZMTP: greeting, then whole frames both ways. */
class RawPeer {
  readonly closed: Promise<void>;
  #sock: net.Socket;
  #frames: Uint8Array[] = [];
  #waiters: ((f: Uint8Array | null) => void)[] = [];
  #isClosed = false;

  constructor(port: number, mechanism: string) {
    let greeting = 0;
    const decoder = new FrameDecoder({
      frame: (_flags, body) => {
        const w = this.#waiters.shift();
        if (w) w(body.slice());
        else this.#frames.push(body.slice());
      },
    });
    this.#sock = net.connect({ host: "127.0.0.1", port });
    this.#sock.write(encodeGreeting(mechanism, false));
    this.#sock.on("data", (buf: Uint8Array) => {
      let chunk = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
      if (greeting < GREETING_SIZE) {
        const take = Math.min(GREETING_SIZE - greeting, chunk.byteLength);
        greeting += take;
        chunk = chunk.subarray(take);
      }
      if (chunk.byteLength > 0) decoder.push(chunk);
    });
    this.#sock.on("error", () => {});
    this.closed = new Promise((resolve) =>
      this.#sock.on("close", () => {
        this.#isClosed = true;
        for (const w of this.#waiters.splice(0)) w(null);
        resolve();
      })
    );
  }

  send(body: Uint8Array, flags = COMMAND): void {
    if (!this.#isClosed) this.#sock.write(encodeFrames([body], flags));
  }

  /** The next frame body from the server; rejects if the connection closes first. */
  async next(): Promise<Uint8Array> {
    const f = this.#frames.shift() ?? await new Promise<Uint8Array | null>((r) => this.#waiters.push(r));
    if (!f) throw new Error("connection closed");
    return f;
  }

  destroy(): void {
    this.#sock.destroy();
  }
}

const client = () =>
  new CurveClient(METADATA, z85.decode(SERVER.publicKey), z85.decode(CLIENT.publicKey), z85.decode(CLIENT.secretKey));

/** Runs `attack` against a CURVE Pull, expects the attacker dropped with a protocol error, then a good Push served. */
async function survives(attack: (port: number) => RawPeer | Promise<RawPeer>, mechanism = "CURVE"): Promise<void> {
  const pull = mechanism === "CURVE"
    ? new Pull({ curveServer: true, curveSecretKey: SERVER.secretKey, linger: 0 })
    : new Pull({ plainServer: true, linger: 0 });
  const events: SocketEvent[] = [];
  (async () => {
    for await (const e of pull.events) events.push(e);
  })();
  await pull.bind("tcp://127.0.0.1:*");
  const port = Number(pull.lastEndpoint!.split(":").pop());
  const raw = await attack(port);
  await withTimeout(raw.closed, 5000, "the server closing the hostile connection");
  await eventually(() => events.some((e) => e.type === "handshake:error:protocol"));
  if (mechanism === "CURVE") {
    const good = new Push({
      curveServerKey: SERVER.publicKey,
      curvePublicKey: CLIENT.publicKey,
      curveSecretKey: CLIENT.secretKey,
      linger: 0,
    });
    good.connect(pull.lastEndpoint!);
    await good.send("still serving");
    assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "good peer")), ["still serving"]);
    await good.close();
  }
  await pull.close();
}

/** A complete, valid CURVE handshake by a raw peer; returns it with its mechanism for sealing messages. */
async function handshake(port: number, keep?: { initiate?: Uint8Array }): Promise<{ raw: RawPeer; mech: CurveClient }> {
  const raw = new RawPeer(port, "CURVE");
  const mech = client();
  raw.send(mech.start().send![0]);
  const initiate = (mech.receive(await raw.next()) as { send: Uint8Array[] }).send[0];
  if (keep) keep.initiate = initiate;
  raw.send(initiate);
  const step = mech.receive(await raw.next()) as { ready?: unknown };
  assert.ok(step.ready, "handshake completes");
  return { raw, mech };
}

const flip = (bytes: Uint8Array, at: number): Uint8Array => {
  const out = bytes.slice();
  out[at] ^= 0x10;
  return out;
};

test("CURVE: a truncated HELLO closes the connection; the socket keeps serving", async () => {
  await survives((port) => {
    const raw = new RawPeer(port, "CURVE");
    raw.send(client().start().send![0].subarray(0, 150));
    return raw;
  });
});

test("CURVE: INITIATE before HELLO (reordered) closes the connection; the socket keeps serving", async () => {
  await survives(async (port) => {
    const keep: { initiate?: Uint8Array } = {};
    const first = await handshake(port, keep);
    first.raw.destroy();
    const raw = new RawPeer(port, "CURVE");
    raw.send(keep.initiate!);
    return raw;
  });
});

test("CURVE: a HELLO sent twice closes the connection; the socket keeps serving", async () => {
  await survives(async (port) => {
    const raw = new RawPeer(port, "CURVE");
    const hello = client().start().send![0];
    raw.send(hello);
    await raw.next();
    raw.send(hello);
    return raw;
  });
});

test("CURVE: an INITIATE replayed from another connection closes the connection; the socket keeps serving", async () => {
  await survives(async (port) => {
    const keep: { initiate?: Uint8Array } = {};
    const first = await handshake(port, keep);
    first.raw.destroy();
    const raw = new RawPeer(port, "CURVE");
    raw.send(client().start().send![0]);
    await raw.next(); // WELCOME, with a fresh cookie the old INITIATE cannot match
    raw.send(keep.initiate!);
    return raw;
  });
});

test("CURVE: a replayed MESSAGE (same nonce) after the handshake closes the connection; the first copy is delivered once", async () => {
  const pull = new Pull({ curveServer: true, curveSecretKey: SERVER.secretKey, linger: 0 });
  const events: SocketEvent[] = [];
  (async () => {
    for await (const e of pull.events) events.push(e);
  })();
  await pull.bind("tcp://127.0.0.1:*");
  const { raw, mech } = await handshake(Number(pull.lastEndpoint!.split(":").pop()));
  const message = mech.encode(new TextEncoder().encode("once"), 0);
  raw.send(message, 0);
  raw.send(message, 0);
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "first copy")), ["once"]);
  await withTimeout(raw.closed, 5000, "close after the replay");
  await eventually(() => events.some((e) => e.type === "handshake:error:protocol"));
  await assert.rejects(withTimeout(pull.receive(), 200, "second copy"), /timed out/);
  await pull.close();
});

test("CURVE: a bit flipped in the HELLO box closes the connection; the socket keeps serving", async () => {
  await survives((port) => {
    const raw = new RawPeer(port, "CURVE");
    raw.send(flip(client().start().send![0], 150));
    return raw;
  });
});

test("CURVE: a bit flipped in the INITIATE box closes the connection; the socket keeps serving", async () => {
  await survives(async (port) => {
    const raw = new RawPeer(port, "CURVE");
    const mech = client();
    raw.send(mech.start().send![0]);
    const initiate = (mech.receive(await raw.next()) as { send: Uint8Array[] }).send[0];
    raw.send(flip(initiate, initiate.byteLength - 3));
    return raw;
  });
});

test("CURVE: a bit flipped in a MESSAGE after the handshake closes the connection; the socket keeps serving", async () => {
  await survives(async (port) => {
    const { raw, mech } = await handshake(port);
    raw.send(flip(mech.encode(new TextEncoder().encode("tampered"), 0), 20), 0);
    return raw;
  });
});

test("PLAIN: a truncated HELLO closes the connection with a protocol error", async () => {
  await survives((port) => {
    const raw = new RawPeer(port, "PLAIN");
    raw.send(encodeCommand("HELLO", new Uint8Array([5, 97, 100])));
    return raw;
  }, "PLAIN");
});

test("PLAIN: INITIATE before HELLO closes the connection with a protocol error", async () => {
  await survives((port) => {
    const raw = new RawPeer(port, "PLAIN");
    raw.send(encodeCommand("INITIATE", encodeMetadata(METADATA)));
    return raw;
  }, "PLAIN");
});
