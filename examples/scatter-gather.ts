/**
 * SCATTER/GATHER (RFC 49, a libzmq draft type): the pipeline pattern for
 * single-part messages. A Scatter spreads tasks over the Gathers connected
 * to it, round-robin.
 *
 *   node --import tsx examples/scatter-gather.ts [endpoint] [tasks]
 *   deno run -A examples/scatter-gather.ts …   |   bun examples/scatter-gather.ts …
 *
 * Defaults: tcp://127.0.0.1:5562, 10 tasks over two workers. Talks to
 * libzmq's draft SCATTER and GATHER too (zeromq.js's `zeromq/draft`).
 */
import process from "node:process";
import { Gather, Scatter } from "../mod.ts";

const [endpoint = "tcp://127.0.0.1:5562", count = "10"] = process.argv.slice(2);

const scatter = new Scatter();
await scatter.bind(endpoint);
const workers = [new Gather(), new Gather()];
let connected = 0;
for (const worker of workers) worker.connect(scatter.lastEndpoint!);
// Wait for both workers, so the tasks are shared between them.
for await (const event of scatter.events) if (event.type === "handshake" && ++connected === workers.length) break;

for (let i = 0; i < Number(count); i++) await scatter.send(`task ${i}`);
const done = await Promise.all(workers.map(async (worker) => {
  const tasks: string[] = [];
  for (let i = 0; i < Number(count) / workers.length; i++) {
    tasks.push(new TextDecoder().decode((await worker.receive())[0]));
  }
  return tasks;
}));
done.forEach((tasks, i) => console.log(`worker ${i}: ${tasks.join(", ")}`));
await Promise.all([scatter, ...workers].map((s) => s.close()));
