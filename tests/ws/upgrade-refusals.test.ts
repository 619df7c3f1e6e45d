// What a ws:// listener answers to HTTP that is not a ZWS upgrade, on every runtime's server
// (Node's `ws`, omq's own on Deno and Bun): the wrong path 404, a plain GET 426, no ZWS
// subprotocol 400, an endless head closed; the socket serves a good peer meanwhile.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { Pull, Push } from "../../mod.ts";
import { texts, withTimeout } from "../support/util.ts";

/** Sends `request` on a raw connection to `port`; resolves with all the server said before closing. */
function exchange(port: number, request: string): Promise<string> {
  return withTimeout(
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port }, () => socket.write(request));
      let got = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        got += chunk;
        // Node's http keeps a refused connection open for keep-alive: a whole answer is enough.
        if (/\r\n\r\n/.test(got) && !/^HTTP\/1\.1 101/.test(got)) socket.end();
      });
      socket.on("close", () => resolve(got));
      socket.on("error", reject);
    }),
    5000,
    `answer to ${JSON.stringify(request.slice(0, 40))}`,
  );
}

const upgrade = (path: string, protocol: string) =>
  `GET ${path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`;

test("ws listener: the wrong path is 404, a plain GET 426, no ZWS subprotocol 400, an endless head closed", async () => {
  await using pull = new Pull({ linger: 0 });
  await pull.bind("ws://127.0.0.1:*/zmq");
  const port = Number(/:(\d+)\//.exec(pull.lastEndpoint!)![1]);
  assert.match(await exchange(port, upgrade("/other", "ZWS2.0")), /^HTTP\/1\.1 404 /);
  assert.match(await exchange(port, "GET /zmq HTTP/1.1\r\nHost: x\r\n\r\n"), /^HTTP\/1\.1 426 /);
  assert.match(await exchange(port, upgrade("/zmq", "chat")), /^HTTP\/1\.1 400 /);
  // 64 KB of header lines and never an end: refused (431) or closed, not held.
  const endless = `GET /zmq HTTP/1.1\r\n${
    "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".repeat(1100)
  }`;
  const refused = await exchange(port, endless);
  assert.ok(refused === "" || /^HTTP\/1\.1 431 /.test(refused), `answered ${refused.slice(0, 40)}`);

  await using push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("served");
  assert.deepEqual(texts(await withTimeout(pull.receive(), 5000, "a good peer's message")), ["served"]);
});

test("ws listener: a good upgrade is 101 with the chosen ZWS subprotocol", async () => {
  await using pull = new Pull({ linger: 0 });
  await pull.bind("ws://127.0.0.1:*/zmq");
  const port = Number(/:(\d+)\//.exec(pull.lastEndpoint!)![1]);
  const answer = await withTimeout(
    new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port }, () => socket.write(upgrade("/zmq", "ZWS2.0/NULL,ZWS2.0")));
      let got = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        got += chunk;
        if (got.includes("\r\n\r\n")) {
          socket.destroy();
          resolve(got);
        }
      });
      socket.on("error", reject);
    }),
    5000,
    "the upgrade's answer",
  );
  assert.match(answer, /^HTTP\/1\.1 101 /);
  assert.match(answer, /\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=\r\n/i);
  assert.match(answer, /\r\nSec-WebSocket-Protocol: ZWS2\.0\/NULL\r\n/i);
});

test("ws listener: a peer announcing a message over maxMessageSize is dropped before sending it", async () => {
  await using pull = new Pull({ linger: 0, maxMessageSize: 1000 });
  await pull.bind("ws://127.0.0.1:*/zmq");
  const port = Number(/:(\d+)\//.exec(pull.lastEndpoint!)![1]);
  const closed = await withTimeout(
    new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port }, () => socket.write(upgrade("/zmq", "ZWS2.0")));
      let got = "";
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => {
        got += chunk;
        if (!got.includes("\r\n\r\n")) return;
        got = "-";
        // A masked binary frame header announcing 100 MB (64-bit length), then nothing more.
        const header = new Uint8Array([0x82, 0xff, 0, 0, 0, 0, 0x06, 0x40, 0, 0, 1, 2, 3, 4]);
        socket.write(header);
      });
      socket.on("close", () => resolve(true));
      socket.on("error", reject);
    }),
    5000,
    "the server dropping the oversized message",
  );
  assert.equal(closed, true);
});

test("ws listener: a refused peer that keeps its connection open is cut off at handshakeInterval", async () => {
  await using pull = new Pull({ linger: 0, handshakeInterval: 300 });
  await pull.bind("ws://127.0.0.1:*/zmq");
  const port = Number(/:(\d+)\//.exec(pull.lastEndpoint!)![1]);
  const answer = await withTimeout(
    new Promise<string>((resolve) => {
      // allowHalfOpen: the server's FIN does not make this peer close its side. It keeps writing
      // after the deadline: a server still holding the connection takes the bytes, one that let go
      // answers with a reset.
      const socket = connect(
        { host: "127.0.0.1", port, allowHalfOpen: true },
        () => socket.write("GET /zmq HTTP/1.1\r\nHost: x\r\n\r\n"),
      );
      let got = "";
      let timer: ReturnType<typeof setInterval> | undefined;
      socket.setEncoding("latin1");
      socket.on("data", (chunk: string) => void (got += chunk));
      socket.on("error", () => {});
      socket.on("close", () => {
        clearInterval(timer);
        resolve(got);
      });
      setTimeout(() => (timer = setInterval(() => socket.write("x"), 50)), 600);
    }),
    5000,
    "the server letting go of the refused connection",
  );
  assert.match(answer, /^HTTP\/1\.1 426 /);
});
