/**
 * Prometheus metrics for omq sockets: a small pipeline (PUSH → PULL over tcp)
 * runs while an HTTP endpoint serves every socket's `stats`, and each peer's
 * queues from `peers`, in Prometheus's text format.
 *
 *   node --import tsx examples/prometheus.ts [port]
 *   deno run -A examples/prometheus.ts …   |   bun examples/prometheus.ts …
 *
 * Defaults: port 9464 (0 picks a free one); then scrape http://127.0.0.1:<port>/metrics.
 * HTTP comes from `node:http`, which Node, Deno and Bun all provide.
 */
import { createServer } from "node:http";
import process from "node:process";
import { contextStats, Pull, Push, type Socket, type SocketStats } from "../mod.ts";

/** Each SocketStats field as a metric: its name, kind and help text. */
const METRICS: [keyof SocketStats, string, "counter" | "gauge", string][] = [
  ["messagesSent", "omq_messages_sent_total", "counter", "Messages the application sent."],
  ["bytesSent", "omq_bytes_sent_total", "counter", "Bytes of the frames the application sent."],
  ["messagesReceived", "omq_messages_received_total", "counter", "Messages the application received."],
  ["bytesReceived", "omq_bytes_received_total", "counter", "Bytes of the frames the application received."],
  ["messagesDropped", "omq_messages_dropped_total", "counter", "Messages the socket discarded."],
  ["accepted", "omq_connections_accepted_total", "counter", "Connections accepted on bound endpoints."],
  ["connected", "omq_connections_made_total", "counter", "Connections made to connected endpoints."],
  ["reconnects", "omq_reconnects_total", "counter", "Connections made again to an endpoint."],
  ["disconnects", "omq_disconnects_total", "counter", "Connections that ended after their handshake."],
  ["handshakeFailures", "omq_handshake_failures_total", "counter", "Connections that failed their handshake."],
  ["connections", "omq_connections", "gauge", "Live connections."],
  ["queuedIn", "omq_queued_in_messages", "gauge", "Messages received and not yet read."],
  ["queuedOut", "omq_queued_out_messages", "gauge", "Messages queued to peers and not yet sent."],
];

const label = (value: string) => value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** The Prometheus text exposition of `sockets` (by name), plus each peer's queues and the context total. */
export function metricsText(sockets: Record<string, Socket>): string {
  const lines: string[] = [];
  for (const [key, name, kind, help] of METRICS) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${kind}`);
    for (const [socket, s] of Object.entries(sockets)) {
      lines.push(`${name}{socket="${label(socket)}",type="${s.socketType}"} ${s.stats[key]}`);
    }
    lines.push(`${name}{socket="all"} ${contextStats()[key]}`);
  }
  lines.push("# HELP omq_peer_queued_messages Messages waiting in one peer's queue.");
  lines.push("# TYPE omq_peer_queued_messages gauge");
  for (const [socket, s] of Object.entries(sockets)) {
    for (const p of s.peers) {
      const peer = `socket="${label(socket)}",endpoint="${label(p.endpoint)}",remote="${label(p.remoteAddress ?? "")}"`;
      lines.push(`omq_peer_queued_messages{${peer},direction="in"} ${p.queuedIn}`);
      lines.push(`omq_peer_queued_messages{${peer},direction="out"} ${p.queuedOut}`);
    }
  }
  return lines.join("\n") + "\n";
}

const port = Number(process.argv[2] ?? 9464);

// The work being watched: a sender and a receiver over tcp.
const pull = new Pull({ linger: 0 });
await pull.bind("tcp://127.0.0.1:*");
const push = new Push({ linger: 0 });
push.connect(pull.lastEndpoint!);
const sending = setInterval(() => void push.send(["job", new Uint8Array(64)]), 5);
(async () => {
  for await (const _ of pull);
})();

const http = createServer((request, response) => {
  if (request.url !== "/metrics") {
    response.writeHead(404).end();
    return;
  }
  response.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  response.end(metricsText({ push, pull }));
});
http.listen(port, "127.0.0.1", () => {
  const address = http.address() as { port: number };
  console.log(`metrics on http://127.0.0.1:${address.port}/metrics`);
});

const stop = async () => {
  clearInterval(sending);
  http.close();
  await Promise.all([push.close(), pull.close()]);
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
