/**
 * Weather update server (the guide's wuserver): publishes random
 * "zipcode temperature humidity" updates.
 *
 *   node --import tsx examples/weather-server.ts [endpoint] [seconds]
 *   deno run -A examples/weather-server.ts …   |   bun examples/weather-server.ts …
 *
 * Defaults: tcp://*:5556 for 60 seconds. Over reliable multicast, only the endpoint changes:
 *   node --import tsx examples/weather-server.ts "epgm://127.0.0.1;239.192.1.1:5556"
 */
import process from "node:process";
import { Publisher } from "../mod.ts";

const [endpoint = "tcp://*:5556", seconds = "60"] = process.argv.slice(2);
const publisher = new Publisher();
await publisher.bind(endpoint);

const until = Date.now() + Number(seconds) * 1000;
const random = (n: number) => Math.floor(Math.random() * n);
while (Date.now() < until) {
  for (let i = 0; i < 1000; i++) {
    const zipcode = String(random(100_000)).padStart(5, "0");
    await publisher.send(`${zipcode} ${random(215) - 80} ${random(50) + 10}`);
  }
  // Zip 10001 now and then so a client filtering on it hears something soon, then let I/O run.
  await publisher.send(`10001 ${random(215) - 80} ${random(50) + 10}`);
  await new Promise((resolve) => setTimeout(resolve, 1));
}
publisher.linger = 0;
await publisher.close();
