/**
 * The NULL mechanism (RFC 23 §"The NULL Security Mechanism"): each side sends
 * READY with its metadata; an ERROR from the peer ends the handshake.
 *
 * With a `zapDomain` set and a ZAP handler bound, libzmq 4.3 asks ZAP about the
 * peer (mechanism "NULL", no credentials) before sending READY; so do we.
 *
 * @module
 */
import {
  CommandError,
  decodeCommand,
  decodeError,
  decodeMetadata,
  encodeCommand,
  encodeError,
  encodeMetadata,
} from "../command.ts";
import { type HandshakeStep, type Mechanism, protocolError, refusal } from "../mechanism.ts";
import type { ZapAsk } from "../../zap.ts";

/** NULL: no security, just metadata (and ZAP's word on the peer's address when a domain is set). */
export class NullMechanism implements Mechanism {
  readonly name = "NULL";
  /** What we announce; bare ZWS2.0, which has no READY, sends its Identity as the routing id. */
  readonly metadata: readonly (readonly [string, Uint8Array | string])[];
  #zap: ZapAsk | null;

  /**
   * `metadata` is what we announce: Socket-Type, and Identity where it applies.
   * `zap` is given only when a ZAP domain is set and a handler is bound.
   */
  constructor(metadata: readonly (readonly [string, Uint8Array | string])[], zap: ZapAsk | null = null) {
    this.metadata = metadata;
    this.#zap = zap;
  }

  start(): HandshakeStep | Promise<HandshakeStep> {
    const ready: HandshakeStep = { send: [encodeCommand("READY", encodeMetadata(this.metadata))] };
    if (!this.#zap) return ready;
    return this.#zap("NULL", []).then((outcome): HandshakeStep => {
      if (outcome.ok) return ready;
      // As PLAIN: 300 closes silently, 400 and 500 tell the peer the code in an ERROR.
      const send = outcome.statusCode && outcome.statusCode !== "300" ? [encodeError(outcome.statusCode)] : undefined;
      return { send, error: outcome.error };
    });
  }

  receive(body: Uint8Array): HandshakeStep {
    try {
      const { name, data } = decodeCommand(body);
      if (name === "READY") return { ready: decodeMetadata(data) };
      if (name === "ERROR") {
        // A ZAP status code from the peer means it refused us (libzmq's handle_error_reason).
        const reason = decodeError(data);
        return { error: refusal(reason, `peer refused: ${reason}`) };
      }
      return {
        error: protocolError("ERR_ZMTP_UNEXPECTED_COMMAND", `unexpected ${name} command during NULL handshake`),
      };
    } catch (err) {
      if (err instanceof CommandError) {
        return { error: protocolError("ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED", err.message) };
      }
      throw err;
    }
  }
}
