/**
 * The sending thread of bench/threads.ts: a Push (omq's, or zeromq.js's on
 * Node) connected to the benchmark's inproc endpoint, which the main thread
 * binds. Sends one warm-up message, then `count` messages of `size` bytes,
 * closes and lets the thread end (zeromq.js aborts the process when a thread
 * holding its sockets is terminated).
 *
 * @module
 */
import { threadData } from "../examples/mtserver-thread.ts";
import { Push } from "../mod.ts";

const { impl, endpoint, size, count } = threadData<{ impl: string; endpoint: string; size: number; count: number }>();

interface Sender {
  connect(endpoint: string): void;
  send(message: Uint8Array | string): Promise<void>;
  close(): unknown;
}

const push: Sender = impl === "zeromq.js" ? new (await import("zeromq")).Push() : new Push();
push.connect(endpoint);
await push.send("warm-up");
// One buffer for every message, as bench/cases.ts: across threads each send copies it anyway.
const message = new Uint8Array(size);
for (let i = 0; i < count; i++) await push.send(message);
await push.close();
