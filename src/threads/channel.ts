/**
 * The web-standard BroadcastChannel, typed here by what omq uses of it: Node's,
 * Deno's, Bun's and the DOM's declarations differ, and this file is checked
 * against all of them. Every thread of a process (in a browser: every page and
 * worker of the origin) that opens a channel of the same name gets what the
 * others post on it, in order per sender, copied by structured clone. A thread
 * that opens the channel later does not see earlier messages.
 *
 * @module
 */
import { threads } from "#omq/runtime";

/** An open BroadcastChannel. */
export interface Channel {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { readonly data: unknown }) => void) | null;
  /** Node's and Bun's: whether the open channel keeps the thread alive (Deno's and the DOM's have neither). */
  ref?(): void;
  unref?(): void;
}

const BroadcastChannelClass = (globalThis as unknown as { BroadcastChannel?: new (name: string) => Channel })
  .BroadcastChannel;

/** Whether this runtime has BroadcastChannel (every supported one does; a bare JS engine may not). */
export const hasChannels: boolean = typeof BroadcastChannelClass === "function";

/** Opens the channel `name`; `receive` gets each message another thread posts on it. */
export function openChannel(name: string, receive: (data: unknown) => void): Channel {
  threads.beforeChannels?.();
  const channel = new BroadcastChannelClass!(name);
  channel.onmessage = (event) => receive(event.data);
  const refChannel = threads.refChannel;
  if (typeof channel.unref !== "function" && refChannel) {
    channel.ref = () => refChannel(channel, true);
    channel.unref = () => refChannel(channel, false);
  }
  return channel;
}
