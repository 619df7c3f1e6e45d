/**
 * RADIO/DISH (RFC 48, a libzmq draft type): a Radio sends to groups, and
 * each Dish receives only the groups it joined (the radio filters).
 *
 *   node --import tsx examples/radio-dish.ts [endpoint] [messages]
 *   deno run -A examples/radio-dish.ts …   |   bun examples/radio-dish.ts …
 *
 * Defaults: tcp://127.0.0.1:5561, 5 messages per group. Talks to libzmq's
 * draft RADIO and DISH too (zeromq.js's `zeromq/draft`).
 */
import process from "node:process";
import { Dish, Radio } from "../mod.ts";

const [endpoint = "tcp://127.0.0.1:5561", count = "5"] = process.argv.slice(2);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const radio = new Radio();
await radio.bind(endpoint);
const dish = new Dish();
dish.connect(radio.lastEndpoint!);
dish.join("weather", "traffic");

// A join reaches the radio a moment after it is made, and what the radio sends before
// that is not for this dish: as with PUB/SUB, wait for the first message to come through.
const first = dish.receive();
let arrived = false;
first.then(() => (arrived = true), () => {});
while (!arrived) {
  await radio.send("hello", { group: "weather" });
  await new Promise((resolve) => setTimeout(resolve, 10));
}
await first;
await radio.send("start", { group: "traffic" });
for (;;) if (decode((await dish.receive())[0]) === "start") break;

for (let i = 0; i < Number(count); i++) {
  await radio.send(`${15 + i} degrees`, { group: "weather" });
  await radio.send(`goal ${i}`, { group: "sport" }); // not joined: never arrives
  await radio.send(`jam on road ${i}`, { group: "traffic" });
}
for (let i = 0; i < 2 * Number(count); i++) {
  const [message, { group }] = await dish.receive();
  console.log(`${decode(group)}: ${decode(message)}`);
}
await Promise.all([radio.close(), dish.close()]);
