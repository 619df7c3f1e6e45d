/**
 * zeromq.js's `Context`: an omq `Context` (the inproc namespace and socket
 * defaults: `blocky`, `ipv6`, `maxMessageSize`) with zeromq.js's other
 * options. `maxSockets` is enforced (EMFILE beyond it, as libzmq); `ioThreads`
 * and the thread options are kept for code that sets them: omq has no I/O
 * threads, the runtime's event loop does the I/O.
 *
 * @module
 */
import { Context as OmqContext, context as omqContext } from "../mod.ts";
import { sharedRecord } from "../src/threads/shared-record.ts";
import { errnoError } from "./errors.ts";
import {
  assignOptions,
  defineOptionAccessors,
  optionByNumber,
  readOption,
  registerOptionHost,
  writeOption,
} from "./option-access.ts";
import { CONTEXT_OPTIONS, type OptionDef } from "./options.ts";

/** Wraps omq's default context: zeromq.js's `context` and omq's share one inproc namespace. */
const SHARED: unique symbol = Symbol("omq.zeromq.shared-context");

/** @internal The omq context behind a compat context. */
export let omqContextOf: (context: Context) => OmqContext;
/** @internal Counts a socket in (true) or out of (false) its context; throws EMFILE past `maxSockets`. */
export let countSocket: (context: Context, open: boolean) => void;

/**
 * A ØMQ context, as zeromq.js has it: the inproc namespace of its sockets and their
 * defaults. Sockets use the default `context` unless given another.
 *
 * @example
 * ```ts
 * import { Context, Dealer } from "omq/zeromq";
 * const context = new Context({ blocky: false, maxSockets: 64 });
 * const dealer = new Dealer({ context });
 * ```
 */
export class Context {
  /** Sockets created here keep queued messages on close (linger -1); false makes their linger default 0 [ZMQ_BLOCKY]. */
  declare blocky: boolean;
  /** Accepted for zeromq.js compatibility: omq has no I/O threads [ZMQ_IO_THREADS]. */
  declare ioThreads: number;
  /** The largest message sockets created here accept, -1 for no limit [ZMQ_MAX_MSGSZ]. */
  declare maxMessageSize: number;
  /** How many sockets may be open in this context at once; one more throws EMFILE [ZMQ_MAX_SOCKETS]. */
  declare maxSockets: number;
  /** The `ipv6` sockets created here start with [ZMQ_IPV6]. */
  declare ipv6: boolean;
  /** Accepted for zeromq.js compatibility (write-only; no I/O threads) [ZMQ_THREAD_PRIORITY]. */
  declare threadPriority: number;
  /** Accepted for zeromq.js compatibility (write-only; no I/O threads) [ZMQ_THREAD_SCHED_POLICY]. */
  declare threadSchedulingPolicy: number;
  /** The largest `maxSockets` allowed [ZMQ_SOCKET_LIMIT]. */
  declare readonly maxSocketsLimit: number;

  #inner: OmqContext;
  #local: Record<string, unknown> = {};
  #open = 0;

  static {
    omqContextOf = (context) => context.#inner;
    countSocket = (context, open) => {
      if (!open) {
        context.#open--;
        return;
      }
      if (context.#open >= (context.#local.maxSockets as number)) throw errnoError("EMFILE");
      context.#open++;
    };
  }

  /**
   * Creates a context and sets the options given, as zeromq.js does.
   *
   * @param options Any context option, e.g. `{ blocky: false }`.
   */
  constructor(options?: Partial<Pick<Context, "blocky" | "ioThreads" | "maxMessageSize" | "maxSockets" | "ipv6">>) {
    if (arguments.length > 1) {
      if (arguments[1] === SHARED) options = undefined;
      else throw new TypeError("Expected 1 argument");
    }
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new TypeError("Options must be an object");
    }
    this.#inner = arguments[1] === SHARED ? omqContext : new OmqContext();
    for (const def of CONTEXT_OPTIONS) if (def.fallback !== undefined) this.#local[def.name] = def.fallback;
    // One default context per process, as libzmq's: a worker reads what the main thread set.
    if (arguments[1] === SHARED) {
      this.#local = sharedRecord("omq.zeromq.context", this.#local as Record<string, number | boolean>);
    }
    const inner = this.#inner as unknown as Record<string, unknown>;
    const local = this.#local;
    registerOptionHost(this, {
      target: (def: OptionDef) => def.fallback === undefined ? inner : local,
      changed: () => {},
    });
    // Unknown and read-only options then fail as zeromq.js's do.
    Object.preventExtensions(this);
    if (options) assignOptions(this, options, "Context");
  }

  /** Reads a boolean option by libzmq's number, as zeromq.js's (ZMQ_BLOCKY is 70). */
  protected getBoolOption(option: number): boolean {
    return readOption(this, optionByNumber(CONTEXT_OPTIONS, option, true), "Bool") as boolean;
  }
  /** Sets a boolean option by libzmq's number. */
  protected setBoolOption(option: number, value: boolean): void {
    writeOption(this, optionByNumber(CONTEXT_OPTIONS, option, false), value, "Bool");
  }
  /** Reads an integer option by libzmq's number (ZMQ_IO_THREADS is 1). */
  protected getInt32Option(option: number): number {
    return readOption(this, optionByNumber(CONTEXT_OPTIONS, option, true), "Int32") as number;
  }
  /** Sets an integer option by libzmq's number. */
  protected setInt32Option(option: number, value: number): void {
    writeOption(this, optionByNumber(CONTEXT_OPTIONS, option, false), value, "Int32");
  }
}

defineOptionAccessors(Context, CONTEXT_OPTIONS, "Context");

/** The default context of zeromq.js's API: omq's default context, so both APIs share its inproc endpoints. */
export const context: Context = new (Context as new (options: undefined, shared: symbol) => Context)(
  undefined,
  SHARED,
);
