/**
 * One benchmark case, run by bench/worker.ts on any runtime, for omq or for
 * zeromq.js (libzmq). Each returns what it measured; bench/run.ts compares.
 *
 * @module
 */
import * as omq from "../mod.ts";

export type Impl = "omq" | "zeromq.js";
export type Transport = "tcp" | "ipc" | "inproc";

export interface ThroughputCase {
  kind: "throughput";
  transport: Transport;
  size: number;
  count: number;
}
export interface LatencyCase {
  kind: "latency";
  transport: Transport;
  size: number;
  count: number;
}
export type Case = ThroughputCase | LatencyCase;

export interface Result {
  /** Messages per second (throughput) or microseconds p50 / p99 (latency). */
  rate?: number;
  p50?: number;
  p99?: number;
}

/** Minimal shape shared by omq and zeromq.js sockets, as used here. */
interface AnySocket {
  bind(endpoint: string): Promise<void>;
  connect(endpoint: string): void;
  send(message: Uint8Array | Uint8Array[]): Promise<void>;
  receive(): Promise<Uint8Array[]>;
  close(): unknown;
  readonly lastEndpoint: string | null;
  linger: number;
}

interface Factory {
  push(): AnySocket;
  pull(): AnySocket;
  req(): AnySocket | null;
  rep(): AnySocket | null;
}

let seq = 0;
function endpoint(transport: Transport, dir: string): string {
  seq++;
  if (transport === "tcp") return "tcp://127.0.0.1:*";
  if (transport === "ipc") return `ipc://${dir}/b${seq}.sock`;
  return `inproc://bench-${seq}`;
}

async function factory(impl: Impl): Promise<Factory> {
  if (impl === "omq") {
    const o = omq as unknown as Record<string, new () => AnySocket>;
    return {
      push: () => new o.Push(),
      pull: () => new o.Pull(),
      req: () => (o.Request ? new o.Request() : null),
      rep: () => (o.Reply ? new o.Reply() : null),
    };
  }
  const zmq = await import("zeromq") as unknown as Record<string, new () => AnySocket>;
  return {
    push: () => new zmq.Push(),
    pull: () => new zmq.Pull(),
    req: () => new zmq.Request(),
    rep: () => new zmq.Reply(),
  };
}

async function closeAll(...sockets: AnySocket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

/** `await send` and `await receive` per message, sender and receiver in this process. */
async function throughput(f: Factory, c: ThroughputCase, dir: string): Promise<Result> {
  const pull = f.pull();
  const push = f.push();
  await pull.bind(endpoint(c.transport, dir));
  push.connect(pull.lastEndpoint!);
  const message = new Uint8Array(c.size);
  await push.send(message);
  await pull.receive();
  const started = performance.now();
  await Promise.all([
    (async () => {
      for (let i = 0; i < c.count; i++) await push.send(message);
    })(),
    (async () => {
      for (let i = 0; i < c.count; i++) await pull.receive();
    })(),
  ]);
  const seconds = (performance.now() - started) / 1000;
  await closeAll(push, pull);
  return { rate: c.count / seconds };
}

/** Request/Reply round trips, one at a time; microseconds. */
async function latency(f: Factory, c: LatencyCase, dir: string): Promise<Result> {
  const rep = f.rep();
  const req = f.req();
  if (!rep || !req) return {};
  await rep.bind(endpoint(c.transport, dir));
  req.connect(rep.lastEndpoint!);
  const message = new Uint8Array(c.size);
  const serving = (async () => {
    for (let i = 0; i < c.count + 10; i++) await rep.send(await rep.receive());
  })();
  const times: number[] = [];
  for (let i = 0; i < c.count + 10; i++) {
    const t = performance.now();
    await req.send(message);
    await req.receive();
    if (i >= 10) times.push((performance.now() - t) * 1000);
  }
  await serving;
  await closeAll(req, rep);
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] };
}

/** Runs one case. */
export async function runCase(impl: Impl, c: Case, dir: string): Promise<Result> {
  const f = await factory(impl);
  return c.kind === "throughput" ? await throughput(f, c, dir) : await latency(f, c, dir);
}
