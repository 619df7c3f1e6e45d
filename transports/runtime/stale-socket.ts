/**
 * The one rule, for every runtime, about a Unix socket file already at the path an
 * `ipc://` bind wants: a dead process's file is replaced, anybody else's is left alone.
 *
 * @module
 */

/** What the rule needs from a runtime's file system and sockets. */
export interface SocketFiles {
  /** True when `path` is a Unix socket file; false when it is missing or another kind of file. */
  isSocket(path: string): Promise<boolean>;
  /** Connects to `path` and closes at once; rejects with an error whose `code` is the errno name. */
  probe(path: string): Promise<void>;
  /** Deletes `path`; a file already gone is no error. */
  remove(path: string): Promise<void>;
}

const codeOf = (err: unknown): unknown => (err as { code?: unknown } | null)?.code;

/**
 * Makes way for binding the Unix socket `path`: when a socket file is there, probes it and
 * deletes it only when the connection is refused, which proves nobody listens (a process
 * that died without unlinking). A probe that connects leaves the file, so the bind fails
 * with EADDRINUSE as it should; any other failure (EACCES: not ours to judge, EAGAIN: a
 * live listener with a full backlog, ...) is thrown with its code, and the file stays.
 * Abstract names ("\0name") have no file and are left to the bind.
 *
 * libzmq unlinks whatever is there; a live peer's path is not ours to take, so omq asks first.
 *
 * @example
 * ```ts
 * await clearStaleSocketFile("/tmp/app.sock", files); // throws EACCES if the probe says so
 * // now bind /tmp/app.sock: it fails with EADDRINUSE only if somebody listens there
 * ```
 */
export async function clearStaleSocketFile(path: string, files: SocketFiles): Promise<void> {
  if (path.startsWith("\0") || !(await files.isSocket(path))) return;
  try {
    await files.probe(path);
    return; // somebody listens: the bind reports EADDRINUSE
  } catch (err) {
    const code = codeOf(err);
    if (code === "ENOENT") return; // removed meanwhile: nothing left to judge
    if (code !== "ECONNREFUSED") {
      const reason = err instanceof Error ? err.message : String(err);
      throw Object.assign(
        new Error(`listen ${String(code ?? "EADDRINUSE")}: ${path} exists and probing it failed (${reason})`, {
          cause: err,
        }),
        { code: typeof code === "string" ? code : "EADDRINUSE" },
      );
    }
  }
  await files.remove(path);
}
