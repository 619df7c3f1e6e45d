// `omq radio` and `omq dish` over udp://, against omq sockets in this process: a dish binds its
// udp endpoints and a radio connects them, whatever --bind says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Dish, Radio } from "../../mod.ts";
import { parseArgs } from "../../cli/args.ts";
import { CliProcess } from "../support/cli.ts";
import { eventually, text, withTimeout } from "../support/util.ts";

test("parseArgs: --multicast-hops is the radio's multicastHops", () => {
  assert.deepEqual(parseArgs(["radio", "udp://239.1.1.1:5556", "--multicast-hops", "3"]).socketOptions, {
    multicastHops: 3,
  });
});

test("omq dish udp://127.0.0.1:* binds and prints the joined groups an omq Radio sends", async () => {
  await using cli = new CliProcess(["dish", "udp://127.0.0.1:*", "weather", "--count", "2"]);
  const line = await cli.waitLine(/^omq: bound /, { stream: "stderr" });
  const endpoint = line.slice("omq: bound ".length);
  assert.match(endpoint, /^udp:\/\/127\.0\.0\.1:\d+$/);
  const radio = new Radio({ linger: 0 });
  radio.connect(endpoint);
  // The dish joins just after it binds: send until it prints.
  await eventually(async () => {
    await radio.send("sport", { group: "sport" });
    await radio.send("first", { group: "weather" });
    return cli.stdout.length > 0;
  }, { timeout: 20_000, interval: 50 });
  await radio.send("second", { group: "weather" });
  assert.equal(await cli.exit(), 0);
  assert.equal(cli.stdout[0], "weather\tfirst");
  assert.match(cli.stdout[1], /^weather\t(first|second)$/, "nothing from sport");
  await radio.close();
});

test("omq radio udp://host:port connects and sends group<TAB>message lines to an omq Dish", async () => {
  const dish = new Dish({ linger: 0 });
  await dish.bind("udp://127.0.0.1:*");
  dish.join("news");
  await using cli = new CliProcess(["radio", "--bind", dish.lastEndpoint!]);
  cli.write("sport\tnot this", "news\tthis");
  cli.end();
  const [frame, { group }] = await withTimeout(dish.receive(), 20_000, "the news line");
  assert.equal(text(group), "news");
  assert.equal(text(frame), "this");
  assert.equal(await cli.exit(), 0);
  await dish.close();
});
