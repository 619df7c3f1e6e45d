/**
 * Request-reply broker (the guide's msgqueue): a QUEUE device, Router in front
 * for clients, Dealer behind for workers, joined by `proxy`.
 *
 *   node --import tsx examples/queue-device.ts [frontend] [backend] [seconds]
 *   deno run -A examples/queue-device.ts …   |   bun examples/queue-device.ts …
 *
 * Clients: examples/hello-client.ts connecting to the frontend.
 * Workers: examples/hello-server.ts with --connect to the backend.
 */
import process from "node:process";
import { Dealer, Proxy, Router } from "../mod.ts";

const [frontAt = "tcp://*:5559", backAt = "tcp://*:5560", seconds = "60"] = process.argv.slice(2);
const frontend = new Router({ linger: 0 });
const backend = new Dealer({ linger: 0 });
await frontend.bind(frontAt);
await backend.bind(backAt);
console.log(`Queue: clients on ${frontAt}, workers on ${backAt}`);

// Runs until terminated, then closes both sockets (as zeromq.js's Proxy does).
const queue = new Proxy(frontend, backend);
const timer = setTimeout(() => queue.terminate(), Number(seconds) * 1000);
await queue.run();
clearTimeout(timer);
