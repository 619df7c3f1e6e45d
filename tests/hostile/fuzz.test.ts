// Property-based fuzzing of everything that parses peer input: ZMTP greetings, frames and commands,
// the engine over a byte stream and over ZWS 2.0 messages, and the CLI's input lines. A fixed seed
// keeps CI repeatable; `npm run fuzz` runs many more cases (FUZZ_RUNS) with a random seed, printed
// by fast-check with any counterexample so that a failure can be replayed (FUZZ_SEED).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import fc from "fast-check";
import { COMMAND, encodeFrames, FrameDecoder, FrameError, MORE } from "../../src/zmtp/frame.ts";
import { readThrough } from "../support/read-through.ts";
import { decodeGreeting, encodeGreeting, GreetingError } from "../../src/zmtp/greeting.ts";
import { CommandError, decodeCommand, decodeMetadata, encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { createEngine } from "../../src/engine/mod.ts";
import { NullMechanism } from "../../src/zmtp/mechanisms/null.ts";
import { Peer } from "../../src/peer.ts";
import type { ByteConnection, ConnectionHandlers } from "../../transports/runtime/types.ts";
import type { MessageConnection, MessageHandlers } from "../../transports/ws/types.ts";
import { zmtpFlags, ZwsEncoder } from "../../src/zmtp/zws.ts";
import type { FrameFormat } from "../../cli/args.ts";
import { delimiterProblem, formatMessage, parseLine } from "../../cli/format.ts";
import { bytes } from "../support/util.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 300);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? Date.now() : 20261123;
const params = { numRuns: runs, seed };

/** Splits bytes into chunks at the given cut points. */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.byteLength + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(at, p));
    at = p;
  }
  chunks.push(bytes.subarray(at));
  return chunks;
}

test("the frame decoder only ever throws FrameError, and never delivers a frame above its limit", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 600 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.integer({ min: 0, max: 300 }),
      (bytes, cuts, limit) => {
        const decoder = new FrameDecoder({ frame: (_f, body) => assert.ok(body.byteLength <= limit) }, limit);
        try {
          for (const chunk of split(bytes, cuts)) decoder.push(chunk);
        } catch (err) {
          if (!(err instanceof FrameError)) throw err;
        }
      },
    ),
    params,
  );
});

test("any encoded message decodes to itself, however the stream is split", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 400 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (frames, cuts) => {
        const got: Uint8Array[] = [];
        const decoder = new FrameDecoder({ frame: (_f, body) => got.push(body.slice()) });
        for (const chunk of split(encodeFrames(frames), cuts)) decoder.push(chunk);
        assert.deepEqual(got, frames.map((f) => Uint8Array.from(f)));
      },
    ),
    params,
  );
});

test("reading through readBuffer() in any sizes, mixed with foreign chunks, delivers every frame intact", () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 30_000, max: 400_000 })), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.array(fc.tuple(fc.integer({ min: 1, max: 300_000 }), fc.boolean()), { minLength: 1, maxLength: 12 }),
      (sizes, reads) => {
        const frames = sizes.map((n, i) => Uint8Array.from({ length: n }, (_, j) => (j * 7 + i) & 0xff));
        const stream = encodeFrames(frames);
        const got: Uint8Array[] = [];
        const decoder = new FrameDecoder({ frame: (_f, body) => got.push(body) });
        readThrough(decoder, stream, (i) => {
          const [size, foreign] = reads[i % reads.length];
          return { size, foreign };
        });
        // Held as views until the end: a later read landing on an earlier frame would show.
        assert.deepEqual(got, frames);
      },
    ),
    { ...params, numRuns: Math.min(runs, 100) },
  );
});

test("greeting, command and metadata parsers only throw their own errors", () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
      try {
        decodeGreeting(bytes);
      } catch (err) {
        if (!(err instanceof GreetingError)) throw err;
      }
    }),
    params,
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      for (const parse of [decodeCommand, decodeMetadata]) {
        try {
          parse(bytes);
        } catch (err) {
          if (!(err instanceof CommandError)) throw err;
        }
      }
    }),
    params,
  );
});

/** An in-memory connection: what the engine writes is dropped; close is reported once. */
class FakeConnection implements ByteConnection {
  readonly remoteAddress = "fuzz";
  handlers: ConnectionHandlers | null = null;
  closed = false;
  start(handlers: ConnectionHandlers): void {
    this.handlers = handlers;
  }
  write(): boolean {
    return true;
  }
  setKeepAlive(): void {}
  pause(): void {}
  resume(): void {}
  end(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers?.close();
  }
}

const validStart = [
  encodeGreeting("NULL", false),
  encodeFrames([encodeCommand("READY", encodeMetadata([["Socket-Type", "PUSH"]]))], 0x04),
];

test("an engine fed random or mutated streams never throws out, and holds at most its limit per frame", () => {
  fc.assert(
    fc.property(
      fc.boolean(),
      fc.uint8Array({ maxLength: 400 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      (withValidStart, tail, mutations, cuts) => {
        const parts = withValidStart ? [...validStart, tail] : [tail];
        const stream = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
        let at = 0;
        for (const p of parts) {
          stream.set(p, at);
          at += p.byteLength;
        }
        for (const [pos, value] of mutations) if (stream.byteLength > 0) stream[pos % stream.byteLength] = value;
        const conn = new FakeConnection();
        const peer = Peer.withPipes(1000, 1000, "fuzz");
        const engine = createEngine(conn, {
          mechanism: new NullMechanism([["Socket-Type", "PULL"]]),
          asServer: true,
          maxMessageSize: 256,
          handshakeInterval: 0,
          socketType: "PULL",
          defer: (fn) => setTimeout(fn, 0),
        }, { ready: () => peer, closed: () => {} });
        for (const chunk of split(stream, cuts)) {
          if (conn.closed) break;
          conn.handlers!.data(chunk); // must not throw, whatever the bytes
        }
        let message;
        while ((message = peer.inbound.read()) !== undefined) for (const f of message) assert.ok(f.byteLength <= 256);
        engine.close();
      },
    ),
    params,
  );
});

// --- ZWS 2.0 (RFC 45): one WebSocket message per frame, its flags byte first ---

/** An in-memory WebSocket as the ZWS engine sees it: messages in by hand, writes dropped. */
class FakeMessageConnection implements MessageConnection {
  readonly kind = "message";
  readonly remoteAddress = "fuzz:1";
  handlers: MessageHandlers | null = null;
  closed = false;
  constructor(readonly mechanism: string) {}
  start(handlers: MessageHandlers): void {
    this.handlers = handlers;
  }
  write(): boolean {
    return true;
  }
  pause(): void {}
  resume(): void {}
  end(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers?.close();
  }
}

test("ZWS: any frames and flags come back out of the encoder's messages", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.uint8Array({ maxLength: 20_000 }), fc.constantFrom(0, MORE, COMMAND, MORE | COMMAND)), {
        minLength: 1,
        maxLength: 8,
      }),
      (frames) => {
        const encoder = new ZwsEncoder();
        for (const [body, flags] of frames) encoder.frame(body, flags);
        const messages = encoder.take();
        assert.equal(messages.length, frames.length);
        messages.forEach((m, i) => {
          assert.equal(zmtpFlags(m[0]), frames[i][1]);
          assert.deepEqual(m.subarray(1), frames[i][0]);
        });
      },
    ),
    params,
  );
});

/** What a NULL peer sends first over ZWS: its READY as a command message. */
const zwsReady = (type: string) => {
  const body = encodeCommand("READY", encodeMetadata([["Socket-Type", type]]));
  const m = new Uint8Array(1 + body.byteLength);
  m[0] = 0x02;
  m.set(body, 1);
  return m;
};

test("ZWS: an engine fed random or mutated messages never throws out, and holds at most its limit per frame", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom("NULL", ""),
      fc.boolean(),
      fc.array(fc.uint8Array({ maxLength: 400 }), { maxLength: 8 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      async (mechanism, withValidStart, tail, mutations) => {
        const start = mechanism === "NULL" ? zwsReady("PUSH") : new Uint8Array([0x00, 0x69, 0x64]); // bare: an id
        const messages = withValidStart ? [start.slice(), ...tail] : tail;
        for (const [which, pos, value] of mutations) {
          const m = messages.length ? messages[which % messages.length] : undefined;
          if (m && m.byteLength > 0) m[pos % m.byteLength] = value;
        }
        const conn = new FakeMessageConnection(mechanism);
        const peer = Peer.withPipes(1000, 1000, "fuzz");
        const engine = createEngine(conn, {
          mechanism: new NullMechanism([["Socket-Type", "PULL"]]),
          asServer: true,
          maxMessageSize: 256,
          handshakeInterval: 0,
          socketType: "PULL",
          defer: (fn) => setTimeout(fn, 0),
        }, { ready: () => peer, closed: () => {} });
        await Promise.resolve(); // the engine begins its handshake in a microtask
        for (const m of messages) {
          if (conn.closed) break;
          conn.handlers!.message(m); // must not throw, whatever the message
          await Promise.resolve();
        }
        let message;
        while ((message = peer.inbound.read()) !== undefined) for (const f of message) assert.ok(f.byteLength <= 256);
        engine.close();
      },
    ),
    params,
  );
});

// --- the CLI's input lines (cli/format.ts) ---

test("CLI: parseLine only ever throws its own 'is not hex' error, whatever the line and delimiter", () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 200 }),
      fc.constantFrom("\t", ",", " ", "|", "::", "0x"),
      fc.constantFrom<FrameFormat>("auto", "hex", "text"),
      (line, delimiter, format) => {
        try {
          for (const frame of parseLine(line, delimiter, format)) assert.ok(frame instanceof Uint8Array);
        } catch (err) {
          if (!(err instanceof Error) || !/is not hex/.test(err.message)) throw err;
        }
      },
    ),
    params,
  );
});

test("CLI: a message printed in hex reads back as itself", () => {
  fc.assert(
    fc.property(
      fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 5 }),
      fc.constantFrom("\t", ",", " ", "|"),
      (frames, delimiter) => {
        assert.deepEqual(parseLine(formatMessage(frames, delimiter, "hex"), delimiter, "hex"), frames);
      },
    ),
    params,
  );
});

test("CLI: a message printed with the default format and delimiter reads back as itself", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(fc.string({ maxLength: 20, unit: "binary" }).map(bytes), fc.uint8Array({ maxLength: 20 })),
        { minLength: 1, maxLength: 5 },
      ),
      (frames) => {
        assert.deepEqual(parseLine(formatMessage(frames, "\t", "auto"), "\t", "auto"), frames);
      },
    ),
    params,
  );
});

// A text frame holding the delimiter printed as text and read back split (["\t"] -> ["", ""]); with a
// delimiter of two characters, a frame ending in its first one did too (["a:", "b"] with "::").
test("CLI: in auto format a message reads back as itself with any delimiter the CLI accepts", () => {
  const piece = fc.constantFrom("a", ":", "g", "z", "-", "\t", " ", "|", "0", "x", "0x", "\uFEFF", "é", "\n", "");
  const text = fc.array(piece, { maxLength: 8 }).map((p) => bytes(p.join("")));
  fc.assert(
    fc.property(
      fc.array(fc.oneof(text, fc.uint8Array({ maxLength: 8 })), { minLength: 1, maxLength: 5 }),
      fc.constantFrom("\t", ",", " ", "|", "::", "-:", "gg", "z-z", "\t\t", ":", "é"),
      (frames, delimiter) => {
        assert.equal(delimiterProblem(delimiter, "auto"), null);
        assert.deepEqual(parseLine(formatMessage(frames, delimiter, "auto"), delimiter, "auto"), frames);
      },
    ),
    params,
  );
});
