/**
 * What the core needs from the runtime to reach the other threads of the
 * process (inproc across workers), and the pick for the running runtime. The
 * messages themselves travel over web-standard BroadcastChannels, which every
 * runtime has; what differs is how a thread learns that another one ended.
 *
 * @module
 */
import { denoThreads } from "./threads-deno.ts";
import { type LockManagerLike, lockThreads } from "./threads-locks.ts";
import { type NodeProcessLike, nodeThreads } from "./threads-node.ts";
import { environmentShared } from "./threads-shared.ts";

/** A thread's view of the other threads of its process. */
export interface ThreadsRuntime {
  /** This thread's name, unique in the process. */
  readonly self: string;
  /**
   * Whether bytes should cross in SharedArrayBuffers rather than ArrayBuffers: Deno's
   * BroadcastChannel copies an ArrayBuffer's bytes slowly (about 25 MB/s here) but shares a
   * SharedArrayBuffer at once.
   */
  readonly sharedBytes: boolean;
  /**
   * Whether a link between two threads must be carried in shared memory rather than on a
   * BroadcastChannel: Deno's channels are one process-wide bus of 256 messages, and a thread
   * that is busy for a while loses whatever was posted beyond that meanwhile.
   */
  readonly ringLinks?: boolean;
  /**
   * Where Web Locks exist (Deno, browsers): holds a token named `name` while this thread takes
   * part; resolves, once held, to the function that lets go. Without it, `onThreadEnd` reports ends.
   */
  hold?(name: string): Promise<() => void>;
  /** With `hold`: calls `gone` once the token `name` is let go of, or its thread ended; stop with `signal`. */
  watch?(name: string, gone: () => void, signal: AbortSignal): void;
  /**
   * Where threads end without Web Locks (Node, Bun): calls `ended(thread)` for each thread
   * this one sees end, the workers it started (however they end) and itself when it exits.
   */
  onThreadEnd?(ended: (thread: string) => void): void;
  /** Called before the core opens a BroadcastChannel (Deno works around a bug of its channels here). */
  beforeChannels?(): void;
  /**
   * Whether an open BroadcastChannel keeps the thread alive, where the channel itself has no
   * `ref()`/`unref()` (Node's and Bun's have them): Deno's own switch.
   */
  refChannel?(channel: object, ref: boolean): void;
  /**
   * Memory shared with the other threads of the process, by name: the block this thread was
   * started with, or a new one that the threads it starts from now on will find. Undefined
   * where threads share no memory this way (browsers, Deno's Web Workers).
   */
  processShared?(name: string, byteLength: number): SharedArrayBuffer | undefined;
}

const g = globalThis as {
  Deno?: unknown;
  navigator?: { locks?: LockManagerLike };
  process?: NodeProcessLike;
};

function pick(): ThreadsRuntime {
  const locks = g.navigator?.locks;
  const process = typeof g.process?.getBuiltinModule === "function" ? g.process : undefined;
  const processShared = process && environmentShared(process);
  if (locks) {
    const picked = g.Deno !== undefined ? denoThreads(locks) : lockThreads(locks, false);
    return { ...picked, processShared };
  }
  if (process) return { ...nodeThreads(process), processShared };
  // No way to learn that a thread ended: links to it are only lost when it closes them.
  return lockThreads(null, false);
}

/** The threads adapter of this runtime. */
export const threads: ThreadsRuntime = pick();
