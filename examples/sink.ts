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

// Results come from the workers on other connections, so one may overtake the ventilator's
// ["start", count]: count them all until the expected number is known and reached.
let expected = Infinity;
let results = 0;
const started = performance.now();
while (results < expected) {
  const [kind, count] = await receiver.receive();
  if (new TextDecoder().decode(kind) === "start") expected = Number(new TextDecoder().decode(count));
  else results++;
}
console.log(`Received ${expected} results. Total elapsed time: ${(performance.now() - started).toFixed(0)} ms`);
await receiver.close();
