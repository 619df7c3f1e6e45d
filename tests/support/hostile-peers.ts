/**
 * Hostile peers for the soak: short-lived raw connections to a bound endpoint (tcp, ipc, or the tcp
 * port of a ws endpoint) that send garbage, a greeting for another mechanism, a frame far over
 * maxMessageSize, a peer of the wrong socket type, or nothing at all. The server must close each of
 * them and keep serving its good peers.
 *
 * @example
 * ```ts
 * const { opened, closedByServer, leftOpen } = await hostileBurst(["tcp://127.0.0.1:5555"], 5);
 * ```
 *
 * @module
 */
import net from "node:net";
import { encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { COMMAND, encodeFrames } from "../../src/zmtp/frame.ts";
import { encodeGreeting } from "../../src/zmtp/greeting.ts";
import { concatBytes } from "./util.ts";

/** What the hostile connections send, one kind each in turn. */
const KINDS: (() => Uint8Array)[] = [
  // Garbage instead of a greeting.
  () => Uint8Array.from({ length: 64 + Math.floor(Math.random() * 448) }, () => Math.floor(Math.random() * 256)),
  // A greeting for a mechanism the server does not use.
  () => encodeGreeting("CURVE", false),
  // A good handshake, then a frame header announcing 4 GiB (over maxMessageSize).
  () =>
    concatBytes([
      encodeGreeting("NULL", false),
      encodeFrames([encodeCommand("READY", encodeMetadata([["Socket-Type", "DEALER"]]))], COMMAND),
      new Uint8Array([0x02, 0, 0, 0, 1, 0, 0, 0, 0]),
    ]),
  // A peer of a socket type nothing here talks to.
  () =>
    concatBytes([
      encodeGreeting("NULL", false),
      encodeFrames([encodeCommand("READY", encodeMetadata([["Socket-Type", "BOGUS"]]))], COMMAND),
    ]),
  // Nothing at all (handshakeInterval closes it).
  () => new Uint8Array(0),
];

/** Where a raw connection to `endpoint` goes; null for inproc. */
function target(endpoint: string): net.NetConnectOpts | null {
  const tcp = /^(?:tcp|ws):\/\/\[?([^\]/]*?)\]?:(\d+)/.exec(endpoint);
  if (tcp) return { host: tcp[1], port: Number(tcp[2]) };
  if (endpoint.startsWith("ipc://")) return { path: endpoint.slice(6).replace(/^@/, "\0") };
  return null;
}

/** What a burst did: connections opened, closed by the server, and the endpoints that left one open. */
export interface BurstResult {
  opened: number;
  closedByServer: number;
  leftOpen: string[];
}

/**
 * Opens `perEndpoint` hostile connections to each endpoint and resolves once every one of them has
 * ended; one the server has not closed within `giveUpMs` is closed by us and its endpoint listed.
 */
export async function hostileBurst(
  endpoints: readonly string[],
  perEndpoint: number,
  giveUpMs = 5000,
): Promise<BurstResult> {
  let opened = 0;
  let closedByServer = 0;
  const leftOpen = new Set<string>();
  const connections: Promise<void>[] = [];
  for (const endpoint of endpoints) {
    const where = target(endpoint);
    if (!where) continue;
    for (let i = 0; i < perEndpoint; i++) {
      const bytes = KINDS[i % KINDS.length]();
      connections.push(
        new Promise<void>((resolve) => {
          const socket = net.connect(where);
          let mine = false;
          const timer = setTimeout(() => {
            mine = true;
            socket.destroy();
          }, giveUpMs);
          socket.on("error", () => {});
          socket.on("data", () => {});
          socket.once("connect", () => {
            opened++;
            if (bytes.byteLength) socket.write(bytes);
          });
          socket.once("close", () => {
            clearTimeout(timer);
            if (!mine) closedByServer++;
            else leftOpen.add(endpoint);
            resolve();
          });
        }),
      );
    }
  }
  await Promise.all(connections);
  return { opened, closedByServer, leftOpen: [...leftOpen] };
}
