/**
 * The floor under omq's Request/Reply latency: each runtime's own loopback tcp
 * pair (TCP_NODELAY) sending one byte and waiting for it to come back, one round
 * trip at a time. No ZMTP, no sockets of omq's. Compare its p50 with the
 * `req↔rep tcp 10 B` row of `npm run bench`:
 *
 * ```sh
 * node --import tsx bench/ping-pong.ts 20000
 * node_modules/.bin/deno run -A bench/ping-pong.ts 20000
 * node_modules/.bin/bun bench/ping-pong.ts 20000
 * ```
 *
 * @module
 */
import process from "node:process";

const count = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 20_000);

interface DenoConn {
  read(p: Uint8Array): Promise<number | null>;
  write(p: Uint8Array): Promise<number>;
  setNoDelay(on: boolean): void;
  close(): void;
}
interface DenoApi {
  listen(o: { hostname: string; port: number }): { addr: { port: number }; accept(): Promise<DenoConn>; close(): void };
  connect(o: { hostname: string; port: number }): Promise<DenoConn>;
}
const g = globalThis as unknown as { Deno?: DenoApi; Bun?: unknown };

/** Deno's own `Deno.Conn`: one `write` and one `read` per round trip, as omq's Deno adapter does. */
async function deno(api: DenoApi): Promise<number[]> {
  const listener = api.listen({ hostname: "127.0.0.1", port: 0 });
  const echo = (async () => {
    const conn = await listener.accept();
    conn.setNoDelay(true);
    const buf = new Uint8Array(64);
    for (let n; (n = await conn.read(buf)) !== null;) await conn.write(buf.subarray(0, n));
    conn.close();
  })();
  const conn = await api.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  conn.setNoDelay(true);
  const buf = new Uint8Array(64), ping = new Uint8Array([1]);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await conn.write(ping);
    await conn.read(buf);
    times.push(performance.now() - t);
  }
  conn.close();
  await echo;
  listener.close();
  return times;
}

/** `node:net` (Node and Bun): the reply wakes a promise, as a `receive()` does. */
async function nodeNet(): Promise<number[]> {
  const net = await import("node:net");
  const server = net.createServer((s) => {
    s.setNoDelay(true);
    s.on("data", (d) => s.write(d));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const conn = net.connect({ port: (server.address() as { port: number }).port, host: "127.0.0.1", noDelay: true });
  await new Promise((resolve) => conn.once("connect", resolve));
  let wake: () => void = () => {};
  conn.on("data", () => wake());
  const ping = new Uint8Array([1]);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    const pong = new Promise<void>((resolve) => (wake = resolve));
    conn.write(ping);
    await pong;
    times.push(performance.now() - t);
  }
  conn.destroy();
  server.close();
  return times;
}

const times = g.Deno ? await deno(g.Deno) : await nodeNet();
times.sort((a, b) => a - b);
const us = (q: number) => (times[Math.floor(times.length * q)] * 1000).toFixed(1);
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";
console.log(`${runtime} bare tcp ping-pong x ${count}: p50 ${us(0.5)} µs, p99 ${us(0.99)} µs`);
process.exit(0);
