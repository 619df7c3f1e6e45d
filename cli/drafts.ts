/**
 * `omq` for the draft types whose messages carry an option: SERVER and PEER
 * print and read `ROUTING-ID<delimiter>message`, RADIO reads and DISH prints
 * `GROUP<delimiter>message`. A message is one frame: the rest of the line.
 *
 * @module
 */
import { Dish, type DraftSocket, Peer, Radio, Server, type SocketOptions } from "../mod.ts";
import type { CliOptions } from "./args.ts";
import type { CliIo } from "./run.ts";
import { openEndpoints } from "./endpoints.ts";
import { formatFrame, parseLine } from "./format.ts";

/** The CLI types `draftSession` runs. */
export const OPTION_TYPES = ["server", "peer", "radio", "dish"] as const;

/** One of {@link OPTION_TYPES}. */
export type OptionType = typeof OPTION_TYPES[number];

/**
 * A whole line as one frame (the draft types are single-part): `0x…` is hex in auto format.
 *
 * @example
 * ```ts
 * oneFrame("a\tb", "auto"); // the bytes of "a\tb"
 * ```
 */
export function oneFrame(text: string, format: CliOptions["format"]): Uint8Array {
  return parseLine(text, "\n", format)[0]!;
}

/**
 * Runs `omq server|peer|radio|dish`; resolves with the exit code.
 *
 * @example
 * ```ts
 * await draftSession("dish", parseArgs(["dish", "tcp://127.0.0.1:5556", "weather"]), io, {});
 * ```
 */
export async function draftSession(
  type: OptionType,
  o: CliOptions,
  io: CliIo,
  options: SocketOptions,
): Promise<number> {
  const print = (label: string, frame: Uint8Array) => io.print(`${label}${o.delimiter}${formatFrame(frame, o.format)}`);
  /** A line as [head, message], split at the first delimiter. */
  const split = (text: string): [string, Uint8Array] => {
    const at = text.indexOf(o.delimiter);
    if (at < 0) throw new Error(`"${text}" has no ${type === "radio" ? "group" : "routing id"} before a delimiter`);
    return [text.slice(0, at), oneFrame(text.slice(at + o.delimiter.length), o.format)];
  };
  const routingId = (head: string): number => {
    const id = Number(head);
    if (!/^\d+$/.test(head) || id === 0 || id > 0xffffffff) throw new Error(`"${head}" is not a routing id`);
    return id;
  };

  if (type === "radio") {
    await using radio = new Radio(options);
    await openEndpoints(radio, o, (line) => io.error(line));
    if (o.delay > 0) await new Promise((resolve) => setTimeout(resolve, o.delay));
    for await (const text of io.lines()) {
      const [group, frame] = split(text);
      await radio.send(frame, { group: oneFrame(group, o.format) });
    }
    return 0;
  }
  if (type === "dish") {
    await using dish = new Dish(options);
    await openEndpoints(dish, o, (line) => io.error(line));
    dish.join(...o.subscribe);
    await receiveAll(dish, o.count, (frame, { group }) => print(formatFrame(group, o.format, o.delimiter), frame));
    return 0;
  }

  await using socket = type === "server" ? new Server(options) : new Peer(options);
  await openEndpoints(socket, o, (line) => io.error(line), async (endpoint) => {
    if (!(socket instanceof Peer)) return socket.connect(endpoint);
    io.error(`omq: ${endpoint} is routing id ${await socket.connectPeer(endpoint)}`);
  });
  if (o.echo) {
    await receiveAll(socket, o.count, (frame, { routingId }) => {
      print(String(routingId), frame);
      return socket.send(frame, { routingId });
    });
    return 0;
  }
  const sending = (async () => {
    for await (const text of io.lines()) {
      const [head, frame] = split(text);
      await socket.send(frame, { routingId: routingId(head) });
    }
  })();
  // Stdin ending does not stop a receiver: it runs until --count or a signal.
  sending.catch((err) => io.error(`omq: ${(err as Error).message}`));
  await receiveAll(socket, o.count, (frame, { routingId }) => print(String(routingId), frame));
  return 0;
}

/** Hands each received `[frame, options]` to `each` until `count` of them (-1: forever). */
async function receiveAll<In>(
  socket: DraftSocket<In, unknown>,
  count: number,
  each: (frame: Uint8Array, options: In) => unknown,
): Promise<void> {
  if (count === 0) return;
  let received = 0;
  for await (const [frame, options] of socket) {
    await each(frame, options);
    if (++received === count) return;
  }
}
