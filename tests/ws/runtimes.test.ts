/**
 * ws between omq on Node, Deno and Bun: a peer on each runtime (tests/fixtures/ws-peer.ts)
 * binds REP, PUB, PULL→PUSH and ROUTER on ws://; this runtime connects to each.
 * Run on all three runtimes, every ordered pair of (client, server) runtimes is covered.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Dealer, Pull, Push, Request, type Socket, Subscriber } from "../../mod.ts";
import { texts, withTimeout } from "../support/util.ts";

const root = fileURLToPath(new URL("../..", import.meta.url).href);
const fixture = fileURLToPath(new URL("../fixtures/ws-peer.ts", import.meta.url).href);
const bin = (name: string) => `${root}node_modules/.bin/${name}`;
const g = globalThis as { Deno?: { execPath(): string }; Bun?: unknown };
/** Node itself: this process when we are Node, else the `node` on PATH (which runs npm). */
const nodeBinary = g.Deno || g.Bun ? "node" : process.execPath;

const commands: Record<string, string[]> = {
  node: [nodeBinary, "--import", "tsx", fixture],
  deno: [bin("deno"), "run", "-A", fixture],
  bun: [bin("bun"), fixture],
};

interface Peer {
  runtime: string;
  rep: string;
  pub: string;
  pull: string;
  push: string;
  router: string;
  child: ChildProcess;
}

/** Starts the fixture on a runtime and reads its endpoints (first stdout line). */
function startPeer(runtime: string): Promise<Peer> {
  const [cmd, ...args] = commands[runtime];
  const child = spawn(cmd, args, { cwd: root, stdio: ["pipe", "pipe", "inherit"] });
  return withTimeout(
    new Promise<Peer>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (chunk) => {
        out += chunk;
        const nl = out.indexOf("\n");
        if (nl >= 0) resolve({ ...JSON.parse(out.slice(0, nl)), child });
      });
      child.on("exit", (code) => reject(new Error(`${runtime} peer exited with ${code} before listening`)));
      child.on("error", reject);
    }),
    30000,
    `${runtime} peer start`,
  ).catch((err) => {
    child.kill();
    throw err;
  });
}

async function stopPeer(peer: Peer): Promise<void> {
  const exited = new Promise((resolve) => peer.child.once("exit", resolve));
  peer.child.stdin!.end();
  await withTimeout(exited, 10000, `${peer.runtime} peer exit`).catch(() => peer.child.kill("SIGKILL"));
}

async function closeAll(...sockets: Socket[]): Promise<void> {
  for (const s of sockets) s.linger = 0;
  await Promise.all(sockets.map((s) => s.close()));
}

const here = g.Bun ? "bun" : g.Deno ? "deno" : "node";

for (const there of ["node", "deno", "bun"]) {
  test(`ws ${here} → ${there}: REQ/REP, PUB/SUB, PUSH/PULL and DEALER/ROUTER`, async () => {
    const peer = await startPeer(there);
    assert.equal(peer.runtime, there);
    const req = new Request();
    const sub = new Subscriber();
    const push = new Push();
    const pull = new Pull();
    const dealer = new Dealer({ routingId: `dealer-${here}` });
    try {
      req.connect(peer.rep);
      sub.subscribe("weather");
      sub.connect(peer.pub);
      push.connect(peer.pull);
      pull.connect(peer.push);
      dealer.connect(peer.router);

      await req.send(`hello from ${here}`);
      assert.deepEqual(texts(await withTimeout(req.receive(), 10000, "REP reply")), [
        `hello from ${here} from ${there}`,
      ]);

      const [topic, body] = texts(await withTimeout(sub.receive(), 10000, "publication"));
      assert.equal(topic, "weather");
      assert.match(body, new RegExp(`^${there} \\d+$`));

      for (let i = 0; i < 100; i++) await push.send([`m${i}`, new Uint8Array(i * 10)]);
      for (let i = 0; i < 100; i++) {
        const msg = await withTimeout(pull.receive(), 10000, `pipeline message ${i}`);
        assert.equal(texts([msg[0]])[0], `m${i}`);
        assert.equal(msg[1].byteLength, i * 10);
      }

      await dealer.send(["a", "b"]);
      assert.deepEqual(texts(await withTimeout(dealer.receive(), 10000, "ROUTER reply")), ["a ok", "b ok"]);
    } finally {
      await closeAll(req, sub, push, pull, dealer);
      await stopPeer(peer);
    }
  });
}
