/**
 * The NULL mechanism (RFC 23 §"The NULL Security Mechanism"): each side sends
 * READY with its metadata; an ERROR from the peer ends the handshake.
 *
 * @module
 */
import { CommandError, decodeCommand, decodeError, decodeMetadata, encodeCommand, encodeMetadata } from "../command.ts";
import type { HandshakeStep, Mechanism } from "../mechanism.ts";

/** NULL: no security, just metadata. */
export class NullMechanism implements Mechanism {
  readonly name = "NULL";
  #metadata: readonly (readonly [string, Uint8Array | string])[];

  /** `metadata` is what we announce: Socket-Type, and Identity where it applies. */
  constructor(metadata: readonly (readonly [string, Uint8Array | string])[]) {
    this.#metadata = metadata;
  }

  start(): HandshakeStep {
    return { send: [encodeCommand("READY", encodeMetadata(this.#metadata))] };
  }

  receive(body: Uint8Array): HandshakeStep {
    try {
      const { name, data } = decodeCommand(body);
      if (name === "READY") return { ready: decodeMetadata(data) };
      if (name === "ERROR") return { error: { kind: "other", message: `peer refused: ${decodeError(data)}` } };
      return { error: { kind: "protocol", message: `unexpected ${name} command during NULL handshake` } };
    } catch (err) {
      if (err instanceof CommandError) return { error: { kind: "protocol", message: err.message } };
      throw err;
    }
  }
}
