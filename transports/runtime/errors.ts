/**
 * Errno-style codes for runtime errors, so the core sees `EADDRINUSE` and
 * friends whichever runtime raised them.
 *
 * @module
 */

const BY_NAME: Record<string, string> = {
  AddrInUse: "EADDRINUSE",
  AddrNotAvailable: "EADDRNOTAVAIL",
  ConnectionRefused: "ECONNREFUSED",
  ConnectionReset: "ECONNRESET",
  NotFound: "ENOENT",
  PermissionDenied: "EACCES",
  TimedOut: "ETIMEDOUT",
};

/** Returns `err` with a `code` property set from the runtime's error name when it lacks one. */
export function withErrno(err: unknown): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  const e = error as Error & { code?: unknown };
  if (typeof e.code !== "string" || !e.code.startsWith("E")) {
    const code = BY_NAME[error.name] ?? /\b(E[A-Z]{3,})\b/.exec(error.message)?.[1];
    if (code) Object.defineProperty(error, "code", { value: code, configurable: true });
  }
  return error;
}
