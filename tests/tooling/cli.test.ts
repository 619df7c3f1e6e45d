// The `omq` command line: its parsing, and end to end against libzmq peers (zeromq.js).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { parseArgs, UsageError } from "../../cli/args.ts";
import { formatMessage, parseLine } from "../../cli/format.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { CliProcess } from "../support/cli.ts";
import { bytes, texts, withTimeout } from "../support/util.ts";

const TCP = "tcp://127.0.0.1:*";
let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(() => zmq.close());

test("parseArgs: a subscriber with positional prefixes, options with = and short flags", () => {
  const o = parseArgs(["sub", "tcp://127.0.0.1:5556", "10001", "-s", "20000", "--count=3", "-f", "hex"]);
  assert.equal(o.type, "sub");
  assert.deepEqual(o.endpoints, ["tcp://127.0.0.1:5556"]);
  assert.deepEqual(o.subscribe, ["10001", "20000"]);
  assert.equal(o.count, 3);
  assert.equal(o.format, "hex");
  assert.equal(o.bind, false);
  const c = parseArgs(["req", "--curve-server-key", "K", "--bind", "ipc:///tmp/x"]);
  assert.deepEqual(c.socketOptions, { curveServerKey: "K" });
  assert.equal(c.bind, true);
});

test("parseArgs: bad command lines say what is wrong", () => {
  assert.throws(
    () => parseArgs(["sock", "tcp://a:1"]),
    (e: Error) => e instanceof UsageError && /unknown socket type "sock"/.test(e.message),
  );
  assert.throws(() => parseArgs(["push"]), /needs an endpoint/);
  assert.throws(() => parseArgs(["push", "tcp://a:1", "extra"]), /"extra" is not an endpoint/);
  assert.throws(() => parseArgs(["pull", "tcp://a:1", "--count", "x"]), /--count takes a whole number/);
  assert.throws(() => parseArgs(["pull", "tcp://a:1", "--frobnicate"]), /unknown option --frobnicate/);
  assert.throws(() => parseArgs(["pull", "tcp://a:1", "-d"]), /--delimiter needs a value/);
});

test("format: text frames print as text, binary ones as 0x-hex, and parse back to the same bytes", () => {
  const message = [new Uint8Array([0, 0x80, 0xff]), bytes("hello world"), new Uint8Array(0), bytes("0x12")];
  const line = formatMessage(message, "\t", "auto");
  assert.equal(line, "0x0080ff\thello world\t\t0x30783132");
  assert.deepEqual(parseLine(line, "\t", "auto"), message);
  assert.equal(formatMessage([bytes("AB")], "|", "hex"), "4142");
  assert.deepEqual(parseLine("4142|00", "|", "hex"), [bytes("AB"), new Uint8Array([0])]);
  assert.throws(() => parseLine("zz", "\t", "hex"), /not hex/);
});

test("format: a text frame holding the delimiter prints as hex, so the line reads back as the same message", () => {
  const message = [bytes("a\tb"), bytes("plain text"), bytes("\uFEFFbom")];
  const line = formatMessage(message, "\t", "auto");
  assert.equal(line, "0x610962\tplain text\t0xefbbbf626f6d");
  assert.deepEqual(parseLine(line, "\t", "auto"), message);
  // The tail of a frame and the head of the delimiter must not make one earlier: "a:" + "::" + "b".
  assert.equal(formatMessage([bytes("a:"), bytes("b")], "::", "auto"), "0x613a::b");
  assert.equal(formatMessage([bytes("a,b")], "::", "auto"), "a,b");
});

test("parseArgs: a delimiter that a hex frame could hold is refused, except in text format", () => {
  assert.throws(() => parseArgs(["pull", "tcp://a:1", "-d", "0"]), /starts with a hex digit or x/);
  assert.throws(() => parseArgs(["pull", "tcp://a:1", "-f", "hex", "--delimiter=x"]), /starts with a hex digit or x/);
  assert.throws(() => parseArgs(["pull", "tcp://a:1", "-d", ""]), /--delimiter cannot be empty/);
  assert.equal(parseArgs(["pull", "tcp://a:1", "-d", "0", "-f", "text"]).delimiter, "0");
  assert.equal(parseArgs(["pull", "tcp://a:1", "-d", "\\t"]).delimiter, "\t");
});

test("omq push connects to a libzmq Pull: each stdin line is a message, tabs split frames", async () => {
  const pull = await zmq.socket("pull");
  const endpoint = await pull.bind(TCP);
  await using cli = new CliProcess(["push", endpoint]);
  cli.write("hello\tworld", "second", "");
  cli.end();
  assert.deepEqual(texts(await pull.receive()), ["hello", "world"]);
  assert.deepEqual(texts(await pull.receive()), ["second"]);
  assert.deepEqual(texts(await pull.receive()), [""]);
  assert.equal(await cli.exit(), 0);
  await pull.close();
});

test("omq rep --bind --echo on an ephemeral port serves a libzmq Request", async () => {
  await using cli = new CliProcess(["rep", "--bind", TCP, "--echo", "--count", "2"]);
  const bound = (await cli.waitLine(/^omq: bound /, { stream: "stderr" })).slice("omq: bound ".length);
  assert.match(bound, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  const req = await zmq.socket("req");
  await req.connect(bound);
  for (const body of ["ping", "pong"]) {
    await req.send(["one", body]);
    assert.deepEqual(texts(await req.receive()), ["one", body]);
  }
  assert.equal(await cli.exit(), 0);
  assert.deepEqual(cli.stdout, ["one\tping", "one\tpong"]);
  await req.close();
});

test("omq req talks CURVE to a libzmq Reply whose keys libzmq made", async () => {
  const server = await zmq.curveKeyPair();
  const rep = await zmq.socket("rep", { curveServer: true, curveSecretKey: server.secretKey });
  const endpoint = await rep.bind(TCP);
  await using cli = new CliProcess(["req", endpoint, "--curve-server-key", server.publicKey]);
  cli.write("secret question");
  assert.deepEqual(texts(await rep.receive()), ["secret question"]);
  await rep.send("secret answer");
  assert.equal(await cli.waitLine(/answer/), "secret answer");
  cli.end();
  assert.equal(await cli.exit(), 0);
  await rep.close();
});

test("omq sub with a prefix prints only the matching messages of a libzmq Publisher", async () => {
  const pub = await zmq.socket("pub");
  const endpoint = await pub.bind(TCP);
  await using cli = new CliProcess(["sub", endpoint, "10001", "--count", "3"]);
  // The subscription reaches the publisher some time after the connect: publish until three arrive.
  const publishing = (async () => {
    for (let i = 0; cli.stdout.length < 3 && i < 400; i++) {
      await pub.send(`20000 other ${i}`);
      await pub.send(`10001 weather ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  })();
  assert.equal(await cli.exit(), 0);
  await withTimeout(publishing, 15_000, "publisher loop");
  assert.equal(cli.stdout.length, 3);
  for (const line of cli.stdout) assert.match(line, /^10001 weather \d+$/);
  await pub.close();
});

test("omq pull --bind prints binary frames from a libzmq Push as hex", async () => {
  await using cli = new CliProcess(["pull", "--bind", TCP, "-n", "1", "-d", "|"]);
  const bound = (await cli.waitLine(/^omq: bound /, { stream: "stderr" })).slice("omq: bound ".length);
  const push = await zmq.socket("push");
  await push.connect(bound);
  await push.send([new Uint8Array([0, 1, 2, 254]), "text"]);
  assert.equal(await cli.exit(), 0);
  assert.deepEqual(cli.stdout, ["0x000102fe|text"]);
  await push.close();
});

test("omq with a bad command line exits 2 and says why; keygen prints a Z85 key pair", async () => {
  await using bad = new CliProcess(["pusher", "tcp://127.0.0.1:1"]);
  assert.equal(await bad.exit(), 2);
  assert.match(bad.stderr.join("\n"), /unknown socket type "pusher"/);
  await using keys = new CliProcess(["keygen"]);
  assert.equal(await keys.exit(), 0);
  assert.match(keys.stdout[0]!, /^public: .{40}$/);
  assert.match(keys.stdout[1]!, /^secret: .{40}$/);
});
