// The epgm engine between a socket's pipes and UDP sockets, over an in-memory multicast network
// that can lose datagrams: PUB side and SUB side as the session would create them.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Message } from "../../src/message.ts";
import { Peer } from "../../src/peer.ts";
import { type PgmConnection, PgmEngine, type PgmLoss, type PgmUdpSocket, windowPackets } from "../../src/engine/pgm.ts";
import type { EngineOptions } from "../../src/engine/types.ts";
import type { SocketType } from "../../src/zmtp/socket-type.ts";
import { bytes, texts, withTimeout } from "../support/util.ts";

const GROUP = "239.192.1.1";
const PORT = 5555;

type Handlers = Parameters<PgmUdpSocket["start"]>[0];

/** Sockets on one multicast group; each datagram may be lost (`loss`), and arrives a turn later. */
class FakeNet {
  loss = 0;
  readonly sockets: FakeSocket[] = [];
  delivered = 0;
  send(from: FakeSocket, chunks: readonly Uint8Array[], host: string, port: number): void {
    const data = chunks.length === 1 ? chunks[0].slice() : Uint8Array.from(chunks.flatMap((c) => [...c]));
    for (const to of this.sockets) {
      if (to === from || to.closed || port !== PORT) continue;
      if (host === GROUP ? !to.joined : host !== to.address) continue;
      if (Math.random() < this.loss) continue;
      setTimeout(() => {
        if (!to.closed && !to.paused) {
          this.delivered++;
          to.handlers?.datagram(data, from.address, 40000);
        }
      }, 0);
    }
  }
}

class FakeSocket implements PgmUdpSocket {
  handlers: Handlers | null = null;
  closed = false;
  paused = false;
  constructor(readonly net: FakeNet, readonly address: string, readonly joined: boolean) {
    net.sockets.push(this);
  }
  start(handlers: Handlers): void {
    this.handlers = handlers;
  }
  send(chunks: readonly Uint8Array[], host: string, port: number): boolean {
    if (!this.closed) this.net.send(this, chunks, host, port);
    return true;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.handlers?.close?.();
    }
    return Promise.resolve();
  }
}

function engineOptions(socketType: SocketType, maxMessageSize = -1): EngineOptions {
  return {
    mechanism: null as never,
    asServer: false,
    maxMessageSize,
    handshakeInterval: 0,
    socketType,
    defer: (fn) => setTimeout(fn, 0),
  };
}

function open(net: FakeNet, socketType: SocketType, address: string, options: Partial<PgmConnection> = {}) {
  const socket = new FakeSocket(net, address, socketType === "SUB" || socketType === "XSUB");
  const conn: PgmConnection = {
    kind: "epgm",
    socket,
    remoteAddress: `epgm://${address};${GROUP}:${PORT}`,
    group: GROUP,
    port: PORT,
    nla: address,
    rate: 100_000,
    recoveryInterval: 10_000,
    maxTpdu: 1500,
    destroy: () => void socket.close(),
    ...options,
  };
  const peer = Peer.withPipes(100_000, 100_000, conn.remoteAddress);
  const losses: PgmLoss[] = [];
  let closed = 0;
  const engine = new PgmEngine(conn, engineOptions(socketType), {
    ready: () => peer,
    closed: () => closed++,
    lost: (_e, loss) => losses.push(loss),
  });
  return { engine, peer, socket, losses, closed: () => closed };
}

/** Resolves with the next `n` messages of a SUB-side peer. */
function receive(peer: Peer, n: number): Promise<Message[]> {
  const got: Message[] = [];
  return withTimeout(
    new Promise((resolve) => {
      const drain = () => {
        let m;
        while ((m = peer.inbound.read()) !== undefined) got.push(m);
        if (got.length >= n) resolve(got);
      };
      peer.inbound.onReadable = drain;
      drain();
    }),
    20_000,
    `${n} messages`,
  );
}

test("pgm engine: a PUB's messages reach two SUBs whole and in order, multipart and large ones too", async () => {
  const net = new FakeNet();
  const subs = [open(net, "SUB", "10.0.0.2"), open(net, "SUB", "10.0.0.3")];
  const pub = open(net, "PUB", "10.0.0.1");
  const messages: Message[] = [];
  for (let i = 0; i < 300; i++) messages.push([bytes(`topic${i % 3}`), bytes(`message ${i}`)]);
  messages.push([new Uint8Array(100_000).map((_, i) => i & 0xff)]);
  for (const m of messages) pub.peer.outbound.write(m);
  for (const sub of subs) assert.deepEqual(await receive(sub.peer, messages.length), messages);
  pub.engine.close();
  for (const sub of subs) sub.engine.close();
});

test("pgm engine: with 10% of datagrams lost each way, repair delivers everything in order", async () => {
  const net = new FakeNet();
  const sub = open(net, "SUB", "10.0.0.2");
  const pub = open(net, "PUB", "10.0.0.1");
  net.loss = 0.1;
  const messages: Message[] = Array.from({ length: 2000 }, (_, i) => [bytes(`message ${i}`.padEnd(100, "."))]);
  for (const m of messages) pub.peer.outbound.write(m);
  assert.deepEqual((await receive(sub.peer, messages.length)).map(texts), messages.map(texts));
  assert.equal(sub.losses.length, 0);
  assert.ok(pub.engine.stats.source!.rdata > 0, "repairs were needed");
  pub.engine.close();
  sub.engine.close();
});

test("pgm engine: a SUB drops its subscriptions (it filters itself) and a PUB never delivers", async () => {
  const net = new FakeNet();
  const sub = open(net, "SUB", "10.0.0.2");
  const pub = open(net, "PUB", "10.0.0.1");
  sub.peer.outbound.write([Uint8Array.of(1, 0x61)]);
  pub.peer.outbound.write([bytes("a")]);
  await receive(sub.peer, 1);
  assert.equal(sub.peer.outbound.size, 0);
  assert.equal(pub.peer.inbound.size, 0);
  pub.engine.close();
  sub.engine.close();
});

test("pgm engine: garbage datagrams are dropped and the session goes on", async () => {
  const net = new FakeNet();
  const sub = open(net, "SUB", "10.0.0.2");
  const pub = open(net, "PUB", "10.0.0.1");
  for (const junk of [new Uint8Array(0), new Uint8Array(3), new Uint8Array(200).fill(0xff)]) {
    sub.socket.handlers!.datagram(junk, "10.0.0.9", 1);
    pub.socket.handlers!.datagram(junk, "10.0.0.9", 1);
  }
  pub.peer.outbound.write([bytes("still here")]);
  assert.deepEqual((await receive(sub.peer, 1)).map(texts), [["still here"]]);
  pub.engine.close();
  sub.engine.close();
});

test("pgm engine: a graceful close sends what was queued, answers NAKs a while, then says goodbye (OPT_FIN)", async () => {
  const net = new FakeNet();
  const sub = open(net, "SUB", "10.0.0.2");
  const pub = open(net, "PUB", "10.0.0.1");
  for (let i = 0; i < 20; i++) pub.peer.outbound.write([bytes(`m${i}`)]);
  await pub.engine.whenFlushed();
  pub.engine.close(true);
  assert.equal(pub.socket.closed, false, "still answering NAKs");
  await withTimeout(pub.engine.gone!, 5000, "the source's goodbye");
  assert.equal(pub.socket.closed, true);
  assert.equal((await receive(sub.peer, 20)).length, 20);
  sub.engine.close();
});

test("pgm engine: libzmq's window size is recoveryInterval's worth at the rate, in full TPDUs", () => {
  assert.equal(windowPackets(100, 10_000, 1500), 80, "libzmq's defaults");
  assert.equal(windowPackets(1, 1, 1500), 1);
});
