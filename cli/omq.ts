#!/usr/bin/env node
/**
 * The `omq` command: ZeroMQ sockets from a shell, for poking at libzmq
 * programs. Runs on Node (`npx omq`), Deno (`deno run -A jsr:@omq/omq/cli`)
 * and Bun (`bunx omq`); `omq --help` tells the rest.
 *
 * @example
 * ```sh
 * omq sub tcp://127.0.0.1:5556 10001
 * echo hello | omq req tcp://127.0.0.1:5555
 * ```
 *
 * @module
 */
import process from "node:process";
import { createInterface } from "node:readline";
import { runCli } from "./run.ts";

// node:process and node:readline exist on all three runtimes, so this one entry serves them all.
const code = await runCli(process.argv.slice(2), {
  lines: () => createInterface({ input: process.stdin, crlfDelay: Infinity }),
  print: (line) => process.stdout.write(line + "\n"),
  error: (line) => process.stderr.write(line + "\n"),
});
process.exit(code);
