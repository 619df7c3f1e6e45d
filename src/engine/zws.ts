/**
 * ZMTP over WebSocket, ZWS 2.0 (RFC 45): a wire format of the ZMTP engine.
 * There is no greeting: the subprotocol the WebSocket handshake negotiated
 * names the mechanism ("ZWS2.0/NULL", "ZWS2.0/PLAIN", "ZWS2.0/CURVE"). Each
 * binary message is one frame, its first byte the flags; frames are encoded
 * and decoded once, straight between the pipes and the WebSocket.
 * Subscriptions travel as 0x01/0x00 messages, never as commands.
 *
 * Bare "ZWS2.0" (RFC 45 §"No Mechanism": what JSZMQ and standard WebSocket
 * clients speak) is a mode of the same format: no mechanism and no commands,
 * so no heartbeats; each side's first message is its routing id, and the
 * peer's socket type is the one our row of the socket-type table names.
 *
 * @module
 */
import type { MessageConnection } from "../../transports/ws/types.ts";
import { COMMAND } from "../zmtp/frame.ts";
import type { Metadata } from "../zmtp/command.ts";
import type { HandshakeStep } from "../zmtp/mechanism.ts";
import { zmtpFlags, ZwsEncoder } from "../zmtp/zws.ts";
import type { EngineHost, EngineOptions } from "./types.ts";
import { ACTIVE, CLOSED, HANDSHAKE, handshakeError, ZmtpEngine } from "./zmtp.ts";

/** Why a ZWS connection was dropped: a message ZWS does not allow. */
export class ZwsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZwsError";
  }
}

/** Frames that may wait for our side of a bare handshake (ZAP) before reading pauses. */
const MAX_HELD = 16;

/** The metadata a mechanism announces, where it says (NULL does). */
type Announced = readonly (readonly [string, Uint8Array | string])[];

/**
 * Drives one ZMTP connection over a WebSocket (libzmq's `ws_engine`).
 *
 * @example
 * ```ts ignore
 * const engine = new ZwsEngine(messageConnection, options, { ready: () => peer, closed: () => {} });
 * ```
 */
export class ZwsEngine extends ZmtpEngine {
  readonly #bare: boolean;
  readonly #maxFrame: number;
  /** Bare: our routing id went out (after ZAP's word, when a domain is set). */
  #idSent = false;
  /** Bare: the peer's routing id, its first message. */
  #peerId: Uint8Array | null = null;
  /** Bare: frames after the peer's routing id that wait for our side of the handshake. */
  #held: [number, Uint8Array][] = [];

  constructor(conn: MessageConnection, options: EngineOptions, host: EngineHost) {
    super(conn, new ZwsEncoder(), HANDSHAKE, options, host);
    this.#bare = conn.mechanism === "";
    this.#maxFrame = options.maxMessageSize;
    if (this.#bare) this.carriesCommands = false;
    // Not from the constructor: a failure reports to the socket, which is still making us.
    const negotiated = conn.mechanism;
    queueMicrotask(() => this.#begin(negotiated));
    conn.start({
      message: (data) => this.#message(data),
      drain: () => this.transportDrained(),
      close: (error) => this.transportClosed(error),
    });
  }

  #begin(negotiated: string): void {
    if (this.state === CLOSED) return;
    const ours = this.options.mechanism.name;
    if ((negotiated || "NULL") !== ours) {
      return this.fail(
        "protocol",
        Object.assign(new ZwsError(`the peer negotiated ${negotiated || "bare ZWS2.0"}, this socket uses ${ours}`), {
          code: "ERR_ZMTP_MECHANISM_MISMATCH",
        }),
      );
    }
    if (this.#bare) this.#startBare();
    else this.beginHandshake();
  }

  /** One WebSocket message: one frame. */
  #message(data: Uint8Array): void {
    if (this.state === CLOSED) return;
    const size = data.byteLength - 1;
    if (size < 0) return this.#protocolError("an empty WebSocket message (no ZWS flags byte)");
    const flags = zmtpFlags(data[0]);
    if (flags < 0) return this.#protocolError(`invalid ZWS flags 0x${data[0].toString(16)}`);
    if (this.#maxFrame >= 0 && size > this.#maxFrame) {
      return this.#protocolError(`a frame of ${size} bytes exceeds the limit of ${this.#maxFrame}`);
    }
    this.heard();
    // A plain view whatever the runtime handed over (Node's `ws` gives Buffers): frames reach the socket as Uint8Array.
    const body = new Uint8Array(data.buffer, data.byteOffset + 1, size);
    try {
      if (!this.#bare) this.frame(flags, body);
      else if (this.state !== ACTIVE) this.#bareFrame(flags, body);
      // Bare ZWS2.0 has no commands (RFC 45): one from the peer means nothing here.
      else if (!(flags & COMMAND)) this.frame(flags, body);
    } catch (err) {
      this.failOn(err);
    }
  }

  #protocolError(what: string): void {
    this.fail("protocol", new ZwsError(`ZWS protocol error from ${this.remoteAddress}: ${what}`));
  }

  // --- bare "ZWS2.0" ---

  #startBare(): void {
    // NULL's ZAP check (when a domain is set) still decides; its READY or ERROR has no place on this wire.
    const step = this.options.mechanism.start();
    if (!(step instanceof Promise)) return this.#bareAllowed(step);
    step.then(
      (s) => this.#bareAllowed(s),
      (err) => this.fail("other", err as Error),
    );
  }

  #bareAllowed(step: HandshakeStep): void {
    if (this.state === CLOSED) return;
    if (step.error) return this.fail(step.error.kind, handshakeError(step.error));
    // Our routing id: the Identity our READY would announce (empty for types that announce none).
    const announced = (this.options.mechanism as { metadata?: Announced }).metadata ?? [];
    const raw = announced.find(([name]) => name.toLowerCase() === "identity")?.[1] ?? "";
    const id = typeof raw === "string" ? new TextEncoder().encode(raw) : raw;
    const message = new Uint8Array(1 + id.byteLength);
    message.set(id, 1);
    this.link.write([message]);
    this.#idSent = true;
    this.#bareReady();
  }

  #bareFrame(flags: number, body: Uint8Array): void {
    if (this.#peerId === null) {
      this.#peerId = body.slice();
      return this.#bareReady();
    }
    this.#held.push([flags, body]);
    if (this.#held.length > MAX_HELD) this.pauseReading();
  }

  /** Both routing ids are known: the peer is ready, with the socket type our row names for it. */
  #bareReady(): void {
    if (!this.#idSent || this.#peerId === null) return;
    const metadata: Metadata = new Map([
      ["socket-type", new TextEncoder().encode(this.type.wsBarePeer ?? "PAIR")],
      ["identity", this.#peerId],
    ]);
    this.ready(metadata);
    const held = this.#held;
    this.#held = [];
    try {
      for (const [flags, body] of held) {
        if (this.state !== ACTIVE) return;
        if (!(flags & COMMAND)) this.frame(flags, body);
      }
    } catch (err) {
      return this.failOn(err);
    }
    if (held.length > MAX_HELD && this.peer && !this.peer.inbound.full) this.resumeReading();
  }
}
