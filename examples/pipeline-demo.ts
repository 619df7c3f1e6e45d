/**
 * The omq demo: a ventilator, four workers and a sink (the ZeroMQ guide's
 * parallel pipeline) over tcp, ipc and inproc at once. On Node one worker is
 * libzmq itself, through zeromq.js: the same wire, a different implementation.
 *
 *   npm run demo                            # Node, with a libzmq worker
 *   deno run -A examples/pipeline-demo.ts   # Deno
 *   bun examples/pipeline-demo.ts           # Bun
 *
 * @module
 */
import { Pull, Push } from "../mod.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const TASKS = 20_000;
const decoder = new TextDecoder();
const runtimeName = "Bun" in globalThis ? "Bun" : "Deno" in globalThis ? "Deno" : "Node";

interface Worker {
  readonly name: string;
  readonly transport: string;
  stop(): Promise<void>;
}

/** An omq worker: takes [id, n] tasks and sends [name, id, n²] to the sink. */
function omqWorker(name: string, tasksFrom: string, resultsTo: string): Worker {
  const tasks = new Pull();
  const results = new Push();
  tasks.connect(tasksFrom);
  results.connect(resultsTo);
  const loop = (async () => {
    for await (const [id, n] of tasks) {
      const value = Number(decoder.decode(n));
      await results.send([name, id, String(value * value)]);
    }
  })();
  return {
    name,
    transport: tasksFrom.split(":")[0],
    async stop() {
      await tasks.close();
      await loop;
      await results.close();
    },
  };
}

/** The same worker written against zeromq.js, i.e. libzmq 4.3 (Node only: it is a native addon). */
async function libzmqWorker(name: string, tasksFrom: string, resultsTo: string): Promise<Worker | null> {
  if (runtimeName !== "Node") return null;
  const zmq = await import("zeromq").catch(() => null);
  if (!zmq) return null;
  const tasks = new zmq.Pull({ linger: 0 });
  const results = new zmq.Push({ linger: 0 });
  tasks.connect(tasksFrom);
  results.connect(resultsTo);
  const loop = (async () => {
    try {
      for await (const [id, n] of tasks) {
        const value = Number(decoder.decode(n));
        await results.send([name, id, String(value * value)]);
      }
    } catch { /* the socket was closed */ }
  })();
  return {
    name,
    transport: "tcp",
    async stop() {
      tasks.close();
      await loop;
      results.close();
    },
  };
}

console.log(
  `omq pipeline demo on ${runtimeName}: ${TASKS} tasks, one ventilator, workers on tcp, ipc and inproc, one sink\n`,
);

const dir = mkdtempSync(join(tmpdir(), "omq-demo-"));
const sink = new Pull();
await sink.bind("tcp://127.0.0.1:*");
const results = sink.lastEndpoint!;

// One Push socket bound on three transports at once; tcp last so lastEndpoint is the tcp one.
const ventilator = new Push({ sendHighWaterMark: 100 });
await ventilator.bind(`ipc://${join(dir, "tasks.sock")}`);
await ventilator.bind("inproc://tasks");
await ventilator.bind("tcp://127.0.0.1:*");
console.log(`ventilator bound: ipc://${join(dir, "tasks.sock")}, inproc://tasks, ${ventilator.lastEndpoint}`);
console.log(`sink bound:       ${results}\n`);

const workers: Worker[] = [
  omqWorker("omq-inproc", "inproc://tasks", results),
  omqWorker("omq-ipc", `ipc://${join(dir, "tasks.sock")}`, results),
  omqWorker("omq-tcp", ventilator.lastEndpoint!, results),
];
const native = await libzmqWorker("libzmq-tcp", ventilator.lastEndpoint!, results);
if (native) workers.push(native);
else console.log("(libzmq worker skipped: zeromq.js runs on Node only)\n");

// Wait until every tcp/ipc worker has finished its handshake (inproc links at once), so the
// load balancer sees all of them from the first task.
let handshakes = workers.filter((w) => w.transport !== "inproc").length;
for await (const event of ventilator.events) {
  if (event.type === "handshake" && --handshakes === 0) break;
}

const started = performance.now();
const sending = (async () => {
  for (let i = 0; i < TASKS; i++) await ventilator.send([String(i), String(i % 1000)]);
})();

const perWorker = new Map<string, number>();
let checksum = 0;
for (let i = 0; i < TASKS; i++) {
  const [who, , square] = await sink.receive();
  const name = decoder.decode(who);
  perWorker.set(name, (perWorker.get(name) ?? 0) + 1);
  checksum += Number(decoder.decode(square));
}
await sending;
const ms = performance.now() - started;

let expected = 0;
for (let i = 0; i < TASKS; i++) expected += (i % 1000) ** 2;
console.log("worker        transport  tasks");
for (const w of workers) {
  console.log(`${w.name.padEnd(13)} ${w.transport.padEnd(10)} ${String(perWorker.get(w.name) ?? 0).padStart(5)}`);
}
console.log("(the ventilator round-robins over workers whose queue has room, so faster links take more)");
console.log(
  `\n${TASKS} tasks out and ${TASKS} results back in ${ms.toFixed(0)} ms (${
    Math.round(TASKS / ms * 1000)
  } round trips/s)`,
);
console.log(
  `checksum ${checksum === expected ? "ok" : `WRONG: ${checksum} != ${expected}`}: every result arrived exactly once`,
);

for (const s of [ventilator, sink]) s.linger = 0;
await Promise.all(workers.map((w) => w.stop()));
await ventilator.close();
await sink.close();
rmSync(dir, { recursive: true, force: true });
if (checksum !== expected) throw new Error("the demo lost or duplicated results");
