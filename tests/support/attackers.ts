/**
 * Slow attackers: many raw TCP connections to a server that open and then send nothing, one byte
 * a second, or a fixed prefix (a greeting and a PLAIN HELLO) and then nothing. They run in a Node
 * process of their own (tests/fixtures/slow-attackers.cjs), so that memory measured in the test's
 * process is the server's. The server is meant to close each of them (handshakeInterval).
 *
 * @example
 * ```ts
 * const attack = await slowAttack(port, { silent: 500, trickle: 500 });
 * await attack.closed;
 * await attack.stop();
 * ```
 *
 * @module
 */
import { spawn } from "node:child_process";
import { Buffer } from "node:buffer";
import process from "node:process";
import { nodeBinary } from "./libzmq.ts";
import { fixture } from "./netns.ts";

/** How many connections of each kind; `prefix` is what each `prefixed` connection sends at once. */
export interface AttackPlan {
  silent?: number;
  trickle?: number;
  prefixed?: number;
  prefix?: Uint8Array;
}

/** A running attack. */
export interface SlowAttack {
  /** Connections the server has closed so far. */
  readonly closedByServer: number;
  /** Resolves once the server has closed every connection. */
  readonly closed: Promise<void>;
  /** Ends the attack and its process. */
  stop(): Promise<void>;
}

/** Starts the attackers against `port`; resolves once every connection is open. */
export async function slowAttack(port: number, plan: AttackPlan, host = "127.0.0.1"): Promise<SlowAttack> {
  const { prefix, ...counts } = plan;
  const arg = JSON.stringify({ port, host, ...counts, prefix: prefix ? Buffer.from(prefix).toString("base64") : null });
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const child = spawn(nodeBinary(), [fixture("slow-attackers.cjs"), arg], { stdio: ["pipe", "pipe", "inherit"], env });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let closedByServer = 0;
  let opened!: () => void;
  let allClosed!: () => void;
  let failed!: (err: Error) => void;
  const open = new Promise<void>((resolve, reject) => ((opened = resolve), (failed = reject)));
  const closed = new Promise<void>((resolve) => (allClosed = resolve));
  child.once("exit", (code) => failed(new Error(`the attackers' process exited early (${code})`)));
  child.stdout!.setEncoding("utf8");
  let pending = "";
  child.stdout!.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      if (line === "open") opened();
      else if (line === "all-closed") allClosed();
      else if (line.startsWith("closed ")) closedByServer = Number(line.slice(7));
    }
  });
  const stop = async () => {
    child.stdin!.end();
    await exited;
  };
  try {
    await open;
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    get closedByServer() {
      return closedByServer;
    },
    closed,
    stop,
  };
}
