/**
 * Weather updates in one command: starts examples/weather-server.ts and two
 * examples/weather-client.ts processes, each subscribed to one zip code; the
 * clients average five updates each and exit, then the server is stopped.
 *
 *   node --import tsx examples/weather.ts
 *   deno run -A examples/weather.ts   |   bun examples/weather.ts
 *
 * @module
 */
import process from "node:process";
import { ipcEndpoint, launch } from "./launch.ts";

const endpoint = ipcEndpoint("weather");
const ok = await launch([
  { name: "server", script: "weather-server", args: [endpoint, "60"], awaited: false },
  { name: "client 10001", script: "weather-client", args: [endpoint, "10001", "5"], awaited: true },
  { name: "client 10002", script: "weather-client", args: [endpoint, "10002", "5"], awaited: true },
]);
process.exitCode = ok ? 0 : 1;
