/**
 * A ZWS 2.0 connection (RFC 45) presented to the ZMTP engine as a byte
 * connection, so the engine runs unchanged over WebSocket. ZWS has no
 * greeting and carries each ZMTP frame as one binary message whose first byte
 * is the flags (0x01 MORE, 0x02 COMMAND). Outgoing: the engine's greeting is
 * swallowed and its frames are re-cut into messages. Incoming: the peer's
 * greeting is made up from the negotiated subprotocol and each message
 * becomes a ZMTP frame.
 *
 * @module
 */
import type { ByteConnection, ConnectionHandlers } from "../runtime/types.ts";
import type { MessageSocket } from "./types.ts";
import { COMMAND, FrameDecoder, MORE, writeHeader } from "../../src/zmtp/frame.ts";
import { encodeGreeting, GREETING_SIZE } from "../../src/zmtp/greeting.ts";
import { decodeCommand, decodeMetadata, encodeCommand, encodeMetadata } from "../../src/zmtp/command.ts";
import { SOCKET_TYPES, type SocketType } from "../../src/zmtp/socket-type.ts";

const barePeerType = (ours: string): string => SOCKET_TYPES[ours as SocketType]?.wsBarePeer ?? "PAIR";

const ZWS_MORE = 0x01;
const ZWS_COMMAND = 0x02;
/** Bytes buffered in the WebSocket above which `write` asks the engine to wait for `drain`. */
const HIGH_WATER = 256 * 1024;
/** How often a blocked writer looks at `bufferedAmount` where the runtime has no drain event. */
const DRAIN_POLL_MS = 2;

const SUBSCRIBE = "SUBSCRIBE";
const CANCEL = "CANCEL";

/** Thrown into the engine's close for a message ZWS does not allow. */
export class ZwsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZwsError";
  }
}

/** Most bytes held for a paused engine when the WebSocket cannot pause (Deno, Bun, browsers). */
export const MAX_BACKLOG_BYTES: number = 64 << 20;

/** One WebSocket carrying ZMTP: what the engine sees as its byte connection. */
export class ZwsConnection implements ByteConnection {
  readonly remoteAddress: string;
  #socket: MessageSocket;
  /** The negotiated mechanism; "" for bare "ZWS2.0" (no mechanism, a routing id first). */
  #mechanism: string;
  #handlers: ConnectionHandlers | null = null;
  /** ZMTP bytes for the engine that wait for the made-up greeting, a `resume`, or (bare) the READY. */
  #backlog: Uint8Array[] = [];
  #backlogBytes = 0;
  #greetingSent = false;
  #paused = false;
  #closed = false;
  #closeError: Error | undefined;
  #closeReported = false;
  #ours = new Uint8Array(GREETING_SIZE);
  #oursHave = 0;
  #out: FrameDecoder;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #wantsDrain = false;
  // Bare ZWS2.0: the READY we make up needs our socket type (from our READY) and the peer's routing id.
  #bare: boolean;
  #ourType: string | null = null;
  #bareReadySent = false;
  #peerId: Uint8Array | null = null;
  #held: Uint8Array[] | null;

  constructor(socket: MessageSocket, mechanism: string, remoteAddress: string) {
    this.#socket = socket;
    this.#mechanism = mechanism;
    this.remoteAddress = remoteAddress;
    this.#bare = mechanism === "";
    this.#held = this.#bare ? [] : null;
    this.#out = new FrameDecoder({ frame: (flags, body) => this.#send(flags, body) });
    socket.onDrain?.(() => this.#drained());
  }

  // --- from the WebSocket (called by the runtime adapter) ---

  /** One binary WebSocket message arrived. */
  message(data: Uint8Array): void {
    if (this.#closed) return;
    if (data.byteLength === 0) return this.#protocolError("an empty WebSocket message (no ZWS flags byte)");
    const flags = data[0];
    if (flags & ~(ZWS_MORE | ZWS_COMMAND)) {
      return this.#protocolError(`invalid ZWS flags 0x${flags.toString(16)}`);
    }
    if (this.#held && this.#peerId === null) {
      // Bare ZWS2.0: the first message is the peer's routing id.
      this.#peerId = data.slice(1);
      this.#bareReady();
      return;
    }
    const size = data.byteLength - 1;
    const zmtpFlags = (flags & ZWS_MORE ? MORE : 0) | (flags & ZWS_COMMAND ? COMMAND : 0);
    const header = size > 255 ? 9 : 2;
    const frame = new Uint8Array(header + size);
    writeHeader(frame, 0, zmtpFlags, size);
    frame.set(data.subarray(1), header);
    if (this.#held) this.#held.push(frame);
    else this.#toEngine(frame);
  }

  /** A text message: not ZWS. */
  textMessage(): void {
    this.#protocolError("a text WebSocket message (ZWS messages are binary)");
  }

  /** The WebSocket closed. Reported to the engine once. */
  closed(error?: Error): void {
    if (this.#closed && this.#closeReported) return;
    this.#closed = true;
    this.#closeError ??= error;
    clearTimeout(this.#drainTimer);
    this.#reportClose();
  }

  // --- ByteConnection (called by the engine) ---

  start(handlers: ConnectionHandlers): void {
    if (this.#handlers) return;
    this.#handlers = handlers;
    if (this.#closed) this.#reportClose();
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (this.#closed) return true;
    this.#socket.cork?.();
    try {
      this.#writeChunks(chunks);
    } finally {
      this.#socket.uncork?.();
    }
    if (this.#socket.bufferedAmount < HIGH_WATER) return true;
    this.#wantsDrain = true;
    if (!this.#socket.onDrain) this.#pollDrain();
    return false;
  }

  #writeChunks(chunks: readonly Uint8Array[]): void {
    for (let chunk of chunks) {
      if (this.#oursHave < GREETING_SIZE) {
        const take = Math.min(GREETING_SIZE - this.#oursHave, chunk.byteLength);
        this.#ours.set(chunk.subarray(0, take), this.#oursHave);
        this.#oursHave += take;
        chunk = chunk.subarray(take);
        if (this.#oursHave === GREETING_SIZE) {
          // Not from inside the engine's own write: it is still in its constructor.
          queueMicrotask(() => this.#sendPeerGreeting());
        }
        if (chunk.byteLength === 0) continue;
      }
      try {
        this.#out.push(chunk);
      } catch (err) {
        // The engine wrote something that is not ZMTP framing: a bug, not the peer's fault.
        return this.#fail(err as Error);
      }
    }
  }

  setKeepAlive(): void {
    // A WebSocket server or browser owns its TCP socket.
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause?.();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#socket.resume?.();
    this.#pump();
  }

  end(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#drainTimer);
    // The close event reports it once the close handshake is done.
    this.#socket.close();
  }

  destroy(): void {
    this.#fail();
  }

  // --- internals ---

  #sendPeerGreeting(): void {
    if (this.#closed || this.#greetingSent) return;
    const asServer = (this.#ours[32] & 1) === 0;
    this.#greetingSent = true;
    this.#toEngineFirst(encodeGreeting(this.#mechanism || "NULL", asServer));
  }

  #toEngineFirst(bytes: Uint8Array): void {
    this.#backlogBytes += bytes.byteLength;
    this.#backlog.unshift(bytes);
    this.#pump();
  }

  #toEngine(bytes: Uint8Array): void {
    if (this.#backlog.length > 0 || this.#paused || !this.#greetingSent || !this.#handlers) {
      this.#backlog.push(bytes);
      this.#backlogBytes += bytes.byteLength;
      // Deno's and Bun's server WebSockets cannot stop reading: a peer that keeps sending past our
      // receive high-water mark would grow this queue without end. Bounded memory wins: drop it.
      if (this.#backlogBytes > MAX_BACKLOG_BYTES && this.#socket.pause === undefined) {
        this.#fail(
          new ZwsError(
            `${this.remoteAddress} sent over ${MAX_BACKLOG_BYTES >> 20} MB past the receive high-water mark ` +
              `and this runtime's WebSocket cannot push back: connection dropped`,
          ),
        );
      }
      return;
    }
    this.#handlers.data(bytes);
  }

  #pump(): void {
    const handlers = this.#handlers;
    if (!handlers || !this.#greetingSent) return;
    while (this.#backlog.length > 0 && !this.#paused && !this.#closed) {
      const bytes = this.#backlog.shift()!;
      this.#backlogBytes -= bytes.byteLength;
      handlers.data(bytes);
    }
  }

  /** One frame the engine wrote, sent as one message. */
  #send(flags: number, body: Uint8Array): void {
    let zwsFlags = flags & MORE ? ZWS_MORE : 0;
    let prefix = -1;
    if (flags & COMMAND) {
      const { name, data } = decodeCommand(body);
      // RFC 45 §"Publish-Subscribe": subscriptions travel as messages (0x01/0x00 + prefix), not commands.
      if (name === SUBSCRIBE || name === CANCEL) {
        prefix = name === SUBSCRIBE ? 1 : 0;
        body = data;
      } else if (this.#bare) {
        // Bare ZWS2.0 has no commands: our READY becomes the routing-id message, the rest stays here.
        if (name === "PING") return this.#pong(data);
        if (name !== "READY" || this.#ourType !== null) return;
        const props = decodeMetadata(data);
        this.#ourType = new TextDecoder().decode(props.get("socket-type") ?? new Uint8Array(0));
        body = props.get("identity") ?? new Uint8Array(0);
        this.#bareReady();
      } else zwsFlags = ZWS_COMMAND;
    }
    const extra = prefix < 0 ? 1 : 2;
    const message = new Uint8Array(extra + body.byteLength);
    message[0] = zwsFlags;
    if (prefix >= 0) message[1] = prefix;
    message.set(body, extra);
    try {
      this.#socket.send(message);
    } catch (err) {
      this.#fail(err as Error);
    }
  }

  /**
   * Bare ZWS2.0 cannot carry PING, so the engine's heartbeat is answered here (the peer's
   * liveness is then the WebSocket's: its close, or the server's WebSocket pings).
   */
  #pong(ping: Uint8Array): void {
    const pong = encodeCommand("PONG", ping.subarray(2, 18));
    const frame = new Uint8Array(2 + pong.byteLength);
    frame.set(pong, writeHeader(frame, 0, COMMAND, pong.byteLength));
    queueMicrotask(() => this.#toEngine(frame));
  }

  /** Bare ZWS2.0: once both sides' routing ids are known, the engine gets the peer's READY. */
  #bareReady(): void {
    if (!this.#held || this.#ourType === null || this.#peerId === null || this.#bareReadySent) return;
    this.#bareReadySent = true;
    const ready = encodeCommand(
      "READY",
      // In bare "ZWS2.0" nobody says its socket type (RFC 45 §"No Mechanism"): the table names the peer's.
      encodeMetadata([["Socket-Type", barePeerType(this.#ourType)], ["Identity", this.#peerId]]),
    );
    const frame = new Uint8Array((ready.byteLength > 255 ? 9 : 2) + ready.byteLength);
    frame.set(ready, writeHeader(frame, 0, COMMAND, ready.byteLength));
    // After our READY went out, from inside the engine's handshake step: hand it over on the next microtask.
    // Messages arriving meanwhile keep queueing behind it in #held.
    queueMicrotask(() => {
      const held = this.#held ?? [];
      this.#held = null;
      this.#toEngine(frame);
      for (const f of held) this.#toEngine(f);
    });
  }

  #pollDrain(): void {
    if (this.#drainTimer !== undefined) return;
    this.#drainTimer = setTimeout(() => {
      this.#drainTimer = undefined;
      if (this.#closed) return;
      if (this.#socket.bufferedAmount < HIGH_WATER / 4) this.#drained();
      else this.#pollDrain();
    }, DRAIN_POLL_MS);
  }

  #drained(): void {
    if (!this.#wantsDrain || this.#closed) return;
    this.#wantsDrain = false;
    this.#handlers?.drain();
  }

  #protocolError(what: string): void {
    this.#fail(new ZwsError(`ZWS protocol error from ${this.remoteAddress}: ${what}`));
  }

  /** Closes at once and reports it (the runtime's own close event may come much later). */
  #fail(error?: Error): void {
    if (this.#closed && this.#closeReported) return;
    this.#closed = true;
    this.#closeError ??= error;
    clearTimeout(this.#drainTimer);
    try {
      this.#socket.terminate();
    } catch {
      // Already closed.
    }
    queueMicrotask(() => this.#reportClose());
  }

  #reportClose(): void {
    if (this.#closeReported || !this.#handlers) return;
    this.#closeReported = true;
    this.#backlog = [];
    this.#backlogBytes = 0;
    this.#handlers.close(this.#closeError);
  }
}
