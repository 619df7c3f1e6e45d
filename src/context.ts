/**
 * A Context is the namespace of inproc endpoints (libzmq's ctx_t; the
 * registry itself is in `inproc.ts`), defaults for the sockets created in it,
 * and the runtime adapter they use. A default one is shared process-wide.
 *
 * @module
 */
import { defineOptions, initialOptions, optionValues } from "./options.ts";
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
  /**
   * The sockets adapter its sockets use for tcp and ipc (default: the one for the running
   * runtime). Tests inject a fake one to produce partial writes, EMFILE or slow drains.
   */
  runtime?: Runtime;
}

const runtimes = new WeakMap<Context, Runtime>();

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

  /** Creates a context; an unknown option or a bad value throws `TypeError`/`RangeError` naming it. */
  constructor(options?: ContextOptions) {
    const { runtime, ...rest } = options ?? {};
    initialOptions(this, rest);
    runtimes.set(this, runtime ?? detectedRuntime);
  }
}

/** @internal The option values a socket created in `context` starts from (its own options override them). */
export function socketDefaults(context: Context): Record<string, unknown> {
  const o = optionValues(context);
  const defaults: Record<string, unknown> = { ipv6: o.ipv6, maxMessageSize: o.maxMessageSize };
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
});

/** The process-wide default context. */
export const context: Context = new Context();
