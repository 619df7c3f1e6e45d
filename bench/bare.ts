/**
 * What a runtime's own sockets carry for large messages: one process, a
 * loopback tcp pair, the sender writing the same body again and again, the
 * receiver reading each message straight into a fresh buffer of its size (and
 * keeping the last one, as omq's decoder does). No ZMTP, no promises per
 * message. Compare its MB/s with omq's on the same runtime:
 *
 * ```sh
 * node --import tsx bench/bare.ts 1000000 3000
 * node_modules/.bin/bun bench/bare.ts 1000000 3000
 * node_modules/.bin/deno run -A bench/bare.ts 1000000 3000
 * node --import tsx bench/worker.ts omq '[{"kind":"throughput","transport":"tcp","size":1000000,"count":3000}]'
 * ```
 *
 * Node reads with `onread` (into the buffer given), Deno with `read(buffer)`;
 * Bun's own `Bun.connect` hands out a fresh chunk per read, which is copied.
 *
 * Bodies are allocated uninitialised where the runtime offers it
 * (`Buffer.allocUnsafeSlow`; Deno's zeroes anyway), as omq's are.
 *
 * On Node, two flags move the system calls of one end of the pair off the main
 * thread, as libzmq's I/O thread takes them off zeromq.js's JavaScript thread:
 * `--worker-read` moves the receiving socket into a worker thread, which
 * transfers each filled body (no copy) to the main thread; `--worker-write`
 * moves the sending socket into a worker, the main thread only reading. Given
 * both, the main thread only takes the bodies
 * (`node --import tsx bench/bare.ts 100000 30000 --worker-read`).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import process from "node:process";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const workerRead = process.argv.includes("--worker-read");
const workerWrite = process.argv.includes("--worker-write");
const size = Number(args[0] ?? 1_000_000);
const count = Number(args[1] ?? 3000);
const payload = new Uint8Array(size).fill(3);

/** A message-sized body whose bytes the kernel is about to write. */
function freshBody(): Uint8Array {
  const b = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(b.buffer, b.byteOffset, size);
}

/** Counts bytes into fresh message-sized buffers; resolves with MB/s once `count` messages arrived. */
class Receiver {
  body = freshBody();
  offset = 0;
  received = 0;
  last: Uint8Array | null = null;
  #start = performance.now();
  #done: (mbps: number) => void = () => {};
  finished = new Promise<number>((resolve) => (this.#done = resolve));

  /** Bytes the runtime wrote into `this.body` at `this.offset`. */
  filled(n: number): void {
    this.offset += n;
    this.received += n;
    if (this.offset === size) {
      this.last = this.body;
      this.body = freshBody();
      this.offset = 0;
    }
    this.#check();
  }

  /** A whole body filled elsewhere (the worker of `--worker-read`). */
  took(body: Uint8Array): void {
    this.last = body;
    this.received += body.byteLength;
    this.#check();
  }

  #check(): void {
    if (this.received === size * count) this.#done(this.received / (performance.now() - this.#start) / 1000);
  }

  /** A chunk the runtime allocated: copied into the bodies. */
  copy(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.byteLength;) {
      const n = Math.min(size - this.offset, chunk.byteLength - i);
      this.body.set(chunk.subarray(i, i + n), this.offset);
      i += n;
      this.filled(n);
    }
  }
}

interface BunSocket {
  write(data: Uint8Array): number;
  setNoDelay?(on: boolean): boolean;
}
interface BunApi {
  listen(o: Record<string, unknown>): { port: number; stop(all?: boolean): void };
  connect(o: Record<string, unknown>): Promise<BunSocket>;
}
interface DenoConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  close(): void;
}
interface DenoApi {
  listen(o: { hostname: string; port: number }): { addr: { port: number }; accept(): Promise<DenoConn>; close(): void };
  connect(o: { hostname: string; port: number }): Promise<DenoConn>;
}
const g = globalThis as unknown as { Bun?: BunApi; Deno?: DenoApi };

async function bun(api: BunApi): Promise<number> {
  let sent = 0, at = 0;
  const pump = (s: BunSocket) => {
    while (sent < count) {
      const n = s.write(at === 0 ? payload : payload.subarray(at));
      if (n < 0) return;
      at += n;
      if (at < size) return; // the rest after `drain`
      at = 0;
      sent++;
    }
  };
  const open = (s: BunSocket) => {
    s.setNoDelay?.(true);
    pump(s);
  };
  const server = api.listen({ hostname: "127.0.0.1", port: 0, socket: { open, drain: pump, data() {} } });
  const rx = new Receiver();
  await api.connect({
    hostname: "127.0.0.1",
    port: server.port,
    socket: { data: (_s: unknown, chunk: Uint8Array) => rx.copy(chunk), open() {} },
  });
  const mbps = await rx.finished;
  server.stop(true);
  return mbps;
}

async function deno(api: DenoApi): Promise<number> {
  const listener = api.listen({ hostname: "127.0.0.1", port: 0 });
  const rx = new Receiver();
  const sending = (async () => {
    const conn = await listener.accept();
    for (let i = 0; i < count; i++) {
      for (let at = 0; at < size;) at += await conn.write(payload.subarray(at));
    }
    conn.close();
  })();
  const conn = await api.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  while (rx.received < size * count) {
    const n = await conn.read(rx.body.subarray(rx.offset));
    if (n === null) break;
    rx.filled(n);
  }
  await sending;
  conn.close();
  listener.close();
  return await rx.finished;
}

async function node(): Promise<number> {
  const net = await import("node:net");
  const { Worker } = await import("node:worker_threads");
  const rx = new Receiver();
  let port: number;
  const workers: InstanceType<typeof Worker>[] = [];
  let server: { close(): void } | null = null;
  if (workerWrite) {
    const writer = new Worker(WRITER, { eval: true, workerData: { size, count } });
    workers.push(writer);
    port = await new Promise<number>((resolve) => writer.once("message", resolve));
  } else {
    const s = net.createServer((s) => {
      s.setNoDelay(true); // as ZeroMQ sockets (libzmq and omq) set TCP_NODELAY
      sendAll(s);
    });
    await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
    port = (s.address() as { port: number }).port;
    server = s;
  }
  let conn: { destroy(): void } | null = null;
  if (workerRead) {
    const reader = new Worker(READER, { eval: true, workerData: { port, size } });
    workers.push(reader);
    reader.on("message", (bodies: ArrayBuffer[]) => {
      for (const body of bodies) rx.took(new Uint8Array(body));
    });
  } else {
    conn = net.connect({
      port,
      host: "127.0.0.1",
      onread: { buffer: () => rx.body.subarray(rx.offset), callback: (n: number) => (rx.filled(n), true) },
    });
  }
  const mbps = await rx.finished;
  conn?.destroy();
  await Promise.all(workers.map((w) => w.terminate()));
  server?.close();
  return mbps;
}

/** The sender of a Node pair: one write per message, waiting for `drain` when Node asks. */
function sendAll(s: { write(b: Uint8Array): boolean; once(e: "drain", f: () => void): unknown; end(): void }): void {
  let sent = 0;
  const pump = () => {
    while (sent < count) {
      sent++;
      if (!s.write(payload)) return void s.once("drain", pump);
    }
    s.end();
  };
  pump();
}

// The workers are plain JavaScript: a worker does not get tsx's loader.

/** `--worker-read`: reads into fresh bodies and transfers the filled ones to the main thread, a batch per turn. */
const READER = `
const net = require("node:net");
const { Buffer } = require("node:buffer");
const { parentPort, workerData: { port, size } } = require("node:worker_threads");
const fresh = () => new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
let body = fresh(), offset = 0, filled = [];
const post = () => { parentPort.postMessage(filled, filled); filled = []; };
net.connect({ port, host: "127.0.0.1", onread: {
  buffer: () => body.subarray(offset),
  callback: (n) => {
    offset += n;
    if (offset === size) {
      if (filled.push(body.buffer) === 1) setImmediate(post);
      body = fresh();
      offset = 0;
    }
    return true;
  },
} });
`;

/** `--worker-write`: listens, tells the main thread its port, and sends every message to whoever connects. */
const WRITER = `
const net = require("node:net");
const { parentPort, workerData: { size, count } } = require("node:worker_threads");
const payload = new Uint8Array(size).fill(3);
const server = net.createServer((s) => {
  s.setNoDelay(true);
  let sent = 0;
  const pump = () => { while (sent < count) { sent++; if (!s.write(payload)) return void s.once("drain", pump); } s.end(); };
  pump();
});
server.listen(0, "127.0.0.1", () => parentPort.postMessage(server.address().port));
`;

const inWorkers = [workerRead && "reading", workerWrite && "writing"].filter(Boolean).join(" and ");
const runtime = g.Bun
  ? "bun"
  : g.Deno
  ? "deno"
  : inWorkers
  ? `node (${inWorkers} in ${workerRead && workerWrite ? "workers" : "a worker"})`
  : "node";
const mbps = g.Bun ? await bun(g.Bun) : g.Deno ? await deno(g.Deno) : await node();
console.log(`${runtime} bare tcp ${size} B x ${count}: ${mbps.toFixed(0)} MB/s`);
process.exit(0);
