/**
 * Task sink (the guide's tasksink): waits for the ventilator's count, then
 * collects that many results and prints the elapsed time.
 *
 *   node --import tsx examples/sink.ts [endpoint]
 *   deno run -A examples/sink.ts …   |   bun examples/sink.ts …
 */
import process from "node:process";
import { Pull } from "../mod.ts";

const [endpoint = "tcp://*:5558"] = process.argv.slice(2);
const receiver = new Pull();
await receiver.bind(endpoint);

const [count] = await receiver.receive();
const expected = Number(new TextDecoder().decode(count));
const started = performance.now();
for (let i = 0; i < expected; i++) await receiver.receive();
console.log(`Received ${expected} results. Total elapsed time: ${(performance.now() - started).toFixed(0)} ms`);
await receiver.close();
