/**
 * Throughput with sender and receiver in two processes: `recv` binds, prints
 * its endpoint, receives `count` messages and prints the rate; `send`
 * connects and sends them. Started by bench/run.ts.
 *
 * @module
 */
import process from "node:process";
import * as omq from "../mod.ts";

const [role, impl, endpoint, sizeText, countText] = process.argv.slice(2);
const size = Number(sizeText);
const count = Number(countText);

interface AnySocket {
  bind(endpoint: string): Promise<void>;
  connect(endpoint: string): void;
  send(message: Uint8Array): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  close(): unknown;
  readonly lastEndpoint: string | null;
  linger: number;
}
const lib = (impl === "omq" ? omq : await import("zeromq")) as unknown as Record<string, new () => AnySocket>;

if (role === "recv") {
  const pull = new lib.Pull();
  await pull.bind(endpoint);
  console.log(pull.lastEndpoint);
  await pull.receive(); // the first message starts the clock
  const started = performance.now();
  // A sender that loses messages on exit must not hang the bench: give up after 10 s of silence.
  (pull as unknown as { receiveTimeout: number }).receiveTimeout = 10_000;
  let got = 1;
  try {
    for (; got < count; got++) await pull.receive();
    console.log(JSON.stringify({ rate: (count - 1) / ((performance.now() - started) / 1000) }));
  } catch {
    console.log(JSON.stringify({ rate: null, lost: count - got }));
  }
  pull.linger = 0;
  await pull.close();
} else {
  const push = new lib.Push();
  push.connect(endpoint);
  const message = new Uint8Array(size);
  for (let i = 0; i < count; i++) await push.send(message);
  push.linger = -1;
  await push.close();
  // zeromq.js closes in the background; give libzmq's I/O thread time to write what is queued.
  if (impl !== "omq") await new Promise((resolve) => setTimeout(resolve, 1000));
}
// zeromq.js flushes lingering messages only if the process ends by itself; omq's close()
// has already waited for them.
if (impl === "omq" || role === "recv") process.exit(0);
