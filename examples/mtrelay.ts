/**
 * Multithreaded relay (the ZeroMQ guide's mtrelay): three steps signal each
 * other in a chain over PAIR sockets on inproc, each step in a thread of its
 * own. Step 1 (a worker thread) tells step 2 (another worker) it is ready;
 * step 2 passes it on to step 3, this main thread. The workers are in
 * examples/mtrelay-step.ts; the threads start in any order, as inproc binds
 * and connects in either order across threads.
 *
 *   node --import tsx examples/mtrelay.ts
 *   deno run -A examples/mtrelay.ts   |   bun examples/mtrelay.ts
 *
 * @module
 */
import { Pair } from "../mod.ts";
import { startThread } from "./mtserver-thread.ts";

// Step 3: bind before starting the others (any order works, this is the guide's).
const receiver = new Pair();
await receiver.bind("inproc://step3");
const step = new URL("./mtrelay-step.ts", import.meta.url);
const threads = [startThread(step, { step: 2 }), startThread(step, { step: 1 })];

const [signal] = await receiver.receive();
console.log(`Test successful: ${new TextDecoder().decode(signal)}`);
await receiver.close();
await Promise.all(threads.map((thread) => thread.terminate()));
