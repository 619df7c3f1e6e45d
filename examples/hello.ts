/**
 * Hello World in one command: starts examples/hello-server.ts and
 * examples/hello-client.ts as two processes on an ipc endpoint, the client
 * sends five "Hello"s, the server answers each with "World", and both exit.
 *
 *   node --import tsx examples/hello.ts
 *   deno run -A examples/hello.ts   |   bun examples/hello.ts
 *
 * @module
 */
import process from "node:process";
import { ipcEndpoint, launch } from "./launch.ts";

const endpoint = ipcEndpoint("hello");
const ok = await launch([
  { name: "server", script: "hello-server", args: [endpoint, "5"], awaited: true },
  { name: "client", script: "hello-client", args: [endpoint, "5"], awaited: true },
]);
process.exitCode = ok ? 0 : 1;
