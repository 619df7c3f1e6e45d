/**
 * The soak's lanes: one pattern over one transport, at a steady rate, with every message numbered
 * so the receiving end counts what is lost, duplicated or out of order. A lane may be restarted
 * (its bound side closed and bound again) or cut by a partition; its promise says what may be
 * lost then.
 *
 * @example
 * ```ts
 * const lane = await pushPull("tcp", { rate: 500 });
 * // ... later
 * await lane.stop();
 * lane.stats.lost; // 0
 * ```
 *
 * @module
 */
import {
  Dealer,
  Pair,
  proxy,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  type Socket,
  type SocketEventType,
  type SocketOptions,
  Subscriber,
  XPublisher,
  XSubscriber,
} from "../../mod.ts";
import { sleep, tempIpcPath } from "./util.ts";

/** tcp, ipc, inproc or ws. */
export type Transport = "tcp" | "ipc" | "inproc" | "ws";

/** What a lane may lose: nothing; what is in flight when a connection dies; anything (PUB drops at HWM). */
export type LanePromise = "none-lost" | "at-most-once" | "no-promise";

/** Counts of one lane. */
export class LaneStats {
  sent = 0;
  received = 0;
  lost = 0;
  duplicated = 0;
  reordered = 0;
  #next = 0;
  #started = false;

  /** One message numbered `n` arrived; `fromFirst` starts counting at the first one seen (PUB/SUB joins late). */
  take(n: number, fromFirst = false): void {
    this.received++;
    if (fromFirst && !this.#started) this.#next = n;
    this.#started = true;
    if (n === this.#next) this.#next++;
    else if (n > this.#next) {
      this.lost += n - this.#next;
      this.#next = n + 1;
    } else this.reordered++;
  }

  /** The sender was still blocked 5 s after the lane was told to stop (a peer that never came back). */
  stuck = false;

  /** Messages sent that have not arrived yet (or never will). */
  get outstanding(): number {
    return this.sent - this.#next;
  }

  /** At the end, what never arrived is lost. */
  settle(): void {
    if (this.outstanding > 0) this.lost += this.outstanding;
    this.#next = this.sent;
  }
}

/** A running lane. */
export interface Lane {
  readonly name: string;
  readonly promise: LanePromise;
  readonly stats: LaneStats;
  /** Bound tcp/ipc/ws endpoints a hostile peer can reach. */
  readonly endpoints: string[];
  /** Closes the bound side and binds a fresh socket at the same endpoint (a peer restart). */
  restart?(): Promise<void>;
  /** Stops sending, waits a little for what is in flight, closes everything. */
  stop(): Promise<void>;
}

/** Lane options: messages per second, options for every socket, and words added to the lane's name. */
export interface LaneOptions {
  rate: number;
  socket?: SocketOptions;
  label?: string;
}

/** Options every soak socket takes: a quick reconnect, hostile peers kept short. */
export const SOAK_SOCKET: SocketOptions = {
  linger: 0,
  reconnectInterval: 50,
  reconnectMaxInterval: 1000,
  handshakeInterval: 2000,
  maxMessageSize: 1 << 20,
};

/** Every event the soak's sockets emitted, by type. */
export const eventTally: Partial<Record<SocketEventType, number>> = {};

const EVENT_TYPES: SocketEventType[] = [
  "accept",
  "accept:error",
  "bind",
  "close",
  "connect",
  "connect:delay",
  "connect:retry",
  "disconnect",
  "handshake",
  "handshake:error:auth",
  "handshake:error:other",
  "handshake:error:protocol",
];

/**
 * Counts a socket's events as a monitoring application would read them. Unread, a socket keeps its
 * last 1,000 events (each error event with its stack): a plateau the soak would mistake for growth.
 */
function watched<S extends Socket>(socket: S): S {
  for (const type of EVENT_TYPES) socket.events.on(type, () => (eventTally[type] = (eventTally[type] ?? 0) + 1));
  return socket;
}

let names = 0;

/** A fresh endpoint to bind on `transport`. */
export function endpointFor(transport: Transport): string {
  switch (transport) {
    case "tcp":
      return "tcp://127.0.0.1:*";
    case "ipc":
      return tempIpcPath(`soak-${names++}`);
    case "inproc":
      return `inproc://soak-${names++}`;
    case "ws":
      return "ws://127.0.0.1:*/soak";
  }
}

const PAYLOAD = new Uint8Array(100).fill(0x61);
const numberOf = (frame: Uint8Array): number => new DataView(frame.buffer, frame.byteOffset, 4).getUint32(0);
const numbered = (n: number): Uint8Array => {
  const f = new Uint8Array(4);
  new DataView(f.buffer).setUint32(0, n);
  return f;
};
const isClosed = (err: unknown) => (err as { code?: string })?.code === "ETERM";

/** Sends `rate` messages a second in 20 bursts, until stopped; `send` may wait (lockstep patterns). */
function pump(rate: number, running: () => boolean, send: () => Promise<void>): Promise<void> {
  const burst = Math.max(1, Math.round(rate / 20));
  return (async () => {
    try {
      while (running()) {
        for (let i = 0; i < burst && running(); i++) await send();
        await sleep(50);
      }
    } catch (err) {
      if (!isClosed(err)) throw err;
    }
  })();
}

/** Receives until the socket closes. */
function drain(socket: Socket, take: (m: Uint8Array[]) => void | Promise<void>): Promise<void> {
  return (async () => {
    try {
      for (;;) await take(await socket.receive());
    } catch (err) {
      if (!isClosed(err)) throw err;
    }
  })();
}

/** Waits for the sender to notice the stop; one blocked 5 s (no peer to send to) is marked stuck. */
async function stopped(driving: Promise<void>, stats: LaneStats): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), 5000)));
  if (await Promise.race([driving, late]) === "late") stats.stuck = true;
  clearTimeout(timer);
}

/** Waits up to `ms` for `stats` to have nothing outstanding. */
async function settle(stats: LaneStats, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (stats.outstanding > 0 && Date.now() < end) await sleep(20);
}

const bound = (s: Socket, transport: Transport) => (transport === "inproc" ? [] : [s.lastEndpoint!]);

/**
 * A two-socket lane: `server` binds, `client` connects, `run` drives messages. Restarting closes
 * the server and binds a new one at the same endpoint; `onServer` sets up each server.
 */
async function lane(
  o: LaneOptions,
  name: string,
  promise: LanePromise,
  transport: Transport,
  makeServer: () => Socket,
  makeClient: () => Socket,
  onServer: (server: Socket, stats: LaneStats) => Promise<void>,
  run: (client: Socket, stats: LaneStats, running: () => boolean) => Promise<void>,
): Promise<Lane> {
  const stats = new LaneStats();
  let running = true;
  let server = makeServer();
  await server.bind(endpointFor(transport));
  const endpoint = server.lastEndpoint!;
  let serving = onServer(server, stats);
  const client = makeClient();
  client.connect(endpoint);
  const driving = run(client, stats, () => running);
  return {
    name: `${name} ${transport}${o.label ? ` ${o.label}` : ""}`,
    promise,
    stats,
    endpoints: bound(server, transport),
    async restart() {
      await server.close();
      await serving;
      server = makeServer();
      await server.bind(endpoint);
      serving = onServer(server, stats);
    },
    async stop() {
      running = false;
      await stopped(driving, stats);
      await settle(stats);
      stats.settle();
      await client.close(); // a stuck send rejects with ETERM now
      await driving;
      await server.close();
      await serving;
    },
  };
}

/** PUSH → PULL: nothing lost while the connection lives. */
export function pushPull(transport: Transport, o: LaneOptions, promise: LanePromise = "none-lost"): Promise<Lane> {
  const opts = { ...SOAK_SOCKET, ...o.socket };
  return lane(
    o,
    "PUSH/PULL",
    promise,
    transport,
    () => watched(new Pull(opts)),
    () => watched(new Push(opts)),
    (pull, stats) => drain(pull, (m) => stats.take(numberOf(m[0]))),
    (push, stats, running) =>
      pump(o.rate, running, async () => {
        await push.send([numbered(stats.sent++), PAYLOAD]);
      }),
  );
}

/** PAIR → PAIR, one way. */
export function pair(transport: Transport, o: LaneOptions): Promise<Lane> {
  const opts = { ...SOAK_SOCKET, ...o.socket };
  return lane(
    o,
    "PAIR",
    "none-lost",
    transport,
    () => watched(new Pair(opts)),
    () => watched(new Pair(opts)),
    (a, stats) => drain(a, (m) => stats.take(numberOf(m[0]))),
    (b, stats, running) =>
      pump(o.rate, running, async () => {
        await b.send([numbered(stats.sent++), PAYLOAD]);
      }),
  );
}

/** REQ ⇄ REP: each request answered; with correlate+relaxed and a timeout where the REP may restart. */
export function reqRep(transport: Transport, o: LaneOptions, promise: LanePromise = "none-lost"): Promise<Lane> {
  const opts = { ...SOAK_SOCKET, ...o.socket };
  const restartable = promise !== "none-lost";
  return lane(
    o,
    "REQ/REP",
    promise,
    transport,
    () => watched(new Reply(opts)),
    () =>
      watched(
        new Request({ ...opts, ...(restartable ? { correlate: true, relaxed: true, receiveTimeout: 1000 } : {}) }),
      ),
    (rep) => drain(rep, (m) => rep.send(m)),
    (req, stats, running) =>
      pump(o.rate, running, async () => {
        const n = stats.sent++;
        await req.send([numbered(n), PAYLOAD]);
        try {
          stats.take(numberOf((await req.receive())[0]));
        } catch (err) {
          // The reply died with its connection (the REP restarted): relaxed lets the next request go.
          if (!restartable || (err as { code?: string }).code !== "EAGAIN") throw err;
        }
      }),
  );
}

/** DEALER ⇄ ROUTER echo: the router routes each message back by its routing id. */
export function dealerRouter(transport: Transport, o: LaneOptions, promise: LanePromise = "none-lost"): Promise<Lane> {
  const opts = { ...SOAK_SOCKET, ...o.socket };
  let dealer: Dealer | null = null;
  return lane(
    o,
    "DEALER/ROUTER",
    promise,
    transport,
    () => watched(new Router(opts)),
    () => (dealer = watched(new Dealer(opts))),
    (router) => drain(router, (m) => router.send(m)),
    (client, stats, running) => {
      const receiving = drain(dealer!, (m) => stats.take(numberOf(m[0])));
      const sending = pump(o.rate, running, async () => {
        await client.send([numbered(stats.sent++), PAYLOAD]);
      });
      void receiving;
      return sending;
    },
  );
}

/** PUB → SUB (everything): PUB drops at the high-water mark, so nothing is promised; counted from the first. */
export function pubSub(transport: Transport, o: LaneOptions): Promise<Lane> {
  const opts = { ...SOAK_SOCKET, ...o.socket };
  return lane(
    o,
    "PUB/SUB",
    "no-promise",
    transport,
    () => {
      const sub = watched(new Subscriber(opts));
      sub.subscribe();
      return sub;
    },
    () => watched(new Publisher(opts)),
    (sub, stats) => drain(sub, (m) => stats.take(numberOf(m[0]), true)),
    (pub, stats, running) =>
      pump(o.rate, running, async () => {
        await pub.send([numbered(stats.sent++), PAYLOAD]);
      }),
  );
}

/** PUB → XSUB | proxy | XPUB → SUB; the PUB and the proxy's front bind, the SUB connects to the back. */
export async function proxied(transport: Transport, o: LaneOptions): Promise<Lane> {
  const opts = { ...SOAK_SOCKET, ...o.socket };
  const stats = new LaneStats();
  let running = true;
  const pub = watched(new Publisher(opts));
  await pub.bind(endpointFor(transport));
  const xsub = watched(new XSubscriber(opts));
  const xpub = watched(new XPublisher(opts));
  xsub.connect(pub.lastEndpoint!);
  await xpub.bind(endpointFor(transport));
  const forwarding = proxy(xsub, xpub);
  const sub = watched(new Subscriber(opts));
  sub.subscribe();
  sub.connect(xpub.lastEndpoint!);
  const receiving = drain(sub, (m) => stats.take(numberOf(m[0]), true));
  const sending = pump(o.rate, () => running, async () => {
    await pub.send([numbered(stats.sent++), PAYLOAD]);
  });
  return {
    name: `XPUB/XSUB proxy ${transport}${o.label ? ` ${o.label}` : ""}`,
    promise: "no-promise",
    stats,
    endpoints: [...bound(pub, transport), ...bound(xpub, transport)],
    async stop() {
      running = false;
      await stopped(sending, stats);
      await settle(stats);
      stats.settle();
      await sub.close();
      await receiving;
      await pub.close();
      await xsub.close();
      await xpub.close();
      await forwarding;
    },
  };
}
