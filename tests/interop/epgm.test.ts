// epgm:// against libzmq: Debian's python3-zmq (libzmq 4.3 built with OpenPGM) on one "host" and
// omq on the other, two network namespaces joined by a veth pair (OpenPGM binds its port with
// SO_REUSEPORT alone, so the two cannot share a port on one host). Both directions, 1000
// multipart messages and one of 20 kB (larger than a TPDU), with no loss and with nftables
// dropping 5% of the datagrams each host receives: every message arrives, in order, by repair.
// Needs root (namespaces, apt-get for python3-zmq and nftables); skipped with the reason elsewhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { requireDebianPackages } from "../../scripts/system-packages.ts";
import { netnsUnavailable, type NsHost, twoHosts } from "../support/two-hosts.ts";
import { runtimeCommand, withTimeout } from "../support/util.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url).href);
const OMQ = fileURLToPath(new URL("../fixtures/epgm-omq.ts", import.meta.url).href);
const PYZMQ = fileURLToPath(new URL("../fixtures/epgm-pyzmq.py", import.meta.url).href);
const PYTHON = "/usr/bin/python3"; // Debian's, which has python3-zmq (not a pyenv or venv one)
const COUNT = 1000;
const RATE = 10_000; // kbit/s: libzmq's window is RATE/8 × 10 s of 1500-byte packets, ample for repair

const reason = netnsUnavailable() ??
  await requireDebianPackages([{ name: "python3-zmq" }, { name: "nftables" }]).then(
    () => null,
    (e: Error) => e.message,
  );

/** Lines a child prints, as they come. */
function lines(child: ChildProcess): { next(match: RegExp, what: string): Promise<string>; all: string[] } {
  const all: string[] = [];
  const waiters: { match: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = "";
  const feed = (chunk: string) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf("\n")) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      all.push(line);
      for (const w of waiters.splice(0)) {
        if (w.match.test(line)) w.resolve(line);
        else waiters.push(w);
      }
    }
  };
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", feed);
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => all.push(...chunk.trimEnd().split("\n").map((l) => `stderr: ${l}`)));
  return {
    all,
    next: (match, what) => {
      const seen = all.find((l) => match.test(l));
      if (seen) return Promise.resolve(seen);
      return withTimeout(new Promise((resolve) => waiters.push({ match, resolve })), 60_000, what);
    },
  };
}

const env = () => {
  const e: Record<string, string | undefined> = { ...process.env };
  delete e.NODE_TEST_CONTEXT; // node --test's, for its own file processes
  return e;
};

function start(host: NsHost, side: "omq" | "libzmq", mode: "pub" | "sub"): ChildProcess {
  const endpoint = `epgm://${host.address};239.192.77.1:5555`;
  const command = side === "omq" ? runtimeCommand(OMQ) : [PYTHON, PYZMQ];
  return host.spawn([...command, mode, endpoint, String(COUNT), String(RATE)], { cwd: ROOT, env: env() });
}

async function scenario(publisher: "omq" | "libzmq", subscriber: "omq" | "libzmq", loss: number): Promise<void> {
  const hosts = await twoHosts({ loss, port: 5555 });
  const children: ChildProcess[] = [];
  try {
    const sub = start(hosts.b, subscriber, "sub");
    children.push(sub);
    const pub = start(hosts.a, publisher, "pub");
    children.push(pub);
    const subOut = lines(sub);
    const pubOut = lines(pub);
    const report = () => `\nsubscriber:\n${subOut.all.join("\n")}\npublisher:\n${pubOut.all.join("\n")}`;
    // The publisher sends probes until the subscriber has heard one: then the test messages.
    await subOut.next(/^ready$/, `the ${subscriber} subscriber hearing the ${publisher} publisher`).catch((e) => {
      throw new Error(`${e.message}${report()}`);
    });
    pub.stdin!.write("go\n");
    const result = await subOut.next(/^(ok|error)/, `${COUNT} messages`).catch((e) => {
      throw new Error(`${e.message}${report()}`);
    });
    assert.equal(result, `ok ${COUNT}`, report());
    assert.ok(!subOut.all.some((l) => l.startsWith("loss")), `no loss reported${report()}`);
  } finally {
    for (const child of children) child.kill("SIGKILL");
    hosts.close();
  }
}

for (const loss of [0, 5]) {
  const lossy = loss ? `, ${loss}% of datagrams dropped each way` : "";
  test(`epgm: omq PUB -> libzmq SUB: ${COUNT} multipart messages and a 20 kB one, in order${lossy}`, {
    skip: reason ?? false,
  }, () => scenario("omq", "libzmq", loss));
  test(`epgm: libzmq PUB -> omq SUB: ${COUNT} multipart messages and a 20 kB one, in order${lossy}`, {
    skip: reason ?? false,
  }, () => scenario("libzmq", "omq", loss));
}
