/**
 * The request-reply broker in one command: examples/queue-device.ts (a
 * Router/Dealer proxy), two workers (examples/hello-server.ts connecting to
 * its back end) and two clients (examples/hello-client.ts connecting to its
 * front end), five processes. Each client sends three requests; once both
 * are answered, the device and the workers are stopped.
 *
 *   node --import tsx examples/queue.ts
 *   deno run -A examples/queue.ts   |   bun examples/queue.ts
 *
 * @module
 */
import process from "node:process";
import { ipcEndpoint, launch } from "./launch.ts";

const front = ipcEndpoint("front");
const back = ipcEndpoint("back");
const ok = await launch([
  { name: "queue", script: "queue-device", args: [front, back, "60"], awaited: false },
  // Workers serve until stopped; clients start once both are connected, so the Dealer spreads requests over both.
  { name: "worker 1", script: "hello-server", args: [back, "1000", "--connect"], awaited: false, ready: /Connected/ },
  { name: "worker 2", script: "hello-server", args: [back, "1000", "--connect"], awaited: false, ready: /Connected/ },
  { name: "client 1", script: "hello-client", args: [front, "3"], awaited: true },
  { name: "client 2", script: "hello-client", args: [front, "3"], awaited: true },
]);
process.exitCode = ok ? 0 : 1;
