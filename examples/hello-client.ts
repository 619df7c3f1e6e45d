/**
 * Hello World client (the guide's hwclient): sends "Hello", waits for "World".
 *
 *   node --import tsx examples/hello-client.ts [endpoint] [count]
 *   deno run -A examples/hello-client.ts …   |   bun examples/hello-client.ts …
 */
import process from "node:process";
import { Request } from "../mod.ts";

const [endpoint = "tcp://localhost:5555", count = "10"] = process.argv.slice(2);
const requester = new Request();
requester.connect(endpoint);

for (let i = 0; i < Number(count); i++) {
  await requester.send("Hello");
  const [reply] = await requester.receive();
  console.log(`Received reply ${i}: ${new TextDecoder().decode(reply)}`);
}
await requester.close();
