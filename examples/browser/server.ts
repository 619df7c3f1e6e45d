/**
 * Serves the browser example: the page, its bundled script, and omq sockets on
 * ws:// — a Publisher of weather updates and a Reply answering requests.
 *
 *   node --import tsx examples/browser/server.ts [port] [seconds]
 *   deno run -A examples/browser/server.ts …   |   bun examples/browser/server.ts …
 *
 * Defaults: port 8080 (0 picks a free one), run until killed. Prints "page: <url>".
 */
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Publisher, Reply } from "../../mod.ts";
import { bundle } from "./build.ts";

const [port = "8080", seconds = "0"] = process.argv.slice(2);
const g = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime = g.Bun ? "bun" : g.Deno ? "deno" : "node";

const publisher = new Publisher({ linger: 0 });
await publisher.bind("ws://127.0.0.1:*/weather");
const reply = new Reply({ linger: 0 });
await reply.bind("ws://127.0.0.1:*/echo");

const page = readFileSync(fileURLToPath(new URL("./index.html", import.meta.url).href));
const script = await bundle();
const endpoints = JSON.stringify({ runtime, weather: publisher.lastEndpoint, echo: reply.lastEndpoint });

const http = createServer((req, res) => {
  const path = new URL(req.url ?? "/", "http://page").pathname;
  if (path === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page);
  else if (path === "/app.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
  else if (path === "/endpoints.json") res.writeHead(200, { "content-type": "application/json" }).end(endpoints);
  else res.writeHead(404).end();
});
await new Promise<void>((resolve) => http.listen(Number(port), "127.0.0.1", resolve));
const address = http.address();
console.log(`page: http://127.0.0.1:${typeof address === "object" && address ? address.port : port}/`);

void (async () => {
  for await (const [question] of reply) {
    const time = new Date().toISOString().slice(11, 19);
    await reply.send(`${new TextDecoder().decode(question)} — answered by omq on ${runtime} at ${time}`);
  }
})();

const random = (n: number) => Math.floor(Math.random() * n);
const timer = setInterval(() => {
  const zip = ["10001", "94103", "60601", "02139", "75001"][random(5)];
  void publisher.send(`${zip} ${random(45) - 5} ${random(60) + 20}`);
}, 100);

async function stop(): Promise<void> {
  clearInterval(timer);
  http.close();
  await Promise.all([publisher.close(), reply.close()]);
  process.exit(0);
}
if (Number(seconds) > 0) setTimeout(stop, Number(seconds) * 1000);
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
