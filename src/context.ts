/**
 * A Context is the namespace of inproc endpoints (libzmq's ctx_t; the
 * registry itself is in `inproc.ts`), defaults for the sockets created in it,
 * and the runtime adapter they use. A default one is shared process-wide.
 *
 * @module
 */
import { ZmqError } from "./errors.ts";
import { defineOptions, initialOptions, optionValues, shareOptions } from "./options.ts";
import { runtime as detectedRuntime } from "#omq/runtime";
import type { Runtime } from "../transports/runtime/types.ts";

/** Defaults for the sockets created in a context (zeromq.js's `Context` options). */
export interface ContextOptions {
  /** See {@linkcode Context.blocky}. */
  blocky?: boolean;
  /** See {@linkcode Context.ipv6}. */
  ipv6?: boolean;
  /** See {@linkcode Context.maxMessageSize}. */
  maxMessageSize?: number;
  /** See {@linkcode Context.holdsProcess}. */
  holdsProcess?: boolean;
  /**
   * The sockets adapter its sockets use for tcp and ipc (default: the one for the running
   * runtime). Tests inject a fake one to produce partial writes, EMFILE or slow drains.
   */
  runtime?: Runtime;
}

const runtimes = new WeakMap<Context, Runtime>();

/** What a context needs of its sockets: a way to close them. */
interface Closable {
  close(): Promise<void>;
}

/** The open sockets of each context, held weakly: a socket nobody holds may still be collected. */
const sockets = new WeakMap<Context, Set<WeakRef<Closable>>>();
const terminated = new WeakSet<Context>();

/**
 * A namespace for inproc endpoints, and defaults for the sockets created in it.
 * Sockets use the default `context` unless given another. Changing a default
 * affects sockets created afterwards, as in libzmq.
 *
 * @example
 * ```ts
 * const ctx = new Context({ blocky: false }); // its sockets' linger defaults to 0
 * const pull = new Pull({ context: ctx });
 * await pull.bind("inproc://work");
 * ```
 */
export class Context {
  /** Sockets created here keep unsent messages on close (linger -1); false makes their linger default 0 [ZMQ_BLOCKY]. */
  declare blocky: boolean;
  /** The `ipv6` sockets created here start with [ZMQ_IPV6]. */
  declare ipv6: boolean;
  /** The `maxMessageSize` sockets created here start with, in bytes; -1 for no limit [ZMQ_MAX_MSGSZ]. */
  declare maxMessageSize: number;
  /**
   * The `holdsProcess` sockets created here start with: false makes their listeners, connections
   * and timers let the process end when nothing else keeps it alive.
   */
  declare holdsProcess: boolean;

  /** Creates a context; an unknown option or a bad value throws `TypeError`/`RangeError` naming it. */
  constructor(options?: ContextOptions) {
    const { runtime, ...rest } = options ?? {};
    initialOptions(this, rest);
    runtimes.set(this, runtime ?? detectedRuntime);
    sockets.set(this, new Set());
  }

  /**
   * Closes every socket of this context, each honouring its `linger`, and resolves once they
   * are all closed (libzmq's zmq_ctx_term). Pending calls on them reject with ETERM, and no
   * socket can be made in this context afterwards.
   *
   * @example
   * ```ts
   * const ctx = new Context();
   * const push = new Push({ context: ctx });
   * push.connect("tcp://127.0.0.1:5555");
   * await push.send("last words"); // queued
   * await ctx.close(); // waits (up to push.linger) for it to go out, then closes push
   * ```
   */
  async close(): Promise<void> {
    terminated.add(this);
    const open = [...sockets.get(this)!].map((ref) => ref.deref()).filter((s) => s !== undefined);
    await Promise.all(open.map((s) => s.close()));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return terminated.has(this);
  }
}

/**
 * @internal Counts `socket` as one of `context`'s until the returned function is called (on its
 * close); throws ETERM for a context that was closed.
 */
export function joinContext(context: Context, socket: Closable): () => void {
  if (terminated.has(context)) throw new ZmqError("ETERM", "the socket's context is closed");
  const ref = new WeakRef(socket);
  const set = sockets.get(context)!;
  set.add(ref);
  return () => set.delete(ref);
}

/** @internal The open sockets of `context` (those still held). */
export function socketsOf(context: Context): object[] {
  return [...sockets.get(context)!].map((ref) => ref.deref()).filter((s) => s !== undefined);
}

/** @internal The option values a socket created in `context` starts from (its own options override them). */
export function socketDefaults(context: Context): Record<string, unknown> {
  const o = optionValues(context);
  const defaults: Record<string, unknown> = {
    ipv6: o.ipv6,
    maxMessageSize: o.maxMessageSize,
    holdsProcess: o.holdsProcess,
  };
  if (!o.blocky) defaults.linger = 0;
  return defaults;
}

/** @internal The runtime adapter of `context`'s sockets. */
export function runtimeOf(context: Context): Runtime {
  return runtimes.get(context)!;
}

defineOptions(Context, {
  blocky: { kind: "bool", default: true },
  ipv6: { kind: "bool", default: false },
  maxMessageSize: { kind: "int", default: -1, min: -1 },
  holdsProcess: { kind: "bool", default: true },
});

/**
 * The process-wide default context. Its options are the process's, as libzmq's one context
 * is: a value set in one thread is what every thread reads, and the workers it starts after
 * that (where the runtime shares memory between them: not Deno's Web Workers, nor browsers).
 */
export const context: Context = new Context();
shareOptions(context, "omq.context");
