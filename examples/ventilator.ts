/**
 * Task ventilator (the guide's taskvent): pushes tasks to the workers and
 * tells the sink how many to expect.
 *
 *   node --import tsx examples/ventilator.ts [tasks-endpoint] [sink-endpoint] [tasks] [workers]
 *   deno run -A examples/ventilator.ts …   |   bun examples/ventilator.ts …
 *
 * Start the sink and the workers first; the ventilator waits for `workers`
 * workers (default 1) to connect before it sends.
 */
import process from "node:process";
import { Push } from "../mod.ts";

const [tasksAt = "tcp://*:5557", sinkAt = "tcp://localhost:5558", count = "100", workers = "1"] = process.argv.slice(2);
const sender = new Push();
await sender.bind(tasksAt);
const sink = new Push();
sink.connect(sinkAt);

// Tell the sink how many results to expect, once it is surely connected.
for await (const event of sink.events) if (event.type === "handshake") break;
await sink.send(["start", count]);
// Wait for the workers to be connected, so the first tasks do not all go to the first one.
let connected = 0;
for await (const event of sender.events) if (event.type === "handshake" && ++connected === Number(workers)) break;

let totalMs = 0;
for (let i = 0; i < Number(count); i++) {
  const workload = 1 + Math.floor(Math.random() * 10);
  totalMs += workload;
  await sender.send(String(workload));
}
console.log(`Total expected cost: ${totalMs} ms`);
await sender.close();
await sink.close();
