// The socket adapter of whichever runtime runs this file (node:net, Deno.listen/connect or
// Bun.listen/connect), held to the contract in transports/runtime/types.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import {
  type ByteConnection,
  type Listener,
  runtime,
  runtimeKey,
  type SocketAddress,
} from "../../transports/runtime/mod.ts";
import { wsRuntime } from "../../transports/ws/mod.ts";
import { encodeFrames, FrameDecoder } from "../../src/zmtp/frame.ts";
import { concatBytes } from "../support/util.ts";

const TIMEOUT = 10_000;

function within<T>(promise: Promise<T>, label: string, ms = TIMEOUT): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${label}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Only to show that something does NOT happen. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A started connection whose events are recorded. */
interface Peer {
  readonly conn: ByteConnection;
  readonly received: Uint8Array[];
  bytes: number;
  drains: number;
  readonly closes: Array<Error | undefined>;
  /** Resolves when `cond` holds, checked after every event. */
  until(cond: () => boolean, label: string): Promise<void>;
  /** True if `cond` comes to hold within `ms`, false otherwise (never rejects). */
  holdsWithin(cond: () => boolean, ms: number): Promise<boolean>;
  /** All bytes received so far, joined. */
  joined(): Uint8Array;
}

function track(conn: ByteConnection): Peer {
  const waiters: Array<{ cond: () => boolean; resolve: (ok: boolean) => void }> = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.cond()) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(true);
      }
    }
  };
  const peer: Peer = {
    conn,
    received: [],
    bytes: 0,
    drains: 0,
    closes: [],
    async until(cond, label) {
      if (!(await peer.holdsWithin(cond, TIMEOUT))) throw new Error(`timed out after ${TIMEOUT} ms: ${label}`);
    },
    holdsWithin(cond, ms) {
      if (cond()) return Promise.resolve(true);
      return new Promise<boolean>((resolve) => {
        const waiter = {
          cond,
          resolve: (ok: boolean) => {
            clearTimeout(timer);
            resolve(ok);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          resolve(false);
        }, ms);
        waiters.push(waiter);
      });
    },
    joined: () => concatBytes(peer.received),
  };
  conn.start({
    data(chunk) {
      assert.ok(chunk instanceof Uint8Array);
      peer.received.push(chunk);
      peer.bytes += chunk.byteLength;
      check();
    },
    drain() {
      peer.drains++;
      check();
    },
    close(error) {
      peer.closes.push(error);
      check();
    },
  });
  return peer;
}

function pattern(size: number, seed = 0): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + (i >>> 11) + seed) & 0xff;
  return out;
}

/** Compares without assert.deepEqual, which is slow on megabytes and prints them all on failure. */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(actual.byteLength, expected.byteLength, "length");
  for (let i = 0; i < expected.byteLength; i++) {
    if (actual[i] !== expected[i]) assert.fail(`first difference at byte ${i}: ${actual[i]} != ${expected[i]}`);
  }
}

interface Pair {
  listener: Listener;
  client: ByteConnection;
  server: ByteConnection;
  [Symbol.asyncDispose](): Promise<void>;
}

const portOf = (l: Listener): number => (l.address.kind === "tcp" ? l.address.port : 0);

/** Listens on `address`, connects (to `connectHost` if given), and returns both ends, not started. */
async function pair(address: SocketAddress, connectHost?: string): Promise<Pair> {
  let onAccept!: (conn: ByteConnection) => void;
  const accepted = new Promise<ByteConnection>((resolve) => (onAccept = resolve));
  const listener = await within(runtime.listen(address, (conn) => onAccept(conn)), "listen");
  const target = connectHost === undefined ? listener.address : tcp(connectHost, portOf(listener));
  const client = await within(runtime.connect(target), "connect");
  const server = await within(accepted, "accept");
  return {
    listener,
    client,
    server,
    async [Symbol.asyncDispose]() {
      client.destroy();
      server.destroy();
      await listener.close();
    },
  };
}

/** Runs `body` with a pair and always cleans up (Node 20 has no `await using`). */
async function withPair(address: SocketAddress, body: (p: Pair) => Promise<void>, connectHost?: string) {
  const p = await pair(address, connectHost);
  try {
    await body(p);
  } finally {
    await p[Symbol.asyncDispose]();
  }
}

/** Runs `body` with a fresh temporary directory, removed afterwards. */
async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "omq-rt-"));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tcp = (host: string, port = 0): SocketAddress => ({ kind: "tcp", host, port });
const ipc = (path: string): SocketAddress => ({ kind: "ipc", path });
const codeOf = (err: unknown) => (err as { code?: unknown }).code;

/** The server echoes; the client sends and expects the same bytes back. */
async function echo(p: Pair): Promise<void> {
  const server = track(p.server);
  const client = track(p.client);
  // Echo what arrives on the server, chunk by chunk, as it arrives.
  let echoed = 0;
  const pump = setInterval(() => {
    if (server.received.length > echoed) p.server.write(server.received.slice(echoed, echoed = server.received.length));
  }, 1);
  try {
    const message = pattern(100_000, 3);
    p.client.write([message.subarray(0, 10), message.subarray(10)]);
    await client.until(() => client.bytes >= message.byteLength, "echo");
    assertSameBytes(client.joined(), message);
  } finally {
    clearInterval(pump);
  }
}

test(`${runtime.name}: one runtime key picks both the socket adapter and the ws transport`, async () => {
  // Told apart here by process.versions, not by the globals the key reads.
  const versions = process.versions as Record<string, string | undefined>;
  const expected = versions.bun ? "bun" : versions.deno ? "deno" : "node";
  assert.equal(runtimeKey, expected);
  assert.equal(runtime.name, expected);
  const ws = await import(`../../transports/ws/${expected}.ts`);
  assert.equal(wsRuntime, ws[`${expected}Ws`]);
});

test(`${runtime.name}: tcp 127.0.0.1 on an ephemeral port echoes`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const port = portOf(p.listener);
    assert.ok(port > 0, "the kernel's port is reported");
    assert.equal(p.client.remoteAddress, `127.0.0.1:${port}`);
    assert.match(p.server.remoteAddress, /^127\.0\.0\.1:\d+$/);
    await echo(p);
  });
});

test(`${runtime.name}: tcp [::1] echoes`, async () => {
  await withPair(tcp("::1"), async (p) => {
    const port = portOf(p.listener);
    assert.equal(p.client.remoteAddress, `[::1]:${port}`);
    assert.match(p.server.remoteAddress, /^\[::1\]:\d+$/);
    await echo(p);
  });
});

test(`${runtime.name}: tcp "::" is dual-stack: reached via 127.0.0.1`, async () => {
  await withPair(tcp("::"), echo, "127.0.0.1");
});

test(`${runtime.name}: ipc path echoes; close removes the socket file`, async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "s.sock");
    await withPair(ipc(path), async (p) => {
      assert.deepEqual(p.listener.address, ipc(path));
      assert.equal(p.client.remoteAddress, path);
      assert.equal(p.server.remoteAddress, path);
      assert.ok(lstatSync(path).isSocket());
      await echo(p);
    });
    assert.equal(existsSync(path), false, "socket file removed by Listener.close()");
  });
});

test(`${runtime.name}: ipc abstract namespace "\\0name" echoes`, { skip: process.platform !== "linux" }, async () => {
  const name = `\0omq-rt-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await withPair(ipc(name), echo);
});

/** Leaves a socket file at `path` that nobody listens on: a child binds it and is SIGKILLed. */
async function leaveStaleSocketFile(path: string): Promise<void> {
  const code =
    `import("node:net").then((net) => net.createServer().listen(process.env.OMQ_SOCK, () => console.log("ready")))`;
  const child = spawn(process.execPath, runtime.name === "deno" ? ["eval", code] : ["-e", code], {
    env: { ...process.env, OMQ_SOCK: path },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await within(
      new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", (d) => String(d).includes("ready") && resolve());
        child.once("exit", (c) => reject(new Error(`child exited with ${c} before listening`)));
      }),
      "child listening",
    );
  } finally {
    child.kill("SIGKILL");
    await within(exited, "child exit");
  }
  assert.ok(lstatSync(path).isSocket(), "the dead process left its socket file");
}

test(`${runtime.name}: a stale ipc socket file left by a SIGKILLed process is replaced`, async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "stale.sock");
    await leaveStaleSocketFile(path);
    await withPair(ipc(path), echo);
  });
});

const root = process.getuid?.() === 0;
const setpriv = root && spawnSync("setpriv", ["--version"]).error === undefined;

/**
 * `runtime.listen(ipc(path))` as user nobody, in a child of this runtime: root passes every
 * permission check, so only another user sees EACCES. Resolves with the error code, or "bound".
 */
async function listenAsNobody(path: string, scratch: string): Promise<string> {
  const mod = new URL("../../transports/runtime/mod.ts", import.meta.url).href;
  const code = `const { runtime } = await import(${JSON.stringify(mod)});
runtime.listen({ kind: "ipc", path: ${JSON.stringify(path)} }, () => {}).then(
  (l) => { console.log("result=bound"); return l.close(); },
  (e) => console.log("result=" + e.code),
).then(() => process.exit(0));`;
  const args = runtime.name === "node"
    ? [process.execPath, "--import", "tsx", "--input-type=module", "-e", code]
    : runtime.name === "deno"
    ? [process.execPath, "eval", code]
    : [process.execPath, "-e", code];
  const child = spawn("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", ...args], {
    cwd: fileURLToPath(new URL("../..", import.meta.url).href),
    // Caches the child writes (tsx, Deno) go where nobody may write.
    env: { ...process.env, HOME: scratch, DENO_DIR: join(scratch, "deno"), TMPDIR: scratch },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += String(d)));
  const status = await within(new Promise((resolve) => child.once("exit", resolve)), "child listen", 60_000);
  const result = /result=(\S+)/.exec(out)?.[1];
  if (result === undefined) throw new Error(`child exited with ${status} and no result: ${out}`);
  return result;
}

test(
  `${runtime.name}: an ipc socket file whose probe fails with EACCES, not ECONNREFUSED, is kept and the bind fails with EACCES`,
  { skip: root && !setpriv ? "running as root without setpriv to become another user" : false },
  async () => {
    await inTempDir(async (dir) => {
      // Anybody may create and delete files here: only the probe's answer protects the file.
      chmodSync(dir, 0o777);
      const path = join(dir, "theirs.sock");
      await leaveStaleSocketFile(path);
      chmodSync(path, 0o000); // a socket we may not connect to: we cannot tell whether it is alive
      const code = root ? await listenAsNobody(path, dir) : await runtime.listen(ipc(path), () => {}).then(
        async (l) => {
          await l.close();
          return "bound";
        },
        (err) => String(codeOf(err)),
      );
      assert.equal(code, "EACCES");
      assert.ok(lstatSync(path).isSocket(), "the file whose owner we could not ask is still there");
    });
  },
);

test(`${runtime.name}: listening on a live ipc path fails with EADDRINUSE and leaves it working`, async () => {
  await inTempDir(async (dir) => {
    const path = join(dir, "live.sock");
    await withPair(ipc(path), async (p) => {
      await assert.rejects(runtime.listen(ipc(path), () => {}), (err) => codeOf(err) === "EADDRINUSE");
      await echo(p);
    });
  });
});

test(`${runtime.name}: a second bind of the same tcp port fails with EADDRINUSE`, async () => {
  const first = await runtime.listen(tcp("127.0.0.1"), (c) => c.destroy());
  try {
    const port = portOf(first);
    await assert.rejects(runtime.listen(tcp("127.0.0.1", port), () => {}), (err) => {
      assert.ok(err instanceof Error);
      assert.equal(codeOf(err), "EADDRINUSE");
      return true;
    });
  } finally {
    await first.close();
  }
});

test(`${runtime.name}: connecting to a closed port fails with ECONNREFUSED, to a missing ipc path with ENOENT`, async () => {
  const listener = await runtime.listen(tcp("127.0.0.1"), (c) => c.destroy());
  const port = portOf(listener);
  await listener.close();
  await assert.rejects(within(runtime.connect(tcp("127.0.0.1", port)), "connect"), (err) => {
    assert.ok(err instanceof Error);
    assert.equal(codeOf(err), "ECONNREFUSED");
    return true;
  });
  await inTempDir(async (dir) => {
    await assert.rejects(
      within(runtime.connect(ipc(join(dir, "nobody.sock"))), "connect ipc"),
      (err) => codeOf(err) === "ENOENT",
    );
  });
});

test(`${runtime.name}: listening on an ipc path in a missing directory fails with ENOENT, as libzmq's bind does`, async () => {
  await inTempDir(async (dir) => {
    await assert.rejects(runtime.listen(ipc(join(dir, "missing", "x.sock")), (c) => c.destroy()), (err) => {
      assert.equal(codeOf(err), "ENOENT");
      return true;
    });
  });
});

test(`${runtime.name}: a 5 MB write arrives intact and in order`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const rx = track(p.server);
    const tx = track(p.client);
    const big = pattern(5 * 1024 * 1024, 7);
    if (!p.client.write([big])) await tx.until(() => tx.drains > 0, "drain");
    await rx.until(() => rx.bytes >= big.byteLength, "5 MB received");
    assertSameBytes(rx.joined(), big);
  });
});

// Deno's adapter starts a connection's own read buffer small (a silent peer must cost little) and
// doubles it while reads fill it: a bulk transfer must still come in large reads.
test(`${runtime.name}: a bulk transfer without the decoder's buffers is read in large chunks`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const rx = track(p.server);
    const tx = track(p.client);
    const big = pattern(4 * 1024 * 1024, 3);
    if (!p.client.write([big])) await tx.until(() => tx.drains > 0, "drain");
    await rx.until(() => rx.bytes >= big.byteLength, "4 MB received");
    const largest = Math.max(...rx.received.map((c) => c.byteLength));
    assert.ok(largest >= 32 * 1024, `largest read ${largest} bytes`);
    assertSameBytes(rx.joined(), big);
  });
});

test(`${runtime.name}: 10,000 small writes arrive in order`, async () => {
  await inTempDir(async (dir) => {
    await withPair(ipc(join(dir, "small.sock")), async (p) => {
      const rx = track(p.server);
      track(p.client);
      const N = 10_000;
      for (let i = 0; i < N; i += 2) {
        // Two chunks per call, as the engine batches them; return values ignored on purpose:
        // "wait for drain" is advice, and bytes must not be lost when it is not taken.
        const a = new Uint8Array(8);
        const b = new Uint8Array(8);
        new DataView(a.buffer).setUint32(0, i);
        new DataView(b.buffer).setUint32(0, i + 1);
        p.client.write([a, b]);
      }
      await rx.until(() => rx.bytes >= N * 8, "all small writes");
      const all = rx.joined();
      assert.equal(all.byteLength, N * 8);
      const view = new DataView(all.buffer);
      for (let i = 0; i < N; i++) assert.equal(view.getUint32(i * 8), i, `message ${i}`);
    });
  });
});

test(`${runtime.name}: write returns false against a paused peer; resume delivers all and drain fires`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const rx = track(p.server);
    p.server.pause();
    const tx = track(p.client);
    const chunk = pattern(64 * 1024, 1);
    let sent = 0;
    // write may say "wait" before the kernel is full (Deno counts bytes still in flight);
    // then drain comes soon. Write on until a "wait" gets no drain: the peer is the limit.
    for (;;) {
      while (p.client.write([chunk])) {
        sent += chunk.byteLength;
        assert.ok(sent < 256 * 1024 * 1024, "write never said wait");
      }
      sent += chunk.byteLength;
      const drains = tx.drains;
      if (!(await tx.holdsWithin(() => tx.drains > drains, 100))) break;
    }
    assert.equal(rx.bytes, 0, "no data while paused");
    const drains = tx.drains;
    p.server.resume();
    await rx.until(() => rx.bytes >= sent, "everything after resume");
    await tx.until(() => tx.drains > drains, "drain");
    assert.equal(rx.bytes, sent);
    const all = rx.joined();
    for (let at = 0; at < sent; at += chunk.byteLength) {
      assertSameBytes(all.subarray(at, at + chunk.byteLength), chunk);
    }
  });
});

test(`${runtime.name}: small and large chunks interleaved, written into a paused peer, arrive intact and in order`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const rx = track(p.server);
    p.server.pause();
    const tx = track(p.client);
    // First 8 MB of small chunks, which adapters without writev join into batches: the
    // kernel fills up during them, so a batch is still being written when the next one is
    // made. Then runs of small chunks between large ones, which are written as they are.
    const run = Array.from({ length: 8000 }, (_, i) => pattern(999, i));
    const sizes = [9, 100_000, 9, 16_383, 16_384, 1, 2, 3, 1000, 70_000, 9, 9, 9, 300_000, 5];
    const mixed = Array.from({ length: 150 }, (_, i) => pattern(sizes[i % sizes.length], i));
    const chunks = [...run, ...mixed];
    for (let i = 0; i < chunks.length; i += 3) p.client.write(chunks.slice(i, i + 3));
    const total = chunks.reduce((n, c) => n + c.byteLength, 0);
    // 13 MB against a paused reader: the kernel's buffers fill and no drain comes.
    assert.equal(await tx.holdsWithin(() => tx.drains > 0, 200), false, "the writer never blocked");
    assert.equal(rx.bytes, 0, "no data while paused");
    p.server.resume();
    await rx.until(() => rx.bytes >= total, "every chunk");
    assertSameBytes(rx.joined(), concatBytes(chunks));
  });
});

test(`${runtime.name}: reads into the decoder's readBuffer, paused and resumed mid-frame, deliver every frame intact`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const sizes = [5, 300, 70_000, 1_000_000, 100, 200_000, 3_000_000, 0, 40_000, 600_000];
    const frames = Array.from({ length: 40 }, (_, i) => pattern(sizes[i % sizes.length], i));
    const got: Uint8Array[] = [];
    const decoder = new FrameDecoder({ frame: (_f, body) => got.push(body) });
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    let reads = 0, pauses = 0;
    p.server.start({
      // As the engine does: reads land where the decoder asks, and it pauses now and then.
      readBuffer: () => decoder.readBuffer(),
      data(chunk) {
        decoder.push(chunk);
        if (got.length === frames.length) return done();
        // Every third read, not a property of the chunk: read sizes differ from run to run.
        if (++reads % 3 === 0) {
          pauses++;
          p.server.pause();
          setTimeout(() => p.server.resume(), 1);
        }
      },
      drain() {},
      close() {},
    });
    track(p.client);
    for (const frame of frames) p.client.write([encodeFrames([frame])]);
    await within(all, "every frame");
    // Held as views until now: a read landing on an earlier frame would show here.
    assert.equal(got.length, frames.length);
    got.forEach((body, i) => assertSameBytes(body, frames[i]));
    assert.ok(pauses > 0, "the test never paused");
  });
});

test(`${runtime.name}: pause stops data and resume restarts it`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const rx = track(p.server);
    track(p.client);
    p.client.write([pattern(1000, 1)]);
    await rx.until(() => rx.bytes === 1000, "first part");
    p.server.pause();
    p.client.write([pattern(1000, 2)]);
    await sleep(100);
    assert.equal(rx.bytes, 1000, "nothing while paused");
    p.server.resume();
    await rx.until(() => rx.bytes === 2000, "second part after resume");
    assertSameBytes(rx.joined(), concatBytes([pattern(1000, 1), pattern(1000, 2)]));
  });
});

test(`${runtime.name}: end() flushes queued bytes, then both sides close exactly once`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const rx = track(p.server);
    const tx = track(p.client);
    const big = pattern(5 * 1024 * 1024, 9);
    p.client.write([big]);
    p.client.end();
    await rx.until(() => rx.closes.length > 0, "server sees the peer close");
    assertSameBytes(rx.joined(), big);
    await tx.until(() => tx.closes.length > 0, "client closes");
    await sleep(50);
    assert.deepEqual(tx.closes, [undefined]);
    assert.deepEqual(rx.closes, [undefined]);
  });
});

test(`${runtime.name}: end() while paused with unread input still delivers everything and closes`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const rx = track(p.server);
    const tx = track(p.client);
    p.client.pause();
    // Unread bytes on the ending side: closing its fd outright would send RST, and RST can
    // make the peer's kernel throw away what it has not read yet.
    p.server.write([pattern(256 * 1024, 4)]);
    await sleep(20);
    const big = pattern(4 * 1024 * 1024, 6);
    p.client.write([big]);
    p.client.end();
    await rx.until(() => rx.closes.length > 0, "server sees the peer close");
    assert.deepEqual(rx.closes, [undefined]);
    assertSameBytes(rx.joined(), big);
    await tx.until(() => tx.closes.length > 0, "the paused, ending side closes too");
    assert.deepEqual(tx.closes, [undefined]);
  });
});

test(`${runtime.name}: a write after end() is ignored and does not cut the flush short (ipc)`, async () => {
  await inTempDir(async (dir) => {
    await withPair(ipc(join(dir, "end.sock")), async (p) => {
      const rx = track(p.server);
      const tx = track(p.client);
      const big = pattern(2 * 1024 * 1024, 5);
      p.client.write([big]);
      p.client.end();
      assert.equal(p.client.write([new Uint8Array(10)]), true);
      await rx.until(() => rx.closes.length > 0, "server sees the peer close");
      assertSameBytes(rx.joined(), big);
      await tx.until(() => tx.closes.length > 0, "client closes");
      assert.deepEqual(tx.closes, [undefined]);
    });
  });
});

test(`${runtime.name}: destroy() closes both sides exactly once, asynchronously`, async () => {
  await withPair(tcp("127.0.0.1"), async (p) => {
    const rx = track(p.server);
    const tx = track(p.client);
    p.client.write([pattern(1000)]);
    await rx.until(() => rx.bytes === 1000, "data");
    p.client.destroy();
    assert.equal(tx.closes.length, 0, "close is not reported inside destroy()");
    p.client.destroy();
    p.client.end();
    await tx.until(() => tx.closes.length > 0, "client close");
    await rx.until(() => rx.closes.length > 0, "server close");
    await sleep(50);
    assert.deepEqual(tx.closes, [undefined]);
    assert.equal(rx.closes.length, 1);
  });
});

test(`${runtime.name}: the peer's destroy() closes an idle connection once`, async () => {
  await inTempDir(async (dir) => {
    await withPair(ipc(join(dir, "peer.sock")), async (p) => {
      const rx = track(p.server);
      const tx = track(p.client);
      p.server.destroy();
      await tx.until(() => tx.closes.length > 0, "client sees the peer close");
      await rx.until(() => rx.closes.length > 0, "server close");
      await sleep(50);
      assert.equal(tx.closes.length, 1);
      assert.deepEqual(rx.closes, [undefined]);
    });
  });
});

test(`${runtime.name}: defer runs once, after the current turn`, async () => {
  const order: string[] = [];
  await within(
    new Promise<void>((resolve) => {
      runtime.defer(() => {
        order.push("deferred");
        resolve();
      });
      queueMicrotask(() => order.push("microtask"));
      order.push("sync");
    }),
    "defer",
  );
  await sleep(10);
  assert.deepEqual(order, ["sync", "microtask", "deferred"]);
});
