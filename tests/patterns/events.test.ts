// Monitor events (`socket.events`): each type of API.md, with the address, interval and error
// zeromq.js gives, in the order libzmq emits them, ending with `end`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect as netConnect, type Socket as NetSocket } from "node:net";
import {
  Context,
  curveKeyPair,
  Pair,
  Pull,
  Push,
  Router,
  type Socket,
  type SocketEvent,
  type SocketEventType,
  ZAP_ENDPOINT,
} from "../../mod.ts";
import { runtimeCommand } from "../support/cli.ts";
import { eventually, withTimeout } from "../support/util.ts";
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Records a socket's events from now on; `next` waits for the first unseen one of a type. */
function recorder(socket: Socket) {
  const seen: SocketEvent[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  const done = (async () => {
    for await (const event of socket.events) {
      seen.push(event);
      for (const w of waiters.splice(0)) w();
    }
    ended = true;
    for (const w of waiters.splice(0)) w();
  })();
  let from = 0;
  return {
    seen,
    done,
    types: () => seen.map((e) => e.type),
    /** The next event of `type` after the last one `next` returned. */
    next(type: SocketEventType, ms = 10_000): Promise<SocketEvent> {
      const find = () => {
        const i = seen.findIndex((e, k) => k >= from && e.type === type);
        if (i < 0) return null;
        from = i + 1;
        return seen[i]!;
      };
      return new Promise<SocketEvent>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} event in ${ms} ms; seen: ${this.types()}`)), ms);
        const check = () => {
          const e = find();
          if (e) return clearTimeout(timer), resolve(e);
          if (ended) return clearTimeout(timer), reject(new Error(`events ended without ${type}: ${this.types()}`));
          waiters.push(check);
        };
        check();
      });
    },
  };
}

test("binder: bind, accept, handshake, disconnect, close, then end, each with its address", async () => {
  const pull = new Pull();
  const events = recorder(pull);
  await pull.bind("tcp://127.0.0.1:*");
  const endpoint = pull.lastEndpoint!;
  assert.deepEqual(await events.next("bind"), { type: "bind", address: endpoint });

  const push = new Push({ linger: 0 });
  push.connect(endpoint);
  assert.equal((await events.next("accept")).address, endpoint);
  assert.equal((await events.next("handshake")).address, endpoint);
  await push.close();
  assert.equal((await events.next("disconnect")).address, endpoint);

  await pull.close();
  assert.equal((await events.next("close")).address, endpoint);
  await withTimeout(events.done, 5000, "events to end");
  assert.equal(events.seen.at(-1)!.type, "end");
  assert.deepEqual(events.types(), ["bind", "accept", "handshake", "disconnect", "close", "end"]);
});

test("connector: connect:delay and connect:retry back off up to reconnectMaxInterval, then connect and handshake", async () => {
  // A port nobody listens on (bound and released), so attempts are refused until the Pull binds it.
  const probe = new Pull();
  await probe.bind("tcp://127.0.0.1:*");
  const endpoint = probe.lastEndpoint!;
  await probe.close();

  const push = new Push({ linger: 0, reconnectInterval: 20, reconnectMaxInterval: 80 });
  const events = recorder(push);
  push.connect(endpoint);
  assert.deepEqual(await events.next("connect:delay"), { type: "connect:delay", address: endpoint });
  const intervals: number[] = [];
  for (let i = 0; i < 4; i++) {
    const retry = await events.next("connect:retry");
    assert.equal(retry.address, endpoint);
    intervals.push(retry.interval!);
  }
  // As libzmq's connecter: each refused attempt closes its fd (a `close` event) before the retry.
  assert.deepEqual(events.types().slice(0, 3), ["connect:delay", "close", "connect:retry"]);
  // libzmq: the interval doubles from reconnectInterval up to the max, plus up to one interval of jitter.
  for (const ms of intervals) assert.ok(ms >= 20 && ms < 100, `retry interval ${ms} ms in [20, 100)`);
  assert.ok(intervals[0]! < 40 && intervals[3]! >= 80, `backs off: ${intervals}`);

  const pull = new Pull({ linger: 0 });
  await pull.bind(endpoint);
  assert.equal((await events.next("connect")).address, endpoint);
  assert.equal((await events.next("handshake")).address, endpoint);
  await pull.close();
  assert.equal((await events.next("disconnect")).address, endpoint);
  await push.close();
  await withTimeout(events.done, 5000, "events to end");
});

test("bind:error carries the endpoint and EADDRINUSE", async () => {
  await using first = new Pull();
  await first.bind("tcp://127.0.0.1:*");
  await using second = new Pull();
  const events = recorder(second);
  await assert.rejects(second.bind(first.lastEndpoint!), { code: "EADDRINUSE" });
  const e = await events.next("bind:error");
  assert.equal(e.address, first.lastEndpoint);
  assert.equal((e.error as { code?: string }).code, "EADDRINUSE");
  assert.match(e.error!.message, /127\.0\.0\.1/);
});

test("handshake:error:protocol for an incompatible peer, handshake:error:other for a CURVE client without keys", async () => {
  await using pull = new Pull();
  const binder = recorder(pull);
  await pull.bind("tcp://127.0.0.1:*");
  await using pair = new Pair({ linger: 0 });
  pair.connect(pull.lastEndpoint!);
  const protocol = await binder.next("handshake:error:protocol");
  assert.equal(protocol.address, pull.lastEndpoint);
  assert.match(protocol.error!.message, /PAIR/);
  // As libzmq: the connection that failed its handshake is reported gone too.
  assert.equal((await binder.next("disconnect")).address, pull.lastEndpoint);

  const server = curveKeyPair();
  await using curveServer = new Pull({ curveServer: true, curveSecretKey: server.secretKey });
  await curveServer.bind("tcp://127.0.0.1:*");
  await using curve = new Push({ linger: 0, curveServerKey: server.publicKey });
  const client = recorder(curve);
  curve.connect(curveServer.lastEndpoint!);
  const other = await client.next("handshake:error:other");
  assert.equal(other.address, curveServer.lastEndpoint);
  assert.match(other.error!.message, /curvePublicKey/);
  assert.equal((await client.next("disconnect")).address, curveServer.lastEndpoint);
});

test("handshake:error:auth when ZAP refuses; handshake:error:other when a PLAIN server has no ZAP handler (libzmq's NO_DETAIL)", async () => {
  const context = new Context();
  await using server = new Pull({ context, plainServer: true });
  const events = recorder(server);
  await server.bind("tcp://127.0.0.1:*");
  await using client = new Push({ linger: 0, plainUsername: "admin", plainPassword: "wrong" });
  const clientEvents = recorder(client);
  client.connect(server.lastEndpoint!);
  const other = await events.next("handshake:error:other");
  assert.equal(other.error!.status, undefined, "no ZAP status without a ZAP reply");
  assert.equal(other.address, server.lastEndpoint);
  assert.match(other.error!.message, /ZAP/);

  await using zap = new Router({ context, linger: 0 });
  await zap.bind(`inproc://${ZAP_ENDPOINT}`);
  void (async () => {
    for await (const [id, empty, version, requestId] of zap) {
      await zap.send([id!, empty!, version!, requestId!, "400", "No", "", ""]);
    }
  })().catch(() => {});
  const auth = await events.next("handshake:error:auth");
  assert.equal(auth.address, server.lastEndpoint);
  assert.ok(auth.error instanceof Error);
  // zeromq.js's AuthError: the ZAP status, on the server and on the refused client (from its ERROR command).
  assert.equal(auth.error.status, 400);
  assert.equal((await clientEvents.next("handshake:error:auth")).error!.status, 400);
});

const EMFILE_FIXTURE = fileURLToPath(new URL("../fixtures/accept-emfile.ts", import.meta.url).href);
const isDeno = (globalThis as { Deno?: unknown }).Deno !== undefined;

test("accept:error (EMFILE) costs only that connection: the listener goes on accepting", {
  // Only Deno reports a failed accept. Node's libuv and Bun drop the connection they cannot
  // accept without telling (libuv's "EMFILE trick"), so there is no event to see there.
  skip: isDeno ? false : "this runtime reports no accept errors",
}, async () => {
  // The listener runs in a child limited to 128 file descriptors; we hold connections open until it runs out.
  const [cmd, ...args] = runtimeCommand(EMFILE_FIXTURE);
  const child = spawn("sh", ["-c", `ulimit -n 128 && exec "$0" "$@"`, cmd!, ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1" },
  });
  const lines: string[] = [];
  let wake = () => {};
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    lines.push(...chunk.split("\n").filter(Boolean));
    wake();
  });
  const line = (re: RegExp) =>
    withTimeout(
      new Promise<string>((resolve) => {
        const check = () => {
          const found = lines.find((l) => re.test(l));
          if (found) resolve(found);
          else wake = check;
        };
        check();
      }),
      30_000,
      `fixture line ${re} (got ${JSON.stringify(lines)})`,
    );
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  const held: NetSocket[] = [];
  try {
    const endpoint = (await line(/^tcp:/)).trim();
    const port = Number(endpoint.split(":").pop());
    for (let i = 0; i < 400 && !lines.some((l) => l.startsWith("accept:error")); i++) {
      const s = netConnect({ host: "127.0.0.1", port });
      s.on("error", () => {});
      held.push(s);
      if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.match(await line(/^accept:error/), /^accept:error EMFILE tcp:\/\/127\.0\.0\.1:\d+$/);
    for (const s of held) s.destroy();
    // The same listener still takes new peers: a Push gets a message through once fds are free again.
    await using push = new Push({ linger: 0, reconnectInterval: 50 });
    push.connect(endpoint);
    await push.send("after");
    assert.equal(await line(/^received/), "received after");
    assert.equal(await withTimeout(exited, 10_000, "fixture exit"), 0);
  } finally {
    for (const s of held) s.destroy();
    child.kill("SIGKILL");
  }
});

test("events.receive() and events.on() as zeromq.js's Observer: receive reads in order, on() takes over", async () => {
  const pull = new Pull({ linger: 0 });
  await pull.bind("tcp://127.0.0.1:*");
  const endpoint = pull.lastEndpoint!;
  assert.deepEqual(await withTimeout(pull.events.receive(), 5000, "bind"), { type: "bind", address: endpoint });

  // A reader waiting when the first listener is added is told, not left hanging.
  const waiting = pull.events.receive();
  const accepts: string[] = [];
  const handshakes: SocketEvent[] = [];
  const onHandshake = (e: SocketEvent) => handshakes.push(e);
  let ended: () => void;
  const end = new Promise<void>((resolve) => (ended = resolve));
  pull.events
    .on("accept", (e) => accepts.push(e.address!))
    .on("handshake", onHandshake)
    .on("end", () => ended());
  await assert.rejects(waiting, (e: { code?: string }) => e.code === "EFSM");
  await assert.rejects(pull.events.receive(), (e: { code?: string }) => e.code === "EFSM");
  await assert.rejects(pull.events[Symbol.asyncIterator]().next(), (e: { code?: string }) => e.code === "EFSM");

  const push = new Push({ linger: 0 });
  push.connect(endpoint);
  await push.send("x");
  await withTimeout(pull.receive(), 5000, "message");
  await withTimeout(eventually(() => handshakes.length === 1), 5000, "handshake listener");
  assert.deepEqual(accepts, [endpoint]);
  assert.equal(handshakes[0].type, "handshake");

  // off() removes just that listener: a second connection's handshake is not seen.
  pull.events.off("handshake", onHandshake);
  const push2 = new Push({ linger: 0 });
  push2.connect(endpoint);
  await push2.send("y");
  await withTimeout(pull.receive(), 5000, "second message");
  await withTimeout(eventually(() => accepts.length === 2), 5000, "second accept");
  assert.equal(handshakes.length, 1);

  await push.close();
  await push2.close();
  await pull.close();
  await withTimeout(end, 5000, "the end listener");
});

test("events.receive() rejects with ETERM once the socket's events have ended", async () => {
  const push = new Push({ linger: 0 });
  await push.close();
  const seen: string[] = [];
  for await (const e of push.events) seen.push(e.type);
  assert.deepEqual(seen, ["end"]);
  await assert.rejects(push.events.receive(), (e: { code?: string }) => e.code === "ETERM");
  assert.equal(push.events.closed, true);
});

test("events.close() ends a waiting for-await and keeps nothing more; the socket goes on working", async () => {
  const pull = new Pull({ linger: 0 });
  const seen: string[] = [];
  const reading = (async () => {
    for await (const e of pull.events) seen.push(e.type);
  })();
  await pull.bind("tcp://127.0.0.1:*");
  await withTimeout(eventually(() => seen.length === 1), 5000, "bind seen");
  assert.equal(pull.events.closed, false);
  pull.events.close();
  await withTimeout(reading, 5000, "the for-await ends");
  assert.equal(pull.events.closed, true);
  const push = new Push({ linger: 0 });
  push.connect(pull.lastEndpoint!);
  await push.send("still works");
  assert.deepEqual((await withTimeout(pull.receive(), 5000, "message")).map((f) => new TextDecoder().decode(f)), [
    "still works",
  ]);
  assert.deepEqual(seen, ["bind"]);
  await push.close();
  await pull.close();
});
