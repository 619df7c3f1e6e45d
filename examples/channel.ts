/**
 * CHANNEL (a libzmq draft type): PAIR for single-part messages, an
 * exclusive link between two sockets; here two halves of a program ping-pong
 * over inproc.
 *
 *   node --import tsx examples/channel.ts [endpoint] [rounds]
 *   deno run -A examples/channel.ts …   |   bun examples/channel.ts …
 *
 * Defaults: inproc://channel-example, 3 rounds.
 */
import process from "node:process";
import { Channel } from "../mod.ts";

const [endpoint = "inproc://channel-example", rounds = "3"] = process.argv.slice(2);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const left = new Channel();
await left.bind(endpoint);
const right = new Channel();
right.connect(left.lastEndpoint!);

for (let i = 0; i < Number(rounds); i++) {
  await left.send(`ping ${i}`);
  const [ping] = await right.receive();
  await right.send(decode(ping).replace("ping", "pong"));
  console.log(decode((await left.receive())[0]));
}
await Promise.all([left.close(), right.close()]);
