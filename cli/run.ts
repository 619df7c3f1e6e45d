/**
 * What `omq` does once its command line is parsed: open the socket, pump
 * stdin lines into it and print what arrives. Input and output are passed in,
 * so the same code serves the executable and the tests.
 *
 * @module
 */
import {
  Channel,
  Client,
  curveKeyPair,
  Dealer,
  Gather,
  Pair,
  Publisher,
  Pull,
  Push,
  Reply,
  Request,
  Router,
  Scatter,
  type Socket,
  type SocketOptions,
  Subscriber,
  version,
  XPublisher,
  XSubscriber,
  ZAP_ENDPOINT,
} from "../mod.ts";
import { type CliOptions, type CliSocketType, parseArgs, USAGE, UsageError } from "./args.ts";
import { formatMessage, parseLine } from "./format.ts";
import { draftSession, oneFrame, OPTION_TYPES, type OptionType } from "./drafts.ts";
import { openEndpoints } from "./endpoints.ts";
import { socketTypeInfo } from "../src/zmtp/socket-type.ts";

/** Where `omq` reads lines and writes output. */
export interface CliIo {
  /** Lines of standard input, without their line ends. */
  lines(): AsyncIterable<string>;
  /** Writes one line to standard output. */
  print(line: string): void;
  /** Writes one line to standard error. */
  error(line: string): void;
}

type SocketClass = new (options?: SocketOptions) => Socket;

const CLASSES: Record<Exclude<CliSocketType, OptionType>, SocketClass> = {
  pub: Publisher,
  sub: Subscriber,
  push: Push,
  pull: Pull,
  req: Request,
  rep: Reply,
  dealer: Dealer,
  router: Router,
  pair: Pair,
  xpub: XPublisher,
  xsub: XSubscriber,
  client: Client,
  scatter: Scatter,
  gather: Gather,
  channel: Channel,
};

/** Draft types without options: a whole line is one frame. */
const SINGLE_PART = new Set<CliSocketType>(["client", "scatter", "gather", "channel"]);

const isOptionType = (type: CliSocketType): type is OptionType => (OPTION_TYPES as readonly string[]).includes(type);

/**
 * Runs `omq` with the given arguments; resolves with the process exit code.
 *
 * @example
 * ```ts
 * const io = { lines: async function* () {}, print: console.log, error: console.error };
 * await runCli(["pull", "--bind", "tcp://127.0.0.1:5557", "--count", "1"], io);
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.error(`omq: ${err.message}`);
    return 2;
  }
  switch (options.command) {
    case "help":
      io.print(USAGE.trimEnd());
      return 0;
    case "version":
      io.print(version);
      return 0;
    case "keygen": {
      const { publicKey, secretKey } = curveKeyPair();
      io.print(`public: ${publicKey}`);
      io.print(`secret: ${secretKey}`);
      return 0;
    }
  }
  try {
    return await session(options, io);
  } catch (err) {
    const code = (err as { code?: string }).code;
    io.error(`omq: ${(err as Error).message}${code ? ` (${code})` : ""}`);
    return 1;
  }
}

async function session(o: CliOptions, io: CliIo): Promise<number> {
  const type = o.type!;
  const socketOptions: Record<string, unknown> = { linger: o.linger, ...o.socketOptions };
  if (o.socketOptions.curveServerKey && !o.socketOptions.curvePublicKey) {
    // libzmq needs a client key pair; a throwaway one is what a server without ZAP expects.
    const pair = curveKeyPair();
    socketOptions.curvePublicKey = pair.publicKey;
    socketOptions.curveSecretKey = pair.secretKey;
  }
  await using _zap = o.socketOptions.plainServer ? await acceptEveryone() : null;
  if (isOptionType(type)) return await draftSession(type, o, io, socketOptions as SocketOptions);
  await using socket = new CLASSES[type](socketOptions as SocketOptions);
  await openEndpoints(socket, o, (line) => io.error(line));
  if (type === "sub") {
    for (const prefix of o.subscribe.length ? o.subscribe : [""]) (socket as Subscriber).subscribe(prefix);
  }
  if (type === "xsub") {
    for (const prefix of o.subscribe.length ? o.subscribe : [""]) await socket.send([new Uint8Array([1]), prefix]);
  }

  const print = (message: readonly Uint8Array[]) => io.print(formatMessage(message, o.delimiter, o.format));
  const line = SINGLE_PART.has(type)
    ? (text: string) => [oneFrame(text, o.format)]
    : (text: string) => parseLine(text, o.delimiter, o.format);
  if (o.delay > 0) await new Promise((resolve) => setTimeout(resolve, o.delay));

  if (type === "req") {
    let received = 0;
    for await (const text of io.lines()) {
      await socket.send(line(text));
      print(await socket.receive());
      if (++received === o.count) break;
    }
    return 0;
  }
  if (type === "rep") {
    const replies = o.echo ? null : io.lines()[Symbol.asyncIterator]();
    let received = 0;
    for await (const request of socket) {
      print(request);
      if (replies) {
        const next = await replies.next();
        await socket.send(next.done ? request : line(next.value));
      } else {
        await socket.send(request);
      }
      if (++received === o.count) break;
    }
    return 0;
  }

  // Everything else: stdin feeds the socket while what arrives is printed.
  const info = socketTypeInfo(socket.socketType);
  const receiving = info.receives
    ? (async () => {
      let received = 0;
      if (o.count === 0) return;
      for await (const message of socket) {
        print(message);
        if (++received === o.count) return;
      }
    })()
    : null;
  const sending = info.sends
    ? (async () => {
      for await (const text of io.lines()) await socket.send(line(text));
    })()
    : null;
  if (receiving && sending) {
    // Stdin ending does not stop a receiver: it runs until --count or a signal.
    sending.catch((err) => io.error(`omq: ${(err as Error).message}`));
    await receiving;
  } else {
    await (receiving ?? sending);
  }
  return 0;
}

/** A ZAP handler that lets every PLAIN user in, for `--plain-server`. */
async function acceptEveryone(): Promise<Router> {
  const zap = new Router({ linger: 0 });
  await zap.bind(`inproc://${ZAP_ENDPOINT}`);
  (async () => {
    for await (const [id, delimiter, v, requestId, , , , , user] of zap) {
      await zap.send([id!, delimiter!, v!, requestId!, "200", "OK", user ?? "", ""]);
    }
  })().catch(() => {/* closed */});
  return zap;
}
