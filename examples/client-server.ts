/**
 * CLIENT/SERVER (RFC 41, a libzmq draft type): a Server answers several
 * Clients, telling them apart by the routing id each request comes with.
 *
 *   node --import tsx examples/client-server.ts [endpoint] [clients]
 *   deno run -A examples/client-server.ts …   |   bun examples/client-server.ts …
 *
 * Defaults: tcp://127.0.0.1:5560, three clients. Talks to libzmq's draft
 * CLIENT and SERVER too (zeromq.js's `zeromq/draft`).
 */
import process from "node:process";
import { Client, Server } from "../mod.ts";

const [endpoint = "tcp://127.0.0.1:5560", count = "3"] = process.argv.slice(2);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const server = new Server();
await server.bind(endpoint);
const clients = Array.from({ length: Number(count) }, () => new Client());
for (const client of clients) client.connect(server.lastEndpoint!);

// The server: each request comes with the routing id to answer.
const serving = (async () => {
  for (let served = 0; served < clients.length; served++) {
    const [request, { routingId }] = await server.receive();
    console.log(`server: "${decode(request)}" from routing id ${routingId}`);
    await server.send(`hello, ${decode(request)}`, { routingId });
  }
})();

await Promise.all(clients.map(async (client, i) => {
  await client.send(`client ${i}`);
  const [reply] = await client.receive();
  console.log(`client ${i}: "${decode(reply)}"`);
}));
await serving;
await Promise.all([server, ...clients].map((s) => s.close()));
