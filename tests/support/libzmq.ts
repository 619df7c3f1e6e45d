/**
 * libzmq interop harness: real libzmq (zeromq.js v6) running in a separate Node
 * child process (tests/support/libzmq-peer.cjs), driven over stdio. The same code
 * works from tests on Node, Deno and Bun; zeromq.js itself is only ever loaded by Node.
 *
 * ```ts
 * await using zmq = await startLibzmq();
 * const pull = await zmq.socket("pull");
 * const endpoint = await pull.bind("tcp://127.0.0.1:*");
 * const msg = await pull.receive({ timeout: 5000 });   // Uint8Array[]
 * await zmq.close();                                    // or let `await using` do it
 * ```
 *
 * Send and receive take `{ timeout }` in ms (default {@link DEFAULT_TIMEOUT}, -1 waits
 * forever) and reject with code "EAGAIN" when it expires; the harness owns the libzmq
 * sendTimeout/receiveTimeout options for this. Calls on one socket may overlap: the
 * peer queues sends behind sends and receives behind receives.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { Buffer } from "node:buffer";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** zeromq.js class names in lower case, plus the usual short names. */
export type LibzmqSocketType =
  | "pair"
  | "publisher"
  | "pub"
  | "subscriber"
  | "sub"
  | "xpublisher"
  | "xpub"
  | "xsubscriber"
  | "xsub"
  | "request"
  | "req"
  | "reply"
  | "rep"
  | "dealer"
  | "router"
  | "push"
  | "pull"
  | "stream"
  // libzmq's draft types, from zeromq.js's draft build:
  | "server"
  | "client"
  | "radio"
  | "dish"
  | "scatter"
  | "gather"
  | "datagram";

/** A draft socket's single frame with its option: `{ routingId }` (SERVER) or `{ group }` (RADIO/DISH). */
export interface DraftMessage {
  frame: Uint8Array;
  routingId?: number;
  group?: Uint8Array;
}

export type FrameInput = string | Uint8Array;
export type MessageInput = FrameInput | FrameInput[];
/** zeromq.js option values; Uint8Array arrives in libzmq as a Buffer. */
export type OptionValue = string | number | boolean | null | Uint8Array;

export interface TimeoutOptions {
  /** Milliseconds; -1 waits forever. Default {@link DEFAULT_TIMEOUT}. */
  timeout?: number;
}

/** A zeromq.js socket event (`socket.events`), as seen by the libzmq side. */
export interface LibzmqEvent {
  type: string;
  address?: string;
  interval?: number;
  error?: { message: string; code?: string };
}

export class LibzmqError extends Error {
  code?: string;
  errno?: number;
  constructor(message: string, code?: string, errno?: number) {
    super(message);
    this.name = "LibzmqError";
    if (code !== undefined) this.code = code;
    if (errno !== undefined) this.errno = errno;
  }
}

export const DEFAULT_TIMEOUT = 10_000;
/** Extra time the client allows the peer beyond an operation's own timeout. */
const RPC_GRACE = 30_000;

const PEER = fileURLToPath(new URL("./libzmq-peer.cjs", import.meta.url).href);

/** The `node` to run the peer with: this one on Node, else $OMQ_NODE or `node` from PATH. */
export function nodeBinary(): string {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (process.env.OMQ_NODE) return process.env.OMQ_NODE;
  return g.Deno === undefined && g.Bun === undefined ? process.execPath : "node";
}

type Wire = string | number | boolean | null | { $b64: string } | Wire[] | { [k: string]: Wire | undefined };

const toBuffer = (f: FrameInput): Buffer =>
  typeof f === "string" ? Buffer.from(f, "utf8") : Buffer.from(f.buffer, f.byteOffset, f.byteLength);
const encodeFrame = (f: FrameInput): string => toBuffer(f).toString("base64");
const encodeMessage = (m: MessageInput): string[] => (Array.isArray(m) ? m : [m]).map(encodeFrame);
const decodeFrame = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, "base64"));
const encodeValue = (v: OptionValue): Wire => (v instanceof Uint8Array ? { $b64: encodeFrame(v) } : v);
function decodeValue(v: unknown): unknown {
  if (v !== null && typeof v === "object" && typeof (v as { $b64?: unknown }).$b64 === "string") {
    return decodeFrame((v as { $b64: string }).$b64);
  }
  return v;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer?: ReturnType<typeof setTimeout>;
}

/** Splits a text stream into lines without quadratic joins (lines may be megabytes long). */
function onLines(stream: NodeJS.ReadableStream, cb: (line: string) => void): void {
  let parts: string[] = [];
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    let start = 0;
    let nl: number;
    while ((nl = chunk.indexOf("\n", start)) >= 0) {
      parts.push(chunk.slice(start, nl));
      const line = parts.join("");
      parts = [];
      if (line) cb(line);
      start = nl + 1;
    }
    if (start < chunk.length) parts.push(chunk.slice(start));
  });
}

/** Starts a libzmq peer process; resolves once zeromq.js has loaded in it. */
export async function startLibzmq(): Promise<Libzmq> {
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // set by node --test for its file processes; not for our peer
  const child = spawn(nodeBinary(), [PEER], { stdio: ["pipe", "pipe", "inherit"], env });
  const zmq = new Libzmq(child);
  await zmq.ready;
  return zmq;
}

export class Libzmq implements AsyncDisposable {
  /** Process id of the peer. */
  get pid(): number {
    return this.#child.pid ?? -1;
  }
  /** libzmq version in the peer, e.g. "4.3.5". */
  version = "";
  /** Resolves with the peer's exit code (or the signal name) once it has exited. */
  readonly exited: Promise<number | string | null>;
  readonly ready: Promise<void>;

  #child: ChildProcess;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #exit: { code: number | string | null } | null = null;

  constructor(child: ChildProcess) {
    this.#child = child;
    let hello!: { resolve(): void; reject(e: Error): void };
    this.ready = new Promise<void>((resolve, reject) => (hello = { resolve, reject }));
    this.exited = new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        this.#exit = { code: code ?? signal };
        const err = new LibzmqError(`libzmq peer exited (${code ?? signal})`, "ETERM");
        hello.reject(err);
        for (const p of this.#pending.values()) {
          clearTimeout(p.timer);
          p.reject(err);
        }
        this.#pending.clear();
        resolve(code ?? signal);
      });
    });
    child.on("error", (err) => hello.reject(new LibzmqError(`cannot start libzmq peer: ${err.message}`)));
    child.stdin!.on("error", () => {}); // EPIPE after the peer died: reported via "exit"
    onLines(child.stdout!, (line) => {
      let msg: { id?: number; ok?: unknown; error?: { message: string; code?: string; errno?: number } } & {
        hello?: { version: string };
        fatal?: string;
      };
      try {
        msg = JSON.parse(line);
      } catch {
        process.stderr.write(`libzmq peer said: ${line.slice(0, 500)}\n`);
        return;
      }
      if (msg.hello) {
        this.version = msg.hello.version;
        hello.resolve();
        return;
      }
      if (msg.fatal) {
        hello.reject(new LibzmqError(`libzmq peer: ${msg.fatal}`));
        return;
      }
      const p = this.#pending.get(msg.id!);
      if (!p) return; // given up on (client-side timeout)
      this.#pending.delete(msg.id!);
      clearTimeout(p.timer);
      if (msg.error) p.reject(new LibzmqError(msg.error.message, msg.error.code, msg.error.errno));
      else p.resolve(msg.ok);
    });
  }

  /** Sends one request to the peer. `timeout` is the operation's own timeout (-1: none). */
  call(op: string, args: Record<string, Wire | undefined> = {}, timeout = 0): Promise<unknown> {
    if (this.#exit) return Promise.reject(new LibzmqError(`libzmq peer has exited (${this.#exit.code})`, "ETERM"));
    const id = this.#nextId++;
    const where = new Error(); // keeps the caller's stack for errors
    return new Promise((resolve, reject) => {
      const p: Pending = {
        resolve,
        reject: (err) => {
          err.message = `libzmq ${op}: ${err.message}`;
          err.stack = `${err.name}: ${err.message}\n${where.stack?.split("\n").slice(1).join("\n")}`;
          reject(err);
        },
      };
      if (timeout >= 0) {
        p.timer = setTimeout(() => {
          this.#pending.delete(id);
          p.reject(new LibzmqError(`no reply from the libzmq peer within ${timeout + RPC_GRACE} ms`, "ETIMEDOUT"));
        }, timeout + RPC_GRACE);
      }
      this.#pending.set(id, p);
      this.#child.stdin!.write(JSON.stringify({ id, op, ...args }) + "\n");
    });
  }

  /** Creates a libzmq socket: `new zmq.Push(options)` etc. in the peer. */
  async socket(type: LibzmqSocketType, options: Record<string, OptionValue> = {}): Promise<LibzmqSocket> {
    const opts: Record<string, Wire> = {};
    for (const [k, v] of Object.entries(options)) opts[k] = encodeValue(v);
    const sid = (await this.call("socket", { type, options: opts })) as number;
    return new LibzmqSocket(this, sid, type);
  }

  /** zeromq.js `curveKeyPair()`: z85 strings. */
  curveKeyPair(): Promise<{ publicKey: string; secretKey: string }> {
    return this.call("curveKeyPair") as Promise<{ publicKey: string; secretKey: string }>;
  }

  /**
   * Runs a ZAP handler (RFC 27) in the libzmq process: allows PLAIN users by `{ user: password }` and
   * CURVE clients whose public key (32 bytes) is listed; NULL always. One at a time per peer process.
   */
  async zapHandler(rules: { plain?: Record<string, string>; curve?: Uint8Array[] }): Promise<{
    requests(): Promise<{ domain: string; address: string; mechanism: string; credentials: Uint8Array[] }[]>;
    close(): Promise<void>;
  }> {
    await this.call("zapHandler", { plain: rules.plain ?? null, curve: (rules.curve ?? []).map(encodeValue) });
    return {
      requests: async () => {
        const list = (await this.call("zapRequests")) as {
          domain: string;
          address: string;
          mechanism: string;
          credentials: Wire[];
        }[];
        return list.map((r) => ({ ...r, credentials: r.credentials.map((c) => decodeValue(c) as Uint8Array) }));
      },
      close: async () => {
        await this.call("zapClose");
      },
    };
  }

  /** Closes all sockets (linger 0) and waits for the peer to exit. Safe to call twice. */
  async close(): Promise<void> {
    if (!this.#exit) {
      this.call("shutdown").catch(() => {});
      this.#child.stdin!.end();
      const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5000);
      await this.exited;
      clearTimeout(timer);
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

export class LibzmqSocket implements AsyncDisposable {
  /** Set by bind() (resolved endpoint, e.g. with the ephemeral port). */
  lastEndpoint: string | null = null;
  closed = false;

  constructor(
    readonly zmq: Libzmq,
    readonly id: number,
    readonly type: LibzmqSocketType,
  ) {}

  #call(op: string, args: Record<string, Wire | undefined> = {}, timeout = 0): Promise<unknown> {
    return this.zmq.call(op, { sid: this.id, ...args }, timeout);
  }

  /** Binds; resolves with the socket's lastEndpoint. */
  async bind(endpoint: string): Promise<string> {
    this.lastEndpoint = (await this.#call("bind", { endpoint })) as string;
    return this.lastEndpoint;
  }

  async unbind(endpoint: string): Promise<void> {
    await this.#call("unbind", { endpoint });
  }

  /** Connects (libzmq connects in the background). Router/Stream accept `{ routingId }`. */
  async connect(endpoint: string, options?: { routingId?: string }): Promise<void> {
    await this.#call("connect", { endpoint, options });
  }

  async disconnect(endpoint: string): Promise<void> {
    await this.#call("disconnect", { endpoint });
  }

  /** Sends one (multipart) message. */
  send(message: MessageInput, options?: TimeoutOptions): Promise<void> {
    return this.sendMany([message], options);
  }

  /** Sends messages in order in one round trip; the timeout covers all of them. */
  async sendMany(messages: MessageInput[], { timeout = DEFAULT_TIMEOUT }: TimeoutOptions = {}): Promise<void> {
    await this.#call("sendMany", { messages: messages.map(encodeMessage), timeout }, timeout);
  }

  /** Receives one message (all its frames). */
  async receive(options?: TimeoutOptions): Promise<Uint8Array[]> {
    return (await this.receiveMany(1, options))[0]!;
  }

  /** Receives exactly `count` messages in one round trip; the timeout covers all of them. */
  async receiveMany(count: number, { timeout = DEFAULT_TIMEOUT }: TimeoutOptions = {}): Promise<Uint8Array[][]> {
    const wire = (await this.#call("receiveMany", { count, timeout }, timeout)) as string[][];
    return wire.map((m) => m.map(decodeFrame));
  }

  /** Draft sockets: sends frames with their options (`server.send(frame, { routingId })`, `radio.send(frame, { group })`). */
  async sendWith(
    messages: { frame: FrameInput; routingId?: number; group?: FrameInput }[],
    { timeout = DEFAULT_TIMEOUT }: TimeoutOptions = {},
  ): Promise<void> {
    const wire = messages.map((m) => ({
      frame: encodeFrame(m.frame),
      routingId: m.routingId,
      group: m.group === undefined ? undefined : encodeValue(toBuffer(m.group)),
    }));
    await this.#call("sendWith", { messages: wire, timeout }, timeout);
  }

  /** Draft sockets: receives `count` frames with their options (`[frame, { routingId }]`, `[frame, { group }]`). */
  async receiveWith(count = 1, { timeout = DEFAULT_TIMEOUT }: TimeoutOptions = {}): Promise<DraftMessage[]> {
    const wire = (await this.#call("receiveWith", { count, timeout }, timeout)) as {
      frame: string;
      routingId?: number;
      group?: Wire;
    }[];
    return wire.map((m) => ({
      frame: decodeFrame(m.frame),
      ...(m.routingId === undefined ? {} : { routingId: m.routingId }),
      ...(m.group === undefined ? {} : { group: decodeValue(m.group) as Uint8Array }),
    }));
  }

  /** Dish only. */
  async join(...groups: FrameInput[]): Promise<void> {
    await this.#call("join", { groups: groups.map((g) => encodeValue(toBuffer(g))) });
  }

  async leave(...groups: FrameInput[]): Promise<void> {
    await this.#call("leave", { groups: groups.map((g) => encodeValue(toBuffer(g))) });
  }

  /** Subscriber only; no prefix subscribes to everything. */
  async subscribe(...prefixes: FrameInput[]): Promise<void> {
    await this.#call("subscribe", { prefixes: prefixes.map(encodeValue) });
  }

  async unsubscribe(...prefixes: FrameInput[]): Promise<void> {
    await this.#call("unsubscribe", { prefixes: prefixes.map(encodeValue) });
  }

  /** Sets a zeromq.js option property, e.g. `setOption("sendHighWaterMark", 10)`. */
  async setOption(name: string, value: OptionValue): Promise<void> {
    await this.#call("setOption", { name, value: encodeValue(value) });
  }

  /**
   * Sets a libzmq option by number through zeromq.js's typed accessors (`kind` "Int32" calls
   * `setInt32Option`), for draft options zeromq.js has no property for: `setOptionById(110, "String", "hi")`.
   */
  async setOptionById(id: number, kind: "Bool" | "Int32" | "String", value: OptionValue): Promise<void> {
    await this.#call("setOptionById", { option: id, kind, value: encodeValue(value) });
  }

  /** Reads a libzmq option by number through zeromq.js's typed accessors. */
  async getOptionById(id: number, kind: "Bool" | "Int32" | "String"): Promise<unknown> {
    return decodeValue(await this.#call("getOptionById", { option: id, kind }));
  }

  /** Reads a zeromq.js option property; Buffer values come back as Uint8Array. */
  async getOption(name: string): Promise<unknown> {
    return decodeValue(await this.#call("getOption", { name }));
  }

  /** Returns (and forgets) the events seen since the socket was created or last asked. */
  takeEvents(): Promise<LibzmqEvent[]> {
    return this.#call("takeEvents") as Promise<LibzmqEvent[]>;
  }

  /** Waits for the next event of the given type(s), e.g. "accept" or ["handshake", "disconnect"]. */
  waitEvent(types: string | string[], { timeout = DEFAULT_TIMEOUT }: TimeoutOptions = {}): Promise<LibzmqEvent> {
    const list = Array.isArray(types) ? types : [types];
    return this.#call("waitEvent", { types: list, timeout }, timeout) as Promise<LibzmqEvent>;
  }

  /** Closes the socket; `linger` overrides the socket's linger option first. */
  async close(options: { linger?: number } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.#call("close", { linger: options.linger }).catch((err: LibzmqError) => {
      if (err.code !== "ETERM") throw err; // the peer is gone, and the socket with it
    });
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
