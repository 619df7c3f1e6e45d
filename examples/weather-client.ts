/**
 * Weather update client (the guide's wuclient): subscribes to one zip code and
 * averages the temperature over a number of updates.
 *
 *   node --import tsx examples/weather-client.ts [endpoint] [zipcode] [updates]
 *   deno run -A examples/weather-client.ts …   |   bun examples/weather-client.ts …
 *
 * Over reliable multicast, only the endpoint changes (interface;group:port):
 *   node --import tsx examples/weather-client.ts "epgm://127.0.0.1;239.192.1.1:5556"
 */
import process from "node:process";
import { Subscriber } from "../mod.ts";

const [endpoint = "tcp://localhost:5556", zipcode = "10001", updates = "10"] = process.argv.slice(2);
const subscriber = new Subscriber();
subscriber.connect(endpoint);
subscriber.subscribe(`${zipcode} `);
console.log(`Collecting updates from the weather server for ${zipcode}…`);

let total = 0;
for (let i = 0; i < Number(updates); i++) {
  const [update] = await subscriber.receive();
  const [, temperature] = new TextDecoder().decode(update).split(" ");
  total += Number(temperature);
}
console.log(`Average temperature for zipcode '${zipcode}' was ${(total / Number(updates)).toFixed(1)}F`);
await subscriber.close();
