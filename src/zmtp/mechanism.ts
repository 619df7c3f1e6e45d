/**
 * A security mechanism as a state machine: commands in, commands out, and
 * finally the peer's metadata (RFC 23 §"Authentication and confidentiality").
 * No I/O and no timers here; the engine drives it.
 *
 * @module
 */
import type { Metadata } from "./command.ts";

/** Why a handshake failed, in the terms of the monitor events. */
export type HandshakeFailure = "protocol" | "auth" | "other";

/** The outcome of one handshake command. */
export interface HandshakeStep {
  /** Command bodies to send, in order. */
  readonly send?: readonly Uint8Array[];
  /** Set when the handshake is complete: the peer's metadata. */
  readonly ready?: Metadata;
  /** Set when the handshake failed: the connection is dropped. */
  readonly error?: HandshakeError;
}

/**
 * What a protocol failure was, as libzmq's ZMQ_PROTOCOL_ERROR_* names it in its
 * HANDSHAKE_FAILED_PROTOCOL monitor event, spelt as zeromq.js's `ProtoError.code`.
 */
export type ProtocolErrorCode =
  | "ERR_ZMTP_UNSPECIFIED"
  | "ERR_ZMTP_UNEXPECTED_COMMAND"
  | "ERR_ZMTP_INVALID_SEQUENCE"
  | "ERR_ZMTP_KEY_EXCHANGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED"
  | "ERR_ZMTP_MALFORMED_COMMAND_MESSAGE"
  | "ERR_ZMTP_MALFORMED_COMMAND_HELLO"
  | "ERR_ZMTP_MALFORMED_COMMAND_INITIATE"
  | "ERR_ZMTP_MALFORMED_COMMAND_ERROR"
  | "ERR_ZMTP_MALFORMED_COMMAND_READY"
  | "ERR_ZMTP_MALFORMED_COMMAND_WELCOME"
  | "ERR_ZMTP_INVALID_METADATA"
  | "ERR_ZMTP_CRYPTOGRAPHIC"
  | "ERR_ZMTP_MECHANISM_MISMATCH"
  | "ERR_ZAP_UNSPECIFIED"
  | "ERR_ZAP_MALFORMED_REPLY"
  | "ERR_ZAP_BAD_REQUEST_ID"
  | "ERR_ZAP_BAD_VERSION"
  | "ERR_ZAP_INVALID_STATUS_CODE"
  | "ERR_ZAP_INVALID_METADATA";

/**
 * A failed handshake; `status` is the ZAP status code of a refusal (zeromq.js's AuthError carries it),
 * `code` what a protocol failure was (absent: ERR_ZMTP_UNSPECIFIED).
 */
export interface HandshakeError {
  readonly kind: HandshakeFailure;
  readonly message: string;
  readonly status?: 300 | 400 | 500;
  readonly code?: ProtocolErrorCode;
}

/**
 * A protocol failure of the handshake, with libzmq's name for it.
 *
 * @example
 * ```ts
 * return { error: protocolError("ERR_ZMTP_MALFORMED_COMMAND_HELLO", "malformed HELLO") };
 * ```
 */
export function protocolError(code: ProtocolErrorCode, message: string): HandshakeError {
  return { kind: "protocol", message, code };
}

/**
 * The failure an ERROR command's reason stands for: a ZAP status code (300/400/500)
 * means the peer refused our credentials (libzmq's handle_error_reason).
 */
export function refusal(reason: string, message: string): HandshakeError {
  const code = /^([345]00)$/.exec(reason);
  if (!code) return { kind: "other", message };
  return { kind: "auth", message, status: Number(code[1]) as 300 | 400 | 500 };
}

/** One side of a mechanism for one connection. */
export interface Mechanism {
  /** The name in the greeting ("NULL", "PLAIN", "CURVE"). */
  readonly name: string;
  /** Commands to send once the greetings are exchanged (NULL with a ZAP domain asks ZAP first). */
  start(): HandshakeStep | Promise<HandshakeStep>;
  /** Handles a command received during the handshake. */
  receive(command: Uint8Array): HandshakeStep | Promise<HandshakeStep>;
  /** The greeting's as-server flag (PLAIN/CURVE: the configured role); absent: the engine's default. */
  readonly asServer?: boolean;
  /**
   * After the handshake, wraps one outgoing frame (flags MORE/COMMAND) into the
   * command body that carries it (CURVE's MESSAGE, RFC 26). Absent: frames go as they are.
   */
  encode?(body: Uint8Array, flags: number): Uint8Array;
  /**
   * After the handshake, unwraps one incoming frame body (whatever its outer flags) into the frame
   * it carries. Throws for anything the peer must not send (the engine drops the connection).
   */
  decode?(command: Uint8Array): { readonly flags: number; readonly body: Uint8Array };
  /** The failure to report if the peer closes mid-handshake (CURVE: likely a wrong server key); absent: "other". */
  closedDuringHandshake?(): HandshakeStep["error"];
}
