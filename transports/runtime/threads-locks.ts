/**
 * Thread ends through Web Locks (Deno, browsers): a thread that takes part
 * holds a lock named after itself, and a thread linked to it asks for that
 * lock, which it is granted once the holder lets go or ends, however it ends
 * (`terminate()`, an uncaught error, `self.close()`). The lock names are the
 * core's; this file only makes them unlikely to meet another library's.
 *
 * @module
 */
import type { ThreadsRuntime } from "./threads.ts";

/** The part of the Web Locks API used here. */
export interface LockManagerLike {
  request(name: string, callback: () => unknown): Promise<unknown>;
  request(name: string, options: { signal?: AbortSignal }, callback: () => unknown): Promise<unknown>;
}

function randomName(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `w${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Threads named at random; with `locks`, their ends are seen through them (null: not at all). */
export function lockThreads(locks: LockManagerLike | null, sharedBytes: boolean): ThreadsRuntime {
  const self = randomName();
  if (!locks) return { self, sharedBytes };
  const token = (thread: string) => `omq:thread:${thread}`;
  return {
    self,
    sharedBytes,
    hold(name) {
      return new Promise((resolve) => {
        let release!: () => void;
        const held = new Promise<void>((r) => (release = r));
        locks.request(token(name), () => {
          resolve(release);
          return held;
        });
      });
    },
    watch(name, gone, signal) {
      // Rejects with an AbortError when the link ends first.
      locks.request(token(name), { signal }, () => {
        if (!signal.aborted) gone();
      }).catch(() => {});
    },
  };
}
