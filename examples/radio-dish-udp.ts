/**
 * RADIO/DISH over udp:// (a libzmq draft type and transport): each message
 * is one datagram carrying its group, and a Dish keeps only the groups it
 * joined. A Dish binds the udp endpoint, a Radio connects to it; there is no
 * handshake, so nothing is lost waiting for a join. With a multicast group
 * (udp://239.1.1.1:5562, or udp://eth0;239.1.1.1:5562 to pick the
 * interface) every Dish bound to it on the network hears every Radio.
 *
 *   node --import tsx examples/radio-dish-udp.ts [endpoint] [messages]
 *   deno run -A examples/radio-dish-udp.ts …   |   bun examples/radio-dish-udp.ts …
 *
 * Defaults: udp://127.0.0.1:* (a port the kernel picks), 5 messages per group.
 * Talks to libzmq's draft RADIO and DISH over udp too.
 */
import process from "node:process";
import { Dish, Radio } from "../mod.ts";

const [endpoint = "udp://127.0.0.1:*", count = "5"] = process.argv.slice(2);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const dish = new Dish();
await dish.bind(endpoint);
dish.join("weather", "traffic");
console.log(`dish bound at ${dish.lastEndpoint}`);

const radio = new Radio({ multicastHops: 1 });
radio.connect(dish.lastEndpoint!);
for (let i = 0; i < Number(count); i++) {
  await radio.send(`${15 + i} degrees`, { group: "weather" });
  await radio.send(`goal ${i}`, { group: "sport" }); // not joined: the dish drops it
  await radio.send(`jam on road ${i}`, { group: "traffic" });
}
for (let i = 0; i < 2 * Number(count); i++) {
  const [message, { group }] = await dish.receive();
  console.log(`${decode(group)}: ${decode(message)}`);
}
await Promise.all([radio.close(), dish.close()]);
