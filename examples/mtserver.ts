/**
 * Multithreaded server (the ZeroMQ guide's mtserver): clients talk to a
 * Router on tcp; a proxy passes their requests to a Dealer bound at
 * `inproc://workers`, which spreads them over N worker threads, each with a
 * Reply connected to `inproc://workers` (examples/mtserver-worker.ts). The
 * default Context's inproc names are process-wide, so the workers need nothing
 * but omq: each thread owns its sockets and they talk over inproc, never
 * through shared state. A CPU-bound handler uses as many cores as there are
 * workers.
 *
 *   node --import tsx examples/mtserver.ts [workers] [endpoint] [requests]
 *   deno run -A examples/mtserver.ts …   |   bun examples/mtserver.ts …
 *
 * Defaults: 2 workers on tcp://*:5555, serving until interrupted (clients:
 * examples/hello-client.ts). With `requests`, a client in this process sends
 * that many "Hello"s, prints each reply and the server stops.
 */
import process from "node:process";
import { Dealer, Proxy, Request, Router } from "../mod.ts";
import { startThread, type Thread } from "./mtserver-thread.ts";

/** A running mtserver. */
export interface MtServer {
  /** Where clients connect (the port the OS chose for `:*`). */
  readonly endpoint: string;
  /** Stops the proxy (closing both sockets) and the worker threads. */
  stop(): Promise<void>;
}

// #region server
/** Starts the server: the frontend bound at `endpoint`, `workers` worker threads behind it. */
export async function mtserver(endpoint: string, workers: number): Promise<MtServer> {
  const clients = new Router({ linger: 0 });
  await clients.bind(endpoint);
  const backend = new Dealer({ linger: 0 });
  await backend.bind("inproc://workers");
  // Each worker's link shows as a handshake on the backend: serve once they are all there.
  let linked = 0;
  const ready = new Promise<void>((resolve) => backend.events.on("handshake", () => ++linked === workers && resolve()));
  const threads: Thread[] = [];
  for (let id = 1; id <= workers; id++) {
    threads.push(startThread(new URL("./mtserver-worker.ts", import.meta.url), { id }));
  }
  await ready;
  const queue = new Proxy(clients, backend);
  const running = queue.run();
  return {
    endpoint: clients.lastEndpoint!,
    async stop() {
      queue.terminate();
      await running;
      await Promise.all(threads.map((t) => t.terminate()));
    },
  };
}
// #endregion server

if (import.meta.url === new URL(process.argv[1] ?? "", "file://").href || (import.meta as { main?: boolean }).main) {
  const [workers = "2", endpoint = "tcp://*:5555", requests] = process.argv.slice(2);
  const server = await mtserver(endpoint, Number(workers));
  console.log(`mtserver: ${workers} workers behind ${server.endpoint}`);
  if (requests !== undefined) {
    const client = new Request({ linger: 0 });
    client.connect(server.endpoint.replace("//*:", "//127.0.0.1:").replace("//[::]:", "//127.0.0.1:"));
    for (let i = 0; i < Number(requests); i++) {
      await client.send("Hello");
      const [reply] = await client.receive();
      console.log(`Received reply ${i}: ${new TextDecoder().decode(reply)}`);
    }
    await client.close();
    await server.stop();
  }
}
