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
 * On Node, `--worker-read` moves the receiving socket into a worker thread,
 * which transfers each filled body (no copy) to the main thread: what reading
 * on a second thread buys a bare pair
 * (`node --import tsx bench/bare.ts 100000 30000 --worker-read`).
 *
 * @module
 */
import process from "node:process";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const workerRead = process.argv.includes("--worker-read");
const size = Number(args[0] ?? 1_000_000);
const count = Number(args[1] ?? 3000);
const payload = new Uint8Array(size).fill(3);

/** Counts bytes into fresh message-sized buffers; resolves with MB/s once `count` messages arrived. */
class Receiver {
  body = new Uint8Array(size);
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
      this.body = new Uint8Array(size);
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
  const server = net.createServer((s) => {
    s.setNoDelay(true); // as ZeroMQ sockets (libzmq and omq) set TCP_NODELAY
    let sent = 0;
    const pump = () => {
      while (sent < count) {
        sent++;
        if (!s.write(payload)) return void s.once("drain", pump);
      }
      s.end();
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const rx = new Receiver();
  const port = (server.address() as { port: number }).port;
  if (workerRead) {
    const { Worker } = await import("node:worker_threads");
    const worker = new Worker(READER, { eval: true, workerData: { port, size } });
    worker.on("message", (bodies: ArrayBuffer[]) => {
      for (const body of bodies) rx.took(new Uint8Array(body));
    });
    const mbps = await rx.finished;
    await worker.terminate();
    server.close();
    return mbps;
  }
  const conn = net.connect({
    port,
    host: "127.0.0.1",
    onread: { buffer: () => rx.body.subarray(rx.offset), callback: (n: number) => (rx.filled(n), true) },
  });
  const mbps = await rx.finished;
  conn.destroy();
  server.close();
  return mbps;
}

/**
 * The worker of `--worker-read`, as plain JavaScript (a worker does not get tsx's loader):
 * reads into fresh bodies and transfers the filled ones to the main thread, a batch per turn.
 */
const READER = `
const net = require("node:net");
const { parentPort, workerData: { port, size } } = require("node:worker_threads");
let body = new Uint8Array(size), offset = 0, filled = [];
const post = () => { parentPort.postMessage(filled, filled); filled = []; };
net.connect({ port, host: "127.0.0.1", onread: {
  buffer: () => body.subarray(offset),
  callback: (n) => {
    offset += n;
    if (offset === size) {
      if (filled.push(body.buffer) === 1) setImmediate(post);
      body = new Uint8Array(size);
      offset = 0;
    }
    return true;
  },
} });
`;

const runtime = g.Bun ? "bun" : g.Deno ? "deno" : workerRead ? "node (reading in a worker)" : "node";
const mbps = g.Bun ? await bun(g.Bun) : g.Deno ? await deno(g.Deno) : await node();
console.log(`${runtime} bare tcp ${size} B x ${count}: ${mbps.toFixed(0)} MB/s`);
process.exit(0);
