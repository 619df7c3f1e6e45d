/**
 * One worker of examples/mtserver.ts, in a thread of its own: a Reply
 * connected to `inproc://workers`, which the server's Dealer binds in the main
 * thread. Importing omq is all it takes to reach it.
 *
 * Each request is a number of milliseconds of CPU work ("Hello": 1 ms): the
 * work is CPU-bound on purpose, so more workers use more cores.
 */
import { Reply } from "../mod.ts";
import { threadData } from "./mtserver-thread.ts";

const { id } = threadData<{ id: number }>();
const decoder = new TextDecoder();

/** Keeps this thread's core busy for `ms` milliseconds. */
function work(ms: number): number {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) for (let i = 0; i < 1000; i++) x = (x * 31 + i) | 0;
  return x;
}

const responder = new Reply();
responder.connect("inproc://workers");
for await (const [request] of responder) {
  const ms = Number(decoder.decode(request));
  work(Number.isFinite(ms) && ms > 0 ? ms : 1);
  await responder.send(`World from worker ${id}`);
}
