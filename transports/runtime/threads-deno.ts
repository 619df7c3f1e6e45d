/**
 * Deno's threads: Web Locks tell when a thread ends (threads-locks.ts), links
 * are carried in shared-memory rings (Deno's BroadcastChannel is a process-wide
 * bus of 256 messages: a thread busy for a while loses what was posted beyond
 * that; in what does go on it, bytes cross in SharedArrayBuffers, which it
 * shares at once, while it copies an ArrayBuffer's slowly), and one BroadcastChannel stays
 * open for good: when a thread closes its last BroadcastChannel, Deno ends the
 * thread's receive loop asynchronously, and a channel opened before that has
 * happened never receives anything (and its posts later throw).
 *
 * @module
 */
import type { LockManagerLike } from "./threads-locks.ts";
import { lockThreads } from "./threads-locks.ts";
import type { ThreadsRuntime } from "./threads.ts";

type ChannelWithRef = { [key: symbol]: (ref: boolean) => void };

const Channel = (globalThis as unknown as { BroadcastChannel?: new (name: string) => ChannelWithRef })
  .BroadcastChannel;
// Deno's own (unexported) switch between a referenced and an unreferenced channel.
const refSymbol = Channel &&
  Object.getOwnPropertySymbols(Channel.prototype).find((s) => s.description === "refBroadcastChannel");

/** Opens the channel that is never closed, unreferenced so that it keeps no thread alive. */
function anchor(): void {
  // Without the switch an anchor would keep the process alive: better to risk the race than to hang.
  if (!refSymbol) return;
  const channel = new Channel!("omq:anchor");
  channel[refSymbol](false);
}

/** Deno's threads adapter. */
export function denoThreads(locks: LockManagerLike): ThreadsRuntime {
  let anchored = false;
  return {
    ...lockThreads(locks, true),
    ringLinks: true,
    refChannel(channel, ref) {
      if (refSymbol) (channel as ChannelWithRef)[refSymbol](ref);
    },
    beforeChannels() {
      if (anchored) return;
      anchored = true;
      anchor();
    },
  };
}
