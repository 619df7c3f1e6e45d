/**
 * ZAP (RFC 27), the client side, as libzmq does it: a server mechanism (PLAIN,
 * CURVE) asks whatever socket is bound at `inproc://zeromq.zap.01` in the same
 * Context, over an inproc link with a DEALER's envelope, and waits for the reply.
 *
 * The handler is an ordinary socket, so code written for libzmq's ZAP works
 * unchanged:
 *
 * @example
 * ```ts
 * import { Router } from "omq";
 * const zap = new Router();
 * await zap.bind("inproc://zeromq.zap.01");
 * for await (const [id, delimiter, version, requestId, domain, address, routingId, mechanism, ...credentials] of zap) {
 *   const ok = new TextDecoder().decode(credentials[1]) === "secret";
 *   await zap.send([id, delimiter, version, requestId, ok ? "200" : "400", ok ? "OK" : "No", ok ? "admin" : "", ""]);
 * }
 * ```
 *
 * @module
 */
import type { Context } from "./context.ts";
import { inprocOf, type InprocSocket } from "./inproc.ts";
import type { Peer } from "./peer.ts";
import type { Message } from "./message.ts";
import { CommandError, decodeMetadata, type Metadata } from "./zmtp/command.ts";
import { type HandshakeStep, protocolError, type ProtocolErrorCode, refusal } from "./zmtp/mechanism.ts";

/** The inproc name ZAP handlers bind (RFC 27). */
export const ZAP_ENDPOINT = "zeromq.zap.01";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const VERSION = "1.0";

/** What a server mechanism learns from the handler. */
export type ZapOutcome =
  | {
    readonly ok: true;
    readonly userId: Uint8Array;
    /** The reply's metadata frame: properties the handler gives the connection (names in lowercase). */
    readonly metadata: Metadata;
  }
  /** Refused (300, 400, 500), or a reply that breaks RFC 27; `error` is the handshake failure to report. */
  | { readonly ok: false; readonly statusCode: string | null; readonly error: NonNullable<HandshakeStep["error"]> };

/** Asks the handler about one connection: mechanism name and its credentials frames. */
export type ZapAsk = (mechanism: string, credentials: readonly Uint8Array[]) => Promise<ZapOutcome>;

/** What a socket tells ZAP about itself and the connection (RFC 27 request frames). */
export interface ZapConnection {
  readonly domain: Uint8Array | null;
  /** The peer's address: the IP without the port for tcp, as libzmq sends it. */
  readonly address: string;
  /** The server socket's own routing id (libzmq sends its ZMQ_ROUTING_ID). */
  readonly routingId: Uint8Array | null;
}

/** The peer's IP as libzmq puts it in the ZAP address frame: "host:port" loses the port and brackets. */
export function zapAddress(remoteAddress: string): string {
  const m = /^\[?(.*?)\]?:(\d+)$/.exec(remoteAddress);
  if (!m) return remoteAddress;
  return m[1].startsWith("::ffff:") && m[1].includes(".") ? m[1].slice(7) : m[1];
}

/**
 * The ZAP asker for a new connection of a socket in `context`, or null when no
 * handler is bound (libzmq 4.3: CURVE then accepts every client that knows the
 * server key; PLAIN refuses everyone). `gone` aborts when the connection ends: its request
 * is then forgotten, so a handler that never answers holds nothing of closed connections.
 */
export function zapFor(context: Context, connection: ZapConnection, gone?: AbortSignal): ZapAsk | null {
  if (!inprocOf(context).isBound(ZAP_ENDPOINT)) return null;
  let client = clients.get(context);
  if (!client) clients.set(context, client = new ZapClient(context));
  const zap = client;
  return (mechanism, credentials) => zap.ask(connection, mechanism, credentials, gone);
}

const clients = new WeakMap<Context, ZapClient>();

/** The outcome of a request whose connection ended before the handler answered (nobody reads it). */
const GONE: ZapOutcome = { ok: false, statusCode: null, error: { kind: "other", message: "the connection ended" } };

interface Waiting {
  readonly peer: Peer;
  resolve(outcome: ZapOutcome): void;
}

/** One inproc link per Context to its ZAP handler, shared by all connections; replies are matched by request id. */
class ZapClient implements InprocSocket {
  readonly socketType = "DEALER";
  #context: Context;
  #peer: Peer | null = null;
  #waiting = new Map<string, Waiting>();
  #next = 1;

  constructor(context: Context) {
    this.#context = context;
  }

  inprocOptions(): { sendHighWaterMark: number; receiveHighWaterMark: number; routingId: null; conflate: boolean } {
    // libzmq: "on the ZAP socket, the HWM is disabled".
    return { sendHighWaterMark: 0, receiveHighWaterMark: 0, routingId: null, conflate: false };
  }

  inprocAttach(peer: Peer): void {
    this.#peer = peer;
    peer.inbound.onReadable = () => this.#read(peer);
    peer.onGone = () => this.#lost(peer);
  }

  ask(
    connection: ZapConnection,
    mechanism: string,
    credentials: readonly Uint8Array[],
    gone?: AbortSignal,
  ): Promise<ZapOutcome> {
    if (gone?.aborted) return Promise.resolve(GONE);
    if (!this.#peer || this.#peer.inbound.ended || this.#peer.outbound.ended) {
      this.#peer = null;
      inprocOf(this.#context).connect(ZAP_ENDPOINT, this);
    }
    const peer = this.#peer;
    if (!peer) {
      return Promise.resolve({
        ok: false,
        statusCode: null,
        error: { kind: "other", message: "the ZAP handler refused the link" },
      });
    }
    const id = String(this.#next++);
    const request: Message = [
      new Uint8Array(0),
      encoder.encode(VERSION),
      encoder.encode(id),
      connection.domain ?? new Uint8Array(0),
      encoder.encode(connection.address),
      connection.routingId ?? new Uint8Array(0),
      encoder.encode(mechanism),
      ...credentials,
    ];
    return new Promise((resolve) => {
      if (!gone) {
        this.#waiting.set(id, { peer, resolve });
      } else {
        const forget = () => {
          this.#waiting.delete(id);
          resolve(GONE);
        };
        gone.addEventListener("abort", forget, { once: true });
        this.#waiting.set(id, {
          peer,
          resolve: (outcome) => {
            gone.removeEventListener("abort", forget);
            resolve(outcome);
          },
        });
      }
      peer.outbound.write(request);
    });
  }

  #read(peer: Peer): void {
    let reply: Message | undefined;
    while ((reply = peer.inbound.read()) !== undefined) this.#reply(reply);
    if (peer.inbound.ended) this.#lost(peer);
  }

  #reply(frames: Message): void {
    const id = frames.length > 2 ? decoder.decode(frames[2]) : "";
    const waiting = this.#waiting.get(id);
    if (waiting) {
      this.#waiting.delete(id);
      waiting.resolve(outcomeOf(frames, id));
      return;
    }
    // libzmq gives each connection a ZAP pipe of its own, so a reply without the request id it
    // asked with fails that handshake at once. Here one link serves them all: the reply is taken
    // as the answer to the oldest request still waiting, which fails rather than waiting for
    // handshakeInterval, with the error libzmq's checks (in their order) would find.
    const [oldest] = this.#waiting;
    if (!oldest) return;
    this.#waiting.delete(oldest[0]);
    oldest[1].resolve(outcomeOf(frames, oldest[0]));
  }

  #lost(peer: Peer): void {
    if (this.#peer === peer) this.#peer = null;
    for (const [id, w] of this.#waiting) {
      if (w.peer !== peer) continue;
      this.#waiting.delete(id);
      w.resolve({ ok: false, statusCode: null, error: { kind: "other", message: "the ZAP handler went away" } });
    }
  }
}

/**
 * Checks a reply to request `id` as libzmq's zap_client does, in its order: 7 frames, an empty
 * delimiter, version 1.0, the request id, status 200/300/400/500, valid metadata. A failed check
 * carries libzmq's ZMQ_PROTOCOL_ERROR_ZAP_* name.
 */
function outcomeOf(frames: Message, id: string): ZapOutcome {
  const protocol = (code: ProtocolErrorCode, message: string): ZapOutcome => ({
    ok: false,
    statusCode: null,
    error: protocolError(code, message),
  });
  if (frames.length !== 7) {
    return protocol("ERR_ZAP_MALFORMED_REPLY", `malformed ZAP reply: ${frames.length} frames instead of 7`);
  }
  if (frames[0].byteLength !== 0) return protocol("ERR_ZAP_UNSPECIFIED", "malformed ZAP reply: no empty delimiter");
  if (decoder.decode(frames[1]) !== VERSION) return protocol("ERR_ZAP_BAD_VERSION", "ZAP reply has a bad version");
  const replyId = decoder.decode(frames[2]);
  if (replyId !== id) {
    return protocol("ERR_ZAP_BAD_REQUEST_ID", `ZAP reply has request id "${replyId}", expected "${id}"`);
  }
  const status = decoder.decode(frames[3]);
  if (!/^[2-5]00$/.test(status)) {
    return protocol("ERR_ZAP_INVALID_STATUS_CODE", `ZAP reply has an invalid status code "${status}"`);
  }
  let metadata: Metadata;
  try {
    metadata = decodeMetadata(frames[6]);
  } catch (err) {
    if (err instanceof CommandError) {
      return protocol("ERR_ZAP_INVALID_METADATA", `ZAP reply has invalid metadata: ${err.message}`);
    }
    throw err;
  }
  if (status === "200") return { ok: true, userId: frames[5].slice(), metadata };
  const text = decoder.decode(frames[4]);
  return {
    ok: false,
    statusCode: status,
    error: refusal(status, `ZAP refused the peer: ${status} ${text}`.trim()),
  };
}
