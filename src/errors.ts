/**
 * Errors carrying libzmq's error names as `code`.
 *
 * @module
 */

/** The libzmq error names omq reports. */
export type ErrorCode =
  | "EAGAIN"
  | "EFSM"
  | "ENOTSUP"
  | "EHOSTUNREACH"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "EINVAL"
  | "EPROTONOSUPPORT"
  | "ENOENT"
  | "ETERM"
  | "EPROTO"
  | "EACCES"
  | "ENOCOMPATPROTO"
  | "EMSGSIZE"
  | "ENODEV"
  | "ECONNRESET";

/**
 * An error from a socket operation, with libzmq's name for it in `code`.
 *
 * @example
 * ```ts
 * try { await pull.receive(); } catch (e) { if (e instanceof ZmqError && e.code === "ETERM") {} }
 * ```
 */
export class ZmqError extends Error {
  /** libzmq's error name, e.g. `"EAGAIN"`. */
  readonly code: ErrorCode;
  /** The endpoint involved, when there is one. */
  readonly address?: string;

  /** Creates a ZmqError; every option can also be set later as a property of the same name. */
  constructor(code: ErrorCode, message: string, options?: { address?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ZmqError";
    this.code = code;
    if (options?.address !== undefined) this.address = options.address;
  }
}

/** The error for any operation on a closed socket. */
export function closedError(what: string): ZmqError {
  return new ZmqError("ETERM", `${what}: the socket is closed`);
}
