// omq against libzmq 4.3 for PUB–SUB, PUB–XSUB, XPUB–SUB and XPUB–XSUB: omq on either side,
// either side binding, over tcp and ipc. Checks filtering at the publisher and the
// subscription messages an XPUB sees.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as omq from "../../mod.ts";
import { type Libzmq, startLibzmq } from "../support/libzmq.ts";
import { tempIpcPath, texts } from "../support/util.ts";

let zmq: Libzmq;
before(async () => {
  zmq = await startLibzmq();
});
after(async () => {
  await zmq.close();
});

type PubKind = "pub" | "xpub";
type SubKind = "sub" | "xsub";

interface Side {
  /** Resolves when a connection's handshake is done, on this side. */
  connected(): Promise<void>;
  bind(endpoint: string): Promise<string>;
  connect(endpoint: string): Promise<void>;
  send(frames: (string | Uint8Array)[]): Promise<void>;
  receive(timeout?: number): Promise<Uint8Array[]>;
  subscribe(prefix: string, on: boolean): Promise<void>;
  close(): Promise<void>;
}

const sub = (prefix: string, on: boolean) => new Uint8Array([on ? 1 : 0, ...new TextEncoder().encode(prefix)]);

function omqSide(kind: PubKind | SubKind): Side {
  const classes = { pub: omq.Publisher, xpub: omq.XPublisher, sub: omq.Subscriber, xsub: omq.XSubscriber };
  const s = new classes[kind]({ linger: 0 });
  const handshake = (async () => {
    for await (const e of s.events) if (e.type === "handshake") return;
  })();
  return {
    connected: () => handshake,
    async bind(ep) {
      await s.bind(ep);
      return s.lastEndpoint!;
    },
    connect: (ep) => Promise.resolve(s.connect(ep)),
    send: (frames) => s.send(frames),
    // receiveTimeout, not a race: an abandoned receive() would swallow the next message.
    receive(timeout = 5000) {
      s.receiveTimeout = timeout;
      return s.receive();
    },
    async subscribe(prefix, on) {
      if (s instanceof omq.Subscriber) on ? s.subscribe(prefix) : s.unsubscribe(prefix);
      else await s.send(sub(prefix, on));
    },
    close: () => s.close(),
  };
}

async function libzmqSide(kind: PubKind | SubKind): Promise<Side> {
  const s = await zmq.socket(kind, { linger: 0 });
  return {
    connected: async () => {
      await s.waitEvent("handshake", { timeout: 5000 });
    },
    bind: (ep) => s.bind(ep),
    connect: (ep) => s.connect(ep),
    send: (frames) => s.send(frames),
    receive: (timeout = 5000) => s.receive({ timeout }),
    subscribe: (prefix, on) =>
      kind === "sub" ? (on ? s.subscribe(prefix) : s.unsubscribe(prefix)) : s.send(sub(prefix, on)),
    close: () => s.close(),
  };
}

/**
 * Waits until the subscriptions reached the publisher: an XPUB reports them; with a PUB, publish
 * until one arrives. A bound libzmq (X)SUB attaches an accepted connection (and sends it its
 * subscriptions) only when the application next calls into the socket (libzmq issue #2267), so
 * while the XPUB sees nothing, poke the subscriber with a short receive: nothing is published
 * yet, so the poke cannot swallow a message.
 */
async function sync(pubKind: PubKind, publisher: Side, subscriber: Side): Promise<void> {
  if (pubKind === "xpub") {
    const seen = new Set<string>();
    for (let i = 0; seen.size < 2; i++) {
      if (i > 200) throw new Error("the XPUB never saw the subscriptions");
      const got = await publisher.receive(20).catch(() => null);
      if (got) seen.add(String([...got[0]]));
      else await subscriber.receive(5).catch(() => null);
    }
    assert.deepEqual([...seen].sort(), [String([1, 65]), String([1, 66])], "XPUB sees \\x01A and \\x01B");
  }
  // Both prefixes: the two subscriptions travel separately, and the second may still be on its way
  // when the first one's messages arrive.
  const synced = new Set<string>();
  for (let i = 0; i < 300; i++) {
    for (const topic of ["A", "B"]) if (!synced.has(topic)) await publisher.send([topic, "sync"]);
    for (let got; (got = await subscriber.receive(20).catch(() => null));) synced.add(texts(got)[0]!);
    if (synced.has("A") && synced.has("B")) return;
  }
  throw new Error(`the subscriptions never reached the publisher (synced: ${[...synced]})`);
}

const endpoints = { tcp: () => "tcp://127.0.0.1:*", ipc: () => tempIpcPath() };

for (const pubKind of ["pub", "xpub"] as const) {
  for (const subKind of ["sub", "xsub"] as const) {
    for (const [transport, endpoint] of Object.entries(endpoints)) {
      for (const omqIs of ["publisher", "subscriber"] as const) {
        for (const binder of ["publisher", "subscriber"] as const) {
          test(`${transport}: ${pubKind.toUpperCase()}–${subKind.toUpperCase()}, omq ${omqIs}, ${binder} binds`, async () => {
            const publisher = omqIs === "publisher" ? omqSide(pubKind) : await libzmqSide(pubKind);
            const subscriber = omqIs === "subscriber" ? omqSide(subKind) : await libzmqSide(subKind);
            if (binder === "publisher") await subscriber.connect(await publisher.bind(endpoint()));
            else await publisher.connect(await subscriber.bind(endpoint()));
            // A bound libzmq (X)SUB sends a subscription only to connections it has attached: wait for both ends.
            if (binder === "subscriber") await Promise.all([publisher.connected(), subscriber.connected()]);
            await subscriber.subscribe("A", true);
            await subscriber.subscribe("B", true);
            await sync(pubKind, publisher, subscriber);
            for (const topic of ["A1", "C1", "B1", "AB", "c"]) await publisher.send([topic, "x"]);
            await publisher.send(["A", "end"]);
            const got: string[] = [];
            for (;;) {
              const [topic, body] = texts(await subscriber.receive());
              if (body === "end") break;
              if (body !== "sync") got.push(topic);
            }
            assert.deepEqual(got, ["A1", "B1", "AB"], "filtered at the publisher (and the SUB)");
            await subscriber.subscribe("A", false);
            if (pubKind === "xpub") {
              assert.deepEqual([...(await publisher.receive())[0]], [0, 65], "XPUB sees \\x00A");
            }
            await subscriber.close();
            await publisher.close();
          });
        }
      }
    }
  }
}
