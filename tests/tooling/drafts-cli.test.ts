// `omq` with libzmq's draft types, each against omq sockets in this process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, Dish, Gather, Peer, Radio } from "../../mod.ts";
import { parseArgs, UsageError } from "../../cli/args.ts";
import { CliProcess } from "../support/cli.ts";
import { eventually, text, withTimeout } from "../support/util.ts";

const TCP = "tcp://127.0.0.1:*";

async function bound(cli: CliProcess): Promise<string> {
  return (await cli.waitLine(/^omq: bound /, { stream: "stderr" })).slice("omq: bound ".length);
}

test("parseArgs: a dish joins positional and --join groups, and needs one", () => {
  const o = parseArgs(["dish", "tcp://127.0.0.1:5556", "weather", "-j", "news"]);
  assert.equal(o.type, "dish");
  assert.deepEqual(o.subscribe, ["weather", "news"]);
  assert.throws(() => parseArgs(["dish", "tcp://127.0.0.1:5556"]), UsageError);
  assert.throws(() => parseArgs(["client", "tcp://127.0.0.1:5556", "extra"]), UsageError);
});

test("omq server --bind --echo answers omq Clients; it prints the routing id and the message", async () => {
  await using cli = new CliProcess(["server", "--bind", TCP, "--echo", "--count", "2"]);
  const endpoint = await bound(cli);
  const client = new Client({ linger: 0 });
  client.connect(endpoint);
  for (const body of ["ping\twith a tab", "pong"]) {
    await client.send(body);
    assert.deepEqual((await withTimeout(client.receive(), 20_000, body)).map(text), [body]);
  }
  assert.equal(await cli.exit(), 0);
  assert.equal(cli.stdout.length, 2);
  assert.match(cli.stdout[0], /^\d+\tping\twith a tab$/);
  await client.close();
});

test("omq dish prints only the joined groups an omq Radio sends, as group<TAB>message", async () => {
  const radio = new Radio({ linger: 0 });
  await radio.bind(TCP);
  await using cli = new CliProcess(["dish", radio.lastEndpoint!, "weather", "--count", "2"]);
  // Until the radio knows the join, what it sends is dropped: send until the dish prints.
  await eventually(async () => {
    await radio.send("sport", { group: "sport" });
    await radio.send("first", { group: "weather" });
    return cli.stdout.length > 0;
  }, { timeout: 20_000, interval: 50 });
  await radio.send("second", { group: "weather" });
  assert.equal(await cli.exit(), 0);
  assert.equal(cli.stdout.length, 2);
  assert.equal(cli.stdout[0], "weather\tfirst");
  assert.match(cli.stdout[1], /^weather\t(first|second)$/, "nothing from sport");
  await radio.close();
});

test("omq radio sends group<TAB>message lines to an omq Dish", async () => {
  await using cli = new CliProcess(["radio", "--bind", TCP]);
  const dish = new Dish();
  dish.connect(await bound(cli));
  dish.join("news");
  const first = dish.receive();
  let n = 0;
  await eventually(async () => {
    cli.write(`sport\tnot this ${n}`, `news\tlate ${n++}`);
    return await Promise.race([first.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 50))]);
  }, { timeout: 20_000 });
  const [frame, { group }] = await first;
  assert.equal(text(group), "news");
  assert.match(text(frame), /^late \d+$/);
  cli.end();
  assert.equal(await cli.exit(), 0);
  await dish.close();
});

test("omq scatter sends each line as one frame to an omq Gather", async () => {
  const gather = new Gather({ linger: 0 });
  await gather.bind(TCP);
  await using cli = new CliProcess(["scatter", gather.lastEndpoint!]);
  cli.write("a\tb", "c");
  cli.end();
  assert.deepEqual((await withTimeout(gather.receive(), 20_000, "a\\tb")).map(text), ["a\tb"]);
  assert.deepEqual((await withTimeout(gather.receive(), 20_000, "c")).map(text), ["c"]);
  assert.equal(await cli.exit(), 0);
  await gather.close();
});

test("omq peer says the routing id of each endpoint it connects to, and sends id<TAB>message", async () => {
  const other = new Peer({ linger: 0 });
  await other.bind(TCP);
  await using cli = new CliProcess(["peer", other.lastEndpoint!, "--count", "1"]);
  const id = (await cli.waitLine(/ is routing id \d+$/, { stream: "stderr" })).split(" ").pop()!;
  cli.write(`${id}\thello`);
  const [hello, { routingId }] = await withTimeout(other.receive(), 20_000, "hello");
  assert.equal(text(hello), "hello");
  await other.send("back", { routingId });
  assert.equal(await cli.exit(), 0);
  assert.deepEqual(cli.stdout, [`${id}\tback`]);
  await other.close();
});
