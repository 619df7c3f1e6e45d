/**
 * Task worker (the guide's taskwork): takes a task (milliseconds of work),
 * does it, reports to the sink. Stops after `idle` ms without a task.
 *
 *   node --import tsx examples/worker.ts [tasks-endpoint] [sink-endpoint] [idle-ms]
 *   deno run -A examples/worker.ts …   |   bun examples/worker.ts …
 */
import process from "node:process";
import { Pull, Push } from "../mod.ts";

const [tasksAt = "tcp://localhost:5557", sinkAt = "tcp://localhost:5558", idle = "2000"] = process.argv.slice(2);
const receiver = new Pull({ receiveTimeout: Number(idle) });
receiver.connect(tasksAt);
const sender = new Push();
sender.connect(sinkAt);

let done = 0;
try {
  for await (const [task] of receiver) {
    await new Promise((resolve) => setTimeout(resolve, Number(new TextDecoder().decode(task))));
    await sender.send("done");
    done++;
  }
} catch (err) {
  if ((err as { code?: string }).code !== "EAGAIN") throw err; // idle for too long: we are finished
}
console.log(`Worker did ${done} tasks`);
await receiver.close();
await sender.close();
