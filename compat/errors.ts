/**
 * Errors as zeromq.js throws them: a plain `Error` with libzmq's error name in
 * `code`, the platform's number in `errno`, the endpoint in `address`, and the
 * texts zeromq.js uses ("Socket is closed", "Operation was not possible or
 * timed out", ...). omq's own errors (`ZmqError`) are translated here, and
 * kept as `cause`.
 *
 * @module
 */
import { constants } from "node:os";

/** An error with libzmq's name and number, as zeromq.js's `ErrnoError`. */
export interface ErrnoError extends Error {
  /** libzmq's error name, e.g. `"EAGAIN"`. */
  code: string;
  /** The error number on this platform. */
  errno: number;
  /** The endpoint concerned, for bind/unbind/connect/disconnect. */
  address?: string;
}

/** The texts zeromq.js gives (its own where it clarifies libzmq's, libzmq's `zmq_strerror` otherwise). */
const MESSAGES: Record<string, string> = {
  EAGAIN: "Operation was not possible or timed out",
  EMFILE: "Too many open file descriptors",
  ENOENT: "No such endpoint",
  EBUSY: "Socket is busy",
  EBADF: "Socket is closed",
  EFAULT: "Context is closed",
  EADDRINUSE: "Address already in use",
  EADDRNOTAVAIL: "Cannot assign requested address",
  EINVAL: "Invalid argument",
  EPROTONOSUPPORT: "Protocol not supported",
  ENOTSUP: "Operation not supported",
  EHOSTUNREACH: "Host unreachable",
  ENODEV: "No such device",
  EMSGSIZE: "Message too long",
  EPROTO: "Protocol error",
  EACCES: "Permission denied",
  ECONNREFUSED: "Connection refused",
  EFSM: "Operation cannot be accomplished in current state",
  ENOCOMPATPROTO: "The protocol is not compatible with the socket type",
  ETERM: "Context was terminated",
  EMTHREAD: "No thread available",
};

/** libzmq's own numbers (ZMQ_HAUSNUMERO + n) for the errors no platform defines. */
const ZMQ_ERRNO: Record<string, number> = {
  EFSM: 156384763,
  ENOCOMPATPROTO: 156384764,
  ETERM: 156384765,
  EMTHREAD: 156384766,
};

const PLATFORM_ERRNO = (constants?.errno ?? {}) as Record<string, number | undefined>;

/** The error number of a code on this platform (-1 for a code it does not know). */
export function errnoOf(code: string): number {
  return ZMQ_ERRNO[code] ?? PLATFORM_ERRNO[code] ?? -1;
}

/**
 * Makes a zeromq.js-shaped error: `message` defaults to zeromq.js's text for `code`.
 *
 * @example
 * ```ts
 * throw errnoError("EBADF"); // Error: Socket is closed, code "EBADF"
 * ```
 */
export function errnoError(code: string, message?: string, address?: string, cause?: unknown): ErrnoError {
  const error = new Error(message ?? MESSAGES[code] ?? code, cause === undefined ? undefined : { cause }) as ErrnoError;
  error.code = code;
  error.errno = errnoOf(code);
  if (address !== undefined) error.address = address;
  return error;
}

/**
 * Translates what omq threw into what zeromq.js would have: an omq error (anything with a
 * string `code`) becomes an `ErrnoError` with zeromq.js's text; a `RangeError` from an option
 * check is libzmq's EINVAL; anything else is returned as it is.
 */
export function translate(err: unknown, address?: string): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && /^E[A-Z]+$/.test(code)) {
    return errnoError(code, undefined, address ?? (err as { address?: string }).address, err);
  }
  if (err instanceof RangeError) return errnoError("EINVAL", undefined, address, err);
  return err;
}

/** The error of an operation on a socket that is closed (zeromq.js: EBADF). */
export function closedError(): ErrnoError {
  return errnoError("EBADF");
}

/** The error of an operation on a socket busy binding or unbinding. */
export function blockedError(): ErrnoError {
  return errnoError("EBUSY", "Socket is blocked by a bind or unbind operation");
}
