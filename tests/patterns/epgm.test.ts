// epgm:// omq to omq, on the runtime running this file: endpoints, options and refusals here; on
// one host (a network namespace with multicast on lo) the scenarios of tests/fixtures/epgm-local.ts;
// across two (namespaces joined by a veth pair) with 5% of datagrams dropped each way, 1000
// messages in order by repair; and a publisher whose window is too small for the loss, where
// the subscriber reports the loss and still gets only whole messages, in order.
// The network parts need root; elsewhere they are skipped, saying why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Publisher, Pull, Push, Subscriber, XPublisher, XSubscriber, type ZmqError } from "../../mod.ts";
import { netnsUnavailable, type NsHost, twoHosts } from "../support/two-hosts.ts";
import { runtimeCommand, withTimeout } from "../support/util.ts";

const ROOT = fileURLToPath(new URL("../..", import.meta.url).href);
const LOCAL = fileURLToPath(new URL("../fixtures/epgm-local.ts", import.meta.url).href);
const OMQ = fileURLToPath(new URL("../fixtures/epgm-omq.ts", import.meta.url).href);
const SETUP = "ip link set lo up && ip link set lo multicast on && ip route add 239.0.0.0/8 dev lo";

const env = () => {
  const e: Record<string, string | undefined> = { ...process.env };
  delete e.NODE_TEST_CONTEXT; // node --test's, for its own file processes
  return e;
};

const reason = netnsUnavailable();

const code = (err: unknown) => (err as ZmqError).code;

test("epgm: pgm:// is refused with EPROTONOSUPPORT, saying why and what to use", async () => {
  const pub = new Publisher();
  try {
    assert.throws(() => pub.connect("pgm://eth0;239.192.1.1:5555"), (err: ZmqError) => {
      assert.equal(err.code, "EPROTONOSUPPORT");
      assert.match(err.message, /raw IP sockets/);
      assert.match(err.message, /epgm:\/\//);
      return true;
    });
    await assert.rejects(pub.bind("pgm://eth0;239.192.1.1:5555"), (err) => code(err) === "EPROTONOSUPPORT");
  } finally {
    await pub.close();
  }
});

test("epgm: only PUB, SUB, XPUB and XSUB take it (ENOCOMPATPROTO); endpoints are checked (EINVAL)", async () => {
  const push = new Push();
  const pull = new Pull();
  const pub = new Publisher();
  try {
    assert.throws(() => push.connect("epgm://127.0.0.1;239.192.1.1:5555"), (err) => code(err) === "ENOCOMPATPROTO");
    await assert.rejects(pull.bind("epgm://127.0.0.1;239.192.1.1:5555"), (err) => code(err) === "ENOCOMPATPROTO");
    for (
      const bad of [
        "epgm://239.192.1.1:5555", // no interface
        "epgm://127.0.0.1;10.0.0.1:5555", // not a group
        "epgm://127.0.0.1;239.192.1.1", // no port
        "epgm://127.0.0.1;239.192.1.1:0",
        "epgm://127.0.0.1;239.1.1.1,239.1.1.2:5555", // one group only
        "epgm://::1;239.192.1.1:5555", // families differ
      ]
    ) {
      assert.throws(() => pub.connect(bad), (err) => code(err) === "EINVAL", bad);
    }
  } finally {
    await Promise.all([push.close(), pull.close(), pub.close()]);
  }
});

test("epgm: options with libzmq's names and defaults on PUB, SUB, XPUB and XSUB", async () => {
  const sockets = [new Publisher(), new Subscriber(), new XPublisher(), new XSubscriber()];
  try {
    for (const s of sockets) {
      assert.equal(s.rate, 100, "ZMQ_RATE, kbit/s");
      assert.equal(s.recoveryInterval, 10_000, "ZMQ_RECOVERY_IVL, ms");
      assert.equal(s.multicastHops, 1, "ZMQ_MULTICAST_HOPS");
      assert.equal(s.multicastLoop, true, "ZMQ_MULTICAST_LOOP");
      assert.equal(s.multicastMaxTpdu, 1500, "ZMQ_MULTICAST_MAXTPDU");
    }
    const pub = new Publisher({
      rate: 1000,
      recoveryInterval: 500,
      multicastHops: 8,
      multicastLoop: false,
      multicastMaxTpdu: 9000,
    });
    assert.deepEqual([pub.rate, pub.recoveryInterval, pub.multicastHops, pub.multicastLoop, pub.multicastMaxTpdu], [
      1000,
      500,
      8,
      false,
      9000,
    ]);
    assert.throws(() => (pub.rate = 0), RangeError);
    assert.throws(() => (pub.multicastMaxTpdu = 70_000), RangeError);
    sockets.push(pub);
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
  }
});

test("epgm: omq to omq on one host (bind or connect, XPUB/XSUB, two subscribers, late join, NIC name, bad input)", {
  skip: reason ?? false,
}, async () => {
  const child = spawn("unshare", ["-n", "sh", "-c", `${SETUP} && exec "$@"`, "sh", ...runtimeCommand(LOCAL)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: env(),
  });
  let output = "";
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  let exit: number | null;
  try {
    exit = await withTimeout(exited, 90_000, "the one-host scenarios");
  } finally {
    child.kill("SIGKILL");
  }
  const lines = output.split("\n").filter(Boolean);
  assert.equal(lines.at(-1), "done", `the fixture ended early (exit code ${exit}):\n${output}`);
  const results = lines.slice(0, -1).map((line) => JSON.parse(line) as { name: string; ok?: true; error?: string });
  assert.equal(results.length, 7, output);
  for (const r of results) assert.ok(r.ok, `${r.name}\n${r.error}`);
});

/** Runs the omq fixture's publisher on `a` and subscriber on `b`; resolves with the subscriber's lines. */
async function acrossHosts(a: NsHost, b: NsHost, subMode: string, pubArgs: string[] = []): Promise<string[]> {
  const ep = (h: NsHost) => `epgm://${h.address};239.192.78.1:5555`;
  const children: ChildProcess[] = [];
  const out: string[] = [];
  try {
    const sub = b.spawn([...runtimeCommand(OMQ), subMode, ep(b), "1000", "10000"], { cwd: ROOT, env: env() });
    children.push(sub);
    const pub = a.spawn([...runtimeCommand(OMQ), "pub", ep(a), "1000", "10000", ...pubArgs], { cwd: ROOT, env: env() });
    children.push(pub);
    let errors = "";
    pub.stderr!.on("data", (d) => (errors += d));
    sub.stderr!.on("data", (d) => (errors += d));
    const done = new Promise<void>((resolve) => {
      let buffer = "";
      sub.stdout!.setEncoding("utf8");
      sub.stdout!.on("data", (chunk: string) => {
        buffer += chunk;
        let nl;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          out.push(line);
          if (line === "ready") pub.stdin!.write("go\n");
          if (/^(ok|error)/.test(line)) resolve();
        }
      });
    });
    await withTimeout(done, 90_000, "1000 messages").catch((e) => {
      throw new Error(`${e.message}\n${out.join("\n")}\n${errors}`);
    });
    return out;
  } finally {
    for (const c of children) c.kill("SIGKILL");
  }
}

test("epgm: omq to omq across two hosts, 5% of datagrams dropped each way: 1000 messages and a 20 kB one, in order", {
  skip: reason ?? false,
}, async () => {
  const { a, b, close } = await twoHosts({ loss: 5, port: 5555 });
  try {
    const out = await acrossHosts(a, b, "sub");
    assert.equal(out.at(-1), "ok 1000", out.join("\n"));
    assert.ok(!out.some((l) => l.startsWith("loss")));
  } finally {
    close();
  }
});

test("epgm: loss beyond repair (a 1-packet window, 30% dropped) is reported, and what arrives is whole and in order", {
  skip: reason ?? false,
}, async () => {
  const { a, b, close } = await twoHosts({ loss: 30, port: 5555 });
  try {
    const out = await acrossHosts(a, b, "sub-gaps", ["1"]);
    assert.match(out.at(-1)!, /^ok \d+ of 1000$/, out.join("\n"));
    assert.ok(out.some((l) => l.startsWith("loss")), "a loss event");
  } finally {
    close();
  }
});
