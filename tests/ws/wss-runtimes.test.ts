/**
 * wss:// between omq on Node, Deno and Bun: a REP on each runtime (tests/fixtures/wss-peer.ts)
 * binds wss:// with the test certificate; this runtime connects trusting the test CA. Run on all
 * three runtimes, every ordered pair of (client, server) runtimes is covered.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { Request } from "../../mod.ts";
import { testCertificates } from "../support/tls-cert.ts";
import { texts, withTimeout } from "../support/util.ts";

const root = fileURLToPath(new URL("../..", import.meta.url).href);
const fixture = fileURLToPath(new URL("../fixtures/wss-peer.ts", import.meta.url).href);
const bin = (name: string) => `${root}node_modules/.bin/${name}`;
const g = globalThis as { Deno?: unknown; Bun?: unknown };
const nodeBinary = g.Deno || g.Bun ? "node" : process.execPath;
const commands: Record<string, string[]> = {
  node: [nodeBinary, "--import", "tsx", fixture],
  deno: [bin("deno"), "run", "-A", fixture],
  bun: [bin("bun"), fixture],
};
const here = g.Bun ? "bun" : g.Deno ? "deno" : "node";

for (const there of ["node", "deno", "bun"]) {
  test(`wss ${here} → ${there}: REQ/REP over wss:// trusting the test CA`, async () => {
    const { caPem, certPem, keyPem } = await testCertificates();
    const [cmd, ...args] = commands[there];
    const env: Record<string, string | undefined> = {
      ...process.env,
      OMQ_TEST_CERT_PEM: certPem,
      OMQ_TEST_KEY_PEM: keyPem,
    };
    delete env.NODE_TEST_CONTEXT;
    const child = spawn(cmd, args, { cwd: root, stdio: ["pipe", "pipe", "inherit"], env });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const req = new Request({ linger: 0, wssTrustPem: caPem });
    try {
      const peer = await withTimeout(
        new Promise<{ runtime: string; rep: string }>((resolve, reject) => {
          let out = "";
          child.stdout!.on("data", (chunk) => {
            out += chunk;
            const nl = out.indexOf("\n");
            if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)));
          });
          child.once("exit", (code) => reject(new Error(`${there} peer exited with ${code} before binding`)));
        }),
        30_000,
        `${there} peer start`,
      );
      assert.equal(peer.runtime, there);
      req.connect(peer.rep);
      for (let i = 0; i < 3; i++) {
        await req.send(`hello ${i} from ${here}`);
        assert.deepEqual(texts(await withTimeout(req.receive(), 10_000, "reply")), [
          `hello ${i} from ${here} from ${there}`,
        ]);
      }
    } finally {
      await req.close();
      child.stdin!.end();
      await withTimeout(exited, 10_000, `${there} peer exit`).catch(() => child.kill("SIGKILL"));
    }
  });
}
