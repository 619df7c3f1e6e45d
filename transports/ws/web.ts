/**
 * ZWS over a standard (WHATWG) `WebSocket`: the client in browsers, Deno and
 * Bun. Web platform only.
 *
 * @module
 */
import { WsConnection } from "./connection.ts";
import { mechanismOf, tokenProtocols } from "./protocol.ts";
import { ZmqError } from "../../src/errors.ts";
import type { WsAddress } from "./types.ts";
import { hostPort } from "../address.ts";

/** The part of the standard `WebSocket` used here (also matched by the `ws` package's class). */
export interface StandardWebSocket {
  binaryType: string;
  readonly bufferedAmount: number;
  readonly protocol: string;
  readonly readyState: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: { data?: unknown; code?: number; reason?: string }) => void): void;
}

/** A standard WebSocket constructor (`globalThis.WebSocket`). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => StandardWebSocket;

/** The URL a ws endpoint connects to. */
export function wsUrl(address: WsAddress): string {
  return `${address.secure ? "wss" : "ws"}://${hostPort(address.host, address.port)}${address.path}`;
}

/** Normal closes (1000 by the peer, 1005 without a code) end the connection without an error. */
function closeError(code: number | undefined, reason: string | undefined): Error | undefined {
  if (code === 1000 || code === 1005 || code === undefined) return undefined;
  return new Error(`WebSocket closed with code ${code}${reason ? ` (${reason})` : ""}`);
}

/**
 * Wraps an open (or opening) standard WebSocket whose subprotocol is negotiated.
 * Messages that arrive before the engine starts are kept.
 */
export function zwsOverWebSocket(ws: StandardWebSocket, mechanism: string, remoteAddress: string): WsConnection {
  ws.binaryType = "arraybuffer";
  const conn = new WsConnection(
    {
      send: (m) => ws.send(m),
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      close: () => ws.close(1000),
      terminate: () => ws.close(1000),
    },
    mechanism,
    remoteAddress,
  );
  ws.addEventListener("message", (event) => {
    const data = event.data;
    if (data instanceof ArrayBuffer) conn.message(new Uint8Array(data));
    else if (ArrayBuffer.isView(data)) conn.message(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    else conn.textMessage();
  });
  ws.addEventListener("close", (event) => conn.closed(closeError(event.code, event.reason)));
  return conn;
}

/**
 * Opens a standard WebSocket offering `protocols`; resolves with the message connection once
 * open, rejects with `ECONNREFUSED` when it cannot open.
 */
export function openWebSocket(
  Ctor: WebSocketConstructor,
  address: WsAddress,
  protocols: readonly string[],
): Promise<WsConnection> {
  const url = wsUrl(address);
  return new Promise((resolve, reject) => {
    let ws: StandardWebSocket;
    try {
      ws = offering(url, protocols, (offer) => new Ctor(url, offer));
    } catch (err) {
      return reject(err);
    }
    ws.binaryType = "arraybuffer";
    let opened = false;
    // Listeners added before `zwsOverWebSocket` adds its own: it takes over once open.
    const refused = () => {
      if (opened) return;
      opened = true;
      reject(Object.assign(new Error(`cannot open a WebSocket to ${url}`), { code: "ECONNREFUSED" }));
    };
    ws.addEventListener("error", refused);
    ws.addEventListener("close", refused);
    ws.addEventListener("open", () => {
      if (opened) return;
      opened = true;
      const mechanism = mechanismOf(ws.protocol);
      if (mechanism === null) {
        ws.close(1002, "no ZWS subprotocol");
        return reject(new Error(`${url} answered without a ZWS 2.0 subprotocol (got "${ws.protocol}")`));
      }
      resolve(zwsOverWebSocket(ws, mechanism, hostPort(address.host, address.port)));
    });
  });
}

/**
 * Constructs with every offered subprotocol where the runtime allows it, else with those that
 * are tokens ("ZWS2.0"); a mechanism with no token form cannot be offered: EPROTONOSUPPORT.
 */
export function offering<T>(url: string, protocols: readonly string[], open: (offer: string[]) => T): T {
  try {
    return open([...protocols]);
  } catch (err) {
    const tokens = tokenProtocols(protocols);
    if ((err as Error).name !== "SyntaxError" || tokens.length === protocols.length) throw err;
    if (tokens.length === 0) throw unofferable(url, protocols);
    return open(tokens);
  }
}

/** The error for a mechanism whose subprotocol ("ZWS2.0/PLAIN") this WebSocket client refuses to send. */
function unofferable(url: string, protocols: readonly string[]): ZmqError {
  return new ZmqError(
    "EPROTONOSUPPORT",
    `connect ${url}: this runtime's WebSocket client refuses the subprotocol "${protocols.join(",")}" ` +
      `(a "/" is not allowed in a subprotocol name); over ws only NULL (bare "ZWS2.0") works from here`,
  );
}
