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
const frontend = new Router();
const backend = new Dealer();
await frontend.bind(frontAt);
await backend.bind(backAt);
console.log(`Queue: clients on ${frontAt}, workers on ${backAt}`);

const queue = new Proxy(frontend, backend);
const timer = setTimeout(() => queue.terminate(), Number(seconds) * 1000);
await queue.run();
clearTimeout(timer);
frontend.linger = 0;
backend.linger = 0;
await frontend.close();
await backend.close();
