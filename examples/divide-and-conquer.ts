/**
 * Divide and conquer in one command: a sink, two workers and a ventilator
 * (examples/sink.ts, worker.ts, ventilator.ts) as four processes. The
 * ventilator pushes 40 tasks, the workers share them, the sink collects the
 * results; each worker stops after 1.5 s without a task.
 *
 *   node --import tsx examples/divide-and-conquer.ts
 *   deno run -A examples/divide-and-conquer.ts   |   bun examples/divide-and-conquer.ts
 *
 * @module
 */
import process from "node:process";
import { ipcEndpoint, launch } from "./launch.ts";

const tasks = ipcEndpoint("tasks");
const results = ipcEndpoint("results");
const ok = await launch([
  { name: "sink", script: "sink", args: [results], awaited: true },
  { name: "worker 1", script: "worker", args: [tasks, results, "1500"], awaited: true },
  { name: "worker 2", script: "worker", args: [tasks, results, "1500"], awaited: true },
  { name: "ventilator", script: "ventilator", args: [tasks, results, "40", "2"], awaited: true },
]);
process.exitCode = ok ? 0 : 1;
