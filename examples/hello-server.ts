/**
 * Hello World server (the ZeroMQ guide's hwserver): a Reply socket answers
 * each "Hello" with "World".
 *
 *   node --import tsx examples/hello-server.ts [endpoint] [count] [--connect]
 *   deno run -A examples/hello-server.ts …   |   bun examples/hello-server.ts …
 *
 * Defaults: tcp://*:5555, answers 10 requests. `--connect` connects instead of
 * binding (a worker behind examples/queue-device.ts).
 */
import process from "node:process";
import { Reply } from "../mod.ts";

const [endpoint = "tcp://*:5555", count = "10"] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const responder = new Reply();
if (process.argv.includes("--connect")) {
  responder.connect(endpoint);
  for await (const event of responder.events) if (event.type === "handshake") break;
  console.log(`Connected to ${endpoint}`);
} else {
  await responder.bind(endpoint);
}

for (let served = 0; served < Number(count); served++) {
  const [request] = await responder.receive();
  console.log(`Received request: ${new TextDecoder().decode(request)}`);
  await responder.send("World");
}
await responder.close();
