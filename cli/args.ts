/**
 * The command line of `omq`: which socket, where, and how to print and parse
 * messages. Pure, so it is tested without starting a process.
 *
 * @module
 */
import { delimiterProblem } from "./format.ts";

/** Socket types the CLI offers, by their lower-case ZeroMQ names. */
export const SOCKET_TYPES = [
  "pub",
  "sub",
  "push",
  "pull",
  "req",
  "rep",
  "dealer",
  "router",
  "pair",
  "xpub",
  "xsub",
  // libzmq's draft types (single-part messages):
  "client",
  "server",
  "radio",
  "dish",
  "scatter",
  "gather",
  "peer",
  "channel",
] as const;

/** One of {@link SOCKET_TYPES}. */
export type CliSocketType = typeof SOCKET_TYPES[number];

/** How frames are printed and parsed. */
export type FrameFormat = "auto" | "text" | "hex";

/** A parsed `omq` command line. */
export interface CliOptions {
  readonly command: "socket" | "keygen" | "help" | "version";
  readonly type: CliSocketType | null;
  readonly endpoints: readonly string[];
  /** Bind instead of connect. */
  readonly bind: boolean;
  /** SUB/XSUB prefixes (none means everything); DISH groups to join. */
  readonly subscribe: readonly string[];
  /** Separates the frames of one message on a line (input and output). */
  readonly delimiter: string;
  readonly format: FrameFormat;
  /** Stop after this many received messages (-1: never). */
  readonly count: number;
  /** Milliseconds to wait before sending the first line (lets subscribers join). */
  readonly delay: number;
  /** REP and SERVER: reply with the request itself instead of a line from stdin. */
  readonly echo: boolean;
  /** Milliseconds `close` may spend flushing at the end. */
  readonly linger: number;
  /** Options passed straight to the socket (curve*, plain*, routingId, zapDomain, multicastHops). */
  readonly socketOptions: Readonly<Record<string, string | boolean | number>>;
}

/** The usage text printed by `omq --help`. */
export const USAGE = `omq - ZeroMQ from the command line (omq, ZMTP 3.1: talks to any libzmq program)

usage: omq TYPE ENDPOINT... [PREFIX|GROUP...] [options]
       omq keygen            print a new CURVE key pair (Z85)

TYPE       pub sub push pull req rep dealer router pair xpub xsub
           drafts (libzmq draft API, single-part messages):
           client server radio dish scatter gather peer channel
ENDPOINT   tcp://host:port  ipc:///path  ipc://@name  (connects; --bind binds)
           radio, dish: udp://host:port  udp://[iface;]group:port (multicast);
           a dish binds these, a radio connects
PREFIX     sub/xsub: topics to subscribe to (default: everything)
GROUP      dish: groups to join (at least one)

Lines read from stdin are sent, one message per line, frames separated by the
delimiter; received messages are printed the same way. REQ sends a line and
prints the reply; REP prints each request and answers with the next stdin line
(or the request itself with --echo). The draft types send a whole line as one
frame; server and peer print "ROUTING-ID<delimiter>message" and send lines of
that form (server --echo answers each request with itself; peer prints the
routing id of each endpoint it connects to on stderr), radio sends lines
"GROUP<delimiter>message" and dish prints them so.

options:
  -b, --bind                  bind the endpoints instead of connecting
  -c, --connect               connect (the default)
  -s, --subscribe PREFIX      subscribe (repeatable; same as a positional PREFIX)
  -j, --join GROUP            dish: join a group (repeatable; same as a positional GROUP)
  -d, --delimiter STR         frame separator on a line (default: tab; "\\t" is a tab)
  -f, --format auto|text|hex  how frames print: text, hex, or auto (text unless
                              binary or holding the delimiter, then 0x-hex, so a
                              printed line reads back as the same message);
                              "0x…" input frames are hex in auto
  -n, --count N               exit after receiving N messages
      --delay MS              wait before sending the first line (slow joiners)
      --echo                  rep, server: answer each request with itself
      --linger MS             how long to flush queued messages at exit (default 2000)
      --multicast-hops N      radio: the TTL of udp multicast (default 1)
      --routing-id ID         this socket's routing id
      --curve-server          be a CURVE server (needs --curve-secret-key)
      --curve-server-key K    be a CURVE client of the server with public key K
      --curve-public-key K    this socket's CURVE key pair (a client makes one
      --curve-secret-key K    up when none is given)
      --plain-server          be a PLAIN server (every user is accepted)
      --plain-username U      be a PLAIN client
      --plain-password P
      --zap-domain D
  -h, --help                  this text
  -v, --version               the omq version

examples:
  omq sub tcp://127.0.0.1:5556 10001          weather updates for zip 10001
  echo hello | omq req tcp://127.0.0.1:5555   one request, print the reply
  omq rep --bind tcp://*:5555 --echo          an echo server
  seq 100 | omq push tcp://127.0.0.1:5557     a hundred tasks
  omq dish tcp://127.0.0.1:5556 weather       what a radio sends to "weather"
  omq dish udp://239.1.1.1:5556 weather       the same over udp multicast
  omq radio udp://239.1.1.1:5556              send "GROUP<tab>message" lines there
`;

/** A bad command line: the message says what and where. */
export class UsageError extends Error {
  override name = "UsageError";
}

const SOCKET_OPTIONS: Record<string, [string, "value" | "flag"]> = {
  "--routing-id": ["routingId", "value"],
  "--curve-server": ["curveServer", "flag"],
  "--curve-server-key": ["curveServerKey", "value"],
  "--curve-public-key": ["curvePublicKey", "value"],
  "--curve-secret-key": ["curveSecretKey", "value"],
  "--plain-server": ["plainServer", "flag"],
  "--plain-username": ["plainUsername", "value"],
  "--plain-password": ["plainPassword", "value"],
  "--zap-domain": ["zapDomain", "value"],
};

const ALIASES: Record<string, string> = {
  "-b": "--bind",
  "-c": "--connect",
  "-s": "--subscribe",
  "-j": "--join",
  "-d": "--delimiter",
  "-f": "--format",
  "-n": "--count",
  "-h": "--help",
  "-v": "--version",
};

/**
 * Parses `omq`'s arguments (without the program name).
 *
 * @example
 * ```ts
 * const o = parseArgs(["sub", "tcp://127.0.0.1:5556", "10001"]);
 * // o.type === "sub", o.endpoints = ["tcp://127.0.0.1:5556"], o.subscribe = ["10001"]
 * ```
 */
export function parseArgs(argv: readonly string[]): CliOptions {
  let command: CliOptions["command"] = "socket";
  let type: CliSocketType | null = null;
  const endpoints: string[] = [];
  const subscribe: string[] = [];
  const socketOptions: Record<string, string | boolean | number> = {};
  let bind = false, echo = false;
  let delimiter = "\t", format: FrameFormat = "auto";
  let count = -1, delay = 0, linger = 2000;

  const args = [...argv];
  const value = (flag: string): string => {
    const v = args.shift();
    if (v === undefined) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  const integer = (flag: string): number => {
    const text = value(flag);
    const n = Number(text);
    if (!/^-?\d+$/.test(text) || n < -1) throw new UsageError(`${flag} takes a whole number, not "${text}"`);
    return n;
  };

  while (args.length > 0) {
    const raw = args.shift()!;
    const eq = raw.startsWith("--") ? raw.indexOf("=") : -1;
    if (eq > 0) args.unshift(raw.slice(eq + 1));
    const arg = ALIASES[raw] ?? (eq > 0 ? raw.slice(0, eq) : raw);
    if (arg in SOCKET_OPTIONS) {
      const [name, kind] = SOCKET_OPTIONS[arg]!;
      socketOptions[name] = kind === "flag" ? true : value(arg);
      continue;
    }
    switch (arg) {
      case "--bind":
        bind = true;
        break;
      case "--connect":
        bind = false;
        break;
      case "--subscribe":
      case "--join":
        subscribe.push(value(arg));
        break;
      case "--delimiter":
        delimiter = value(arg).replace(/\\t/g, "\t");
        break;
      case "--format": {
        const f = value(arg);
        if (f !== "auto" && f !== "text" && f !== "hex") {
          throw new UsageError(`--format is auto, text or hex, not "${f}"`);
        }
        format = f;
        break;
      }
      case "--count":
        count = integer(arg);
        break;
      case "--delay":
        delay = integer(arg);
        break;
      case "--linger":
        linger = integer(arg);
        break;
      case "--echo":
        echo = true;
        break;
      case "--multicast-hops":
        socketOptions.multicastHops = integer(arg);
        break;
      case "--help":
        command = "help";
        break;
      case "--version":
        command = "version";
        break;
      default:
        if (arg.startsWith("-") && arg.length > 1) throw new UsageError(`unknown option ${arg} (see omq --help)`);
        if (type === null && command === "socket") {
          if (arg === "keygen") {
            command = "keygen";
          } else if ((SOCKET_TYPES as readonly string[]).includes(arg)) {
            type = arg as CliSocketType;
          } else {
            throw new UsageError(`unknown socket type "${arg}": one of ${SOCKET_TYPES.join(", ")}`);
          }
        } else if (arg.includes("://")) {
          endpoints.push(arg);
        } else if (type === "sub" || type === "xsub" || type === "dish") {
          subscribe.push(arg);
        } else {
          throw new UsageError(`"${arg}" is not an endpoint (transport://address)`);
        }
    }
  }
  const problem = delimiterProblem(delimiter, format);
  if (problem) throw new UsageError(problem);
  if (command === "socket") {
    if (type === null) throw new UsageError("which socket? omq TYPE ENDPOINT... (see omq --help)");
    if (endpoints.length === 0) throw new UsageError(`omq ${type} needs an endpoint, e.g. tcp://127.0.0.1:5555`);
    if (type === "dish" && subscribe.length === 0) throw new UsageError("omq dish needs a group to join");
  }
  return {
    command,
    type,
    endpoints,
    bind,
    subscribe,
    delimiter,
    format,
    count,
    delay,
    echo,
    linger,
    socketOptions,
  };
}
