// RFC 6455 framing (transports/ws/frames.ts) and the upgrade's pieces (http-upgrade.ts), with byte
// arrays: the same messages whatever the chunk boundaries, masking both ways, fragments, control
// frames between them, and the protocol errors a server must close on.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  applyMask,
  closePayload,
  type FrameEvents,
  frameHeader,
  FrameReader,
  OPCODE,
} from "../../transports/ws/frames.ts";
import { acceptKey, readHead, requestBytes } from "../../transports/ws/http-upgrade.ts";
import { concatBytes } from "../support/util.ts";

/** A frame as a client sends it: masked with `mask`, FIN as given. */
function clientFrame(opcode: number, payload: Uint8Array, fin = true, mask = new Uint8Array([1, 2, 3, 4])): Uint8Array {
  const header = frameHeader(opcode, payload.length, mask);
  if (!fin) header[0] &= 0x7f;
  const body = payload.slice();
  applyMask(body, mask);
  return concatBytes([header, body]);
}

interface Seen {
  events: string[];
  messages: Uint8Array[];
}

function reader(server: boolean): { reader: FrameReader; seen: Seen } {
  const seen: Seen = { events: [], messages: [] };
  const events: FrameEvents = {
    message(data, binary) {
      seen.events.push(binary ? "binary" : "text");
      seen.messages.push(data.slice());
    },
    ping: (data) => void seen.events.push(`ping ${data.length}`),
    close: (code, reason) => void seen.events.push(`close ${code} ${reason}`),
    error: (code, message) => void seen.events.push(`error ${code} ${message}`),
  };
  return { reader: new FrameReader(server, events), seen };
}

const payloads = [0, 1, 125, 126, 127, 65535, 65536, 70000].map((n) => new Uint8Array(n).map((_, i) => i * 7));

test("ws frames: a server reads masked messages of every length class, split at every boundary", () => {
  const stream = concatBytes([
    ...payloads.slice(0, 5).map((p) => clientFrame(OPCODE.binary, p)),
    clientFrame(OPCODE.ping, new Uint8Array(3)),
  ]);
  for (let split = 0; split <= stream.length; split += split < 300 ? 1 : 997) {
    const { reader: r, seen } = reader(true);
    const copy = stream.slice(); // the reader unmasks in place
    r.push(copy.subarray(0, split));
    r.push(copy.subarray(split));
    assert.deepEqual(seen.events, ["binary", "binary", "binary", "binary", "binary", "ping 3"], `split at ${split}`);
    seen.messages.forEach((m, i) => assert.deepEqual(m, payloads[i]));
  }
});

test("ws frames: large lengths (16- and 64-bit) read byte by byte, unmasked on the client side", () => {
  const stream = concatBytes(payloads.slice(5).flatMap((p) => [frameHeader(OPCODE.binary, p.length, null), p]));
  const { reader: r, seen } = reader(false);
  for (let i = 0; i < stream.length; i += 4099) r.push(stream.slice(i, i + 4099));
  assert.deepEqual(seen.messages, payloads.slice(5));
});

test("ws frames: fragments join into one message, with a ping between them", () => {
  const { reader: r, seen } = reader(true);
  r.push(clientFrame(OPCODE.binary, new Uint8Array([1, 2]), false));
  r.push(clientFrame(OPCODE.ping, new Uint8Array(0)));
  r.push(clientFrame(OPCODE.continuation, new Uint8Array([3]), false));
  r.push(clientFrame(OPCODE.continuation, new Uint8Array([4, 5]), true));
  assert.deepEqual(seen.events, ["ping 0", "binary"]);
  assert.deepEqual(seen.messages[0], new Uint8Array([1, 2, 3, 4, 5]));
});

test("ws frames: a close frame reports its code and reason; nothing after it is read", () => {
  const { reader: r, seen } = reader(true);
  r.push(
    concatBytes([clientFrame(OPCODE.close, closePayload(1001, "bye")), clientFrame(OPCODE.binary, new Uint8Array(1))]),
  );
  assert.deepEqual(seen.events, ["close 1001 bye"]);
});

test("ws frames: protocol errors a server closes on (unmasked, reserved bits, bad opcodes, stray continuation)", () => {
  const cases: [string, Uint8Array][] = [
    ["unmasked", concatBytes([frameHeader(OPCODE.binary, 1, null), new Uint8Array(1)])],
    [
      "rsv bits",
      (() => {
        const f = clientFrame(OPCODE.binary, new Uint8Array(1));
        f[0] |= 0x40;
        return f;
      })(),
    ],
    ["opcode 3", clientFrame(3, new Uint8Array(1))],
    ["control opcode 11", clientFrame(11, new Uint8Array(1))],
    ["stray continuation", clientFrame(OPCODE.continuation, new Uint8Array(1))],
    ["fragmented ping", clientFrame(OPCODE.ping, new Uint8Array(1), false)],
    ["long ping", clientFrame(OPCODE.ping, new Uint8Array(126))],
  ];
  for (const [name, bytes] of cases) {
    const { reader: r, seen } = reader(true);
    r.push(bytes);
    assert.equal(seen.events.length, 1, name);
    assert.match(seen.events[0], /^error 1002 /, name);
  }
  const { reader: r, seen } = reader(false);
  r.push(clientFrame(OPCODE.binary, new Uint8Array(1)));
  assert.match(seen.events[0], /^error 1002 a masked frame from a server/);
});

test("ws upgrade: RFC 6455's example accept key, and a request head read back", async () => {
  assert.equal(await acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const bytes = requestBytes("127.0.0.1:5555", "/zmq", "dGhlIHNhbXBsZSBub25jZQ==", ["ZWS2.0/NULL", "ZWS2.0"]);
  const got = readHead(concatBytes([bytes, new Uint8Array([0x82, 0x80])]));
  assert.ok(typeof got === "object");
  assert.equal(got.head.startLine, "GET /zmq HTTP/1.1");
  assert.equal(got.head.headers.get("sec-websocket-protocol"), "ZWS2.0/NULL, ZWS2.0");
  assert.deepEqual(got.rest, new Uint8Array([0x82, 0x80]));
  assert.equal(readHead(bytes.subarray(0, 20)), "more");
  assert.equal(readHead(new Uint8Array(9000).fill(65)), "too long");
});

test("ws frames: masking word by word equals masking byte by byte, at every offset and alignment", () => {
  const mask = new Uint8Array([0x12, 0x34, 0x56, 0x78]);
  const buffer = new Uint8Array(64).map((_, i) => i * 31);
  for (let start = 0; start < 5; start++) {
    for (let length = 0; length < 20; length++) {
      for (let offset = 0; offset < 4; offset++) {
        const data = buffer.slice().subarray(start, start + length);
        const expected = data.map((b, i) => b ^ mask[(offset + i) & 3]);
        applyMask(data, mask, offset);
        assert.deepEqual(data, expected, `start ${start} length ${length} offset ${offset}`);
      }
    }
  }
});

test("ws frames: a message over the limit fails from its header (1009), fragments counted together", () => {
  const { seen } = reader(true);
  const limited = new FrameReader(true, {
    message: (data) => void seen.messages.push(data),
    ping() {},
    close() {},
    error: (code, message) => void seen.events.push(`error ${code} ${message}`),
  }, () => 10);
  limited.push(clientFrame(OPCODE.binary, new Uint8Array(10)));
  limited.push(clientFrame(OPCODE.binary, new Uint8Array(6), false));
  limited.push(frameHeader(OPCODE.continuation, 5, new Uint8Array(4))); // 6 + 5 > 10: no payload needed
  assert.equal(seen.messages.length, 1);
  assert.match(seen.events[0], /^error 1009 /);
});
