/**
 * ZMTP over a byte stream (tcp, ipc; RFC 23/37): both sides send the 64-byte
 * greeting, then frames with a flags byte and a 1- or 8-byte size. Reads land
 * where the frame decoder asks, so frames are views of what was read.
 *
 * @module
 */
import type { ByteConnection } from "../../transports/runtime/types.ts";
import { FrameDecoder, FrameEncoder } from "../zmtp/frame.ts";
import {
  checkSignature,
  decodeGreeting,
  encodeGreeting,
  GREETING_SIZE,
  GreetingError,
  SIGNATURE_SIZE,
} from "../zmtp/greeting.ts";
import type { EngineHost, EngineOptions } from "./types.ts";
import { ACTIVE, CLOSED, GREETING, HANDSHAKE, ZmtpEngine } from "./zmtp.ts";

/**
 * Drives one ZMTP connection over a byte stream (libzmq's `zmtp_engine`).
 *
 * @example
 * ```ts ignore
 * const engine = new ZmtpStreamEngine(conn, options, { ready: () => peer, closed: () => {} });
 * ```
 */
export class ZmtpStreamEngine extends ZmtpEngine {
  #greeting = new Uint8Array(GREETING_SIZE);
  #greetingHave = 0;
  #decoder: FrameDecoder;

  constructor(conn: ByteConnection, options: EngineOptions, host: EngineHost) {
    super(conn, new FrameEncoder(), GREETING, options, host);
    const max = options.maxMessageSize;
    this.#decoder = new FrameDecoder(
      { frame: (flags, body) => this.frame(flags, body) },
      max >= 0 ? max : undefined,
      conn.allocate ? (size) => conn.allocate!(size) : undefined,
    );
    conn.start({
      data: (chunk) => this.#data(chunk),
      readBuffer: () => (this.state === ACTIVE || this.state === HANDSHAKE ? this.#decoder.readBuffer() : null),
      drain: () => this.transportDrained(),
      close: (error) => this.transportClosed(error),
    });
    conn.write([encodeGreeting(options.mechanism.name, options.asServer)]);
  }

  #data(chunk: Uint8Array): void {
    if (this.state === CLOSED) return;
    this.heard();
    try {
      if (this.state === GREETING) {
        const take = Math.min(GREETING_SIZE - this.#greetingHave, chunk.byteLength);
        const before = this.#greetingHave;
        this.#greeting.set(chunk.subarray(0, take), before);
        this.#greetingHave += take;
        if (before < SIGNATURE_SIZE && this.#greetingHave >= SIGNATURE_SIZE) checkSignature(this.#greeting);
        if (this.#greetingHave < GREETING_SIZE) return;
        this.#greetingDone();
        chunk = chunk.subarray(take);
        // The handshake's first step may already have failed and closed us.
        if (chunk.byteLength === 0 || (this.state as number) === CLOSED) return;
      }
      this.#decoder.push(chunk);
    } catch (err) {
      this.failOn(err);
    }
  }

  #greetingDone(): void {
    const greeting = decodeGreeting(this.#greeting);
    this.peerMinor = greeting.minor === 0 && greeting.major === 3 ? 0 : 1;
    this.subscriptionCommands = this.peerMinor >= 1;
    const mechanism = this.options.mechanism;
    if (greeting.mechanism !== mechanism.name) {
      throw Object.assign(
        new GreetingError(`the peer uses the ${greeting.mechanism} mechanism, this socket ${mechanism.name}`),
        { code: "ERR_ZMTP_MECHANISM_MISMATCH" },
      );
    }
    this.beginHandshake();
  }

  protected override cleanUp(): void {
    super.cleanUp();
    this.#decoder.close();
  }
}
