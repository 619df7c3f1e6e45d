/**
 * The default Context's inproc names across the threads of the process: the
 * control channel, which threads bind which names, link requests, and which
 * threads have ended. A thread takes part (its control channel is open) only
 * while it binds, waits to connect or has links, so a thread without inproc
 * endpoints is left alone and can exit.
 *
 * No thread is in charge: each keeps a copy of the directory from what the
 * others announce (`bound`, `unbound`, answers to `hello` and `who`). Two
 * threads binding one name at once both succeed at first; when each hears of
 * the other, the later bind (by its time, then its thread's name) is dropped
 * with a `bind:error` EADDRINUSE event on its socket.
 *
 * @module
 */
import { threads, type ThreadsRuntime } from "#omq/runtime";
import type { Bridge } from "./bridge.ts";
import { type Channel, hasChannels, openChannel } from "./channel.ts";
import { asControl, CONTROL_CHANNEL, type ControlMessage, type EndInfo } from "./protocol.ts";
import { hasRings, type RingMemory } from "./ring.ts";

/** A link request from another thread. */
export interface LinkRequest {
  readonly from: string;
  readonly name: string;
  readonly link: string;
  readonly info: EndInfo;
  /** The link's rings (to the binder, to the connector), where links are carried in shared memory. */
  readonly rings?: readonly [RingMemory, RingMemory];
}

/** What the directory needs from the default Context's inproc registry. */
export interface DirectoryHost {
  /** When `name` was bound in this thread, if it is. */
  boundSince(name: string): number | undefined;
  /** Every name bound in this thread, with when. */
  localNames(): Iterable<[string, number]>;
  /** Another thread binds `name` now: connects waiting for it can link. */
  boundElsewhere(name: string): void;
  /** Another thread bound `name` first: this thread's binding gives way. */
  lostName(name: string): void;
  /** Another thread asks for a link to what this thread binds. */
  linkRequested(request: LinkRequest): void;
}

interface RemoteName {
  readonly thread: string;
  readonly stamp: number;
}

/** Whether a bind at (`stamp`, `thread`) came before one at (`other`, `otherThread`). */
const earlier = (stamp: number, thread: string, other: number, otherThread: string) =>
  stamp < other || (stamp === other && thread < otherThread);

/** This thread's part in the process-wide inproc directory. */
export class Directory {
  readonly #threads: ThreadsRuntime;
  readonly #host: DirectoryHost;
  #channel: Channel | null = null;
  /** Bindings, waiting connects and links of this thread: the channel is open while there are any. */
  #users = 0;
  /** Posts held until this thread's liveness token is held (Web Locks), so nobody sees it before. */
  #held: ControlMessage[] | null = null;
  #release: (() => void) | null = null;
  #opened = 0;
  /** This thread's name while it takes part (see `self`). */
  #self = "";
  #remote = new Map<string, RemoteName>();
  #bridges = new Map<string, Bridge>();
  /** Users whose socket holds the process (`holdsProcess`): the channel keeps the thread alive while any is. */
  #holders = 0;
  /** Tracked links whose socket does not hold the process. */
  #idleLinks = new Set<string>();
  /** With Web Locks: one watch per thread this one has links to. */
  #watches = new Map<string, { count: number; stop: AbortController }>();

  constructor(host: DirectoryHost, runtime: ThreadsRuntime = threads) {
    this.#threads = runtime;
    this.#host = host;
    current = this;
  }

  /**
   * This thread's name while it takes part: the runtime's name for the thread and a count of
   * its times taking part. A thread that takes part again is a new participant, with a new
   * Web Lock: Deno can hand a released lock to a request left by a terminated worker, and then
   * nobody ever gets it back.
   */
  get self(): string {
    return this.#self;
  }

  /** Bytes cross in SharedArrayBuffers on this runtime. */
  get sharedBytes(): boolean {
    return this.#threads.sharedBytes;
  }

  /** The control channel may lose messages (Deno's, whose links are carried in rings for that reason). */
  get lossy(): boolean {
    return this.#threads.ringLinks === true;
  }

  /** Links are carried in shared-memory rings on this runtime (threads/carrier.ts). */
  get ringLinks(): boolean {
    return this.#threads.ringLinks === true && hasRings;
  }

  /** Which thread binds `name`, as far as this thread has heard; undefined if none. */
  binderOf(name: string): string | undefined {
    return this.#remote.get(name)?.thread;
  }

  /** A name bound here: the other threads hear of it. */
  bound(name: string, stamp: number, holds = true): void {
    this.#use(holds);
    this.#post({ t: "bound", from: this.self, name, stamp });
  }

  /** A name no longer bound here (its existing links stay). */
  unbound(name: string, holds = true): void {
    this.#post({ t: "unbound", from: this.self, name });
    this.#unuse(holds);
  }

  /** A connect waits for a binder in another thread (this thread keeps taking part meanwhile). */
  want(holds = true): void {
    this.#use(holds);
  }

  /** A connect stopped waiting (linked, or gave up). */
  unwant(holds = true): void {
    this.#unuse(holds);
  }

  /** Asks the other threads who binds `name` (the answer is a `bound`, if any binds it). */
  ask(name: string): void {
    this.#post({ t: "who", from: this.self, name });
  }

  /** Forgets that `thread` binds `name` (it refused a link: it no longer does). */
  forget(name: string, thread: string): void {
    if (this.#remote.get(name)?.thread === thread) this.#remote.delete(name);
  }

  /** Sends a link request for `bridge` (a connecting bridge) to the thread that binds `name`. */
  requestLink(bridge: Bridge, name: string, info: EndInfo): void {
    const rings = bridge.rings;
    this.#post({ t: "link", from: this.self, to: bridge.remote, name, link: bridge.id, info, ...rings && { rings } });
  }

  /** Tells the binder a connect gave up on a link it may not have answered yet. */
  cancelLink(bridge: Bridge): void {
    this.#post({ t: "unlink", from: this.self, to: bridge.remote, link: bridge.id });
  }

  /** A link starts: this thread keeps taking part, and watches the other end's thread. */
  track(bridge: Bridge): void {
    const holds = bridge.socket.inprocOptions().holdsProcess !== false;
    if (!holds) this.#idleLinks.add(bridge.id);
    this.#use(holds);
    this.#bridges.set(bridge.id, bridge);
    const watch = this.#threads.watch;
    if (!watch) return;
    const existing = this.#watches.get(bridge.remote);
    if (existing) {
      existing.count++;
      return;
    }
    const stop = new AbortController();
    this.#watches.set(bridge.remote, { count: 1, stop });
    const remote = bridge.remote;
    watch(remote, () => this.#ended(remote), stop.signal);
  }

  /** A link is over. */
  untrack(bridge: Bridge): void {
    if (!this.#bridges.delete(bridge.id)) return;
    const watch = this.#watches.get(bridge.remote);
    if (watch && --watch.count === 0) {
      this.#watches.delete(bridge.remote);
      watch.stop.abort();
    }
    this.#unuse(!this.#idleLinks.delete(bridge.id));
  }

  #use(holds: boolean): void {
    if (holds) this.#holders++;
    if (this.#users++ === 0) this.#open();
    this.#holdThread();
  }

  #unuse(holds: boolean): void {
    if (holds) this.#holders--;
    if (--this.#users === 0) this.#close();
    else this.#holdThread();
  }

  /** The control channel keeps this thread alive only for users whose socket holds the process. */
  #holdThread(): void {
    if (this.#holders > 0) this.#channel?.ref?.();
    else this.#channel?.unref?.();
  }

  #open(): void {
    if (!hasChannels) return;
    this.#channel = openChannel(CONTROL_CHANNEL, (data) => this.#receive(data));
    const opened = ++this.#opened;
    this.#self = `${this.#threads.self}.${opened}`;
    if (this.#threads.hold) {
      this.#held = [];
      this.#threads.hold(this.#self).then((release) => {
        if (opened !== this.#opened || this.#channel === null) return release();
        this.#release = release;
        const held = this.#held ?? [];
        this.#held = null;
        for (const message of held) this.#channel.postMessage(message);
      });
    }
    this.#post({ t: "hello", from: this.self });
  }

  #close(): void {
    // Whatever this participant was asked and has not answered, it never will.
    this.#post({ t: "bye", from: this.self });
    this.#channel?.close();
    this.#channel = null;
    this.#held = null;
    this.#release?.();
    this.#release = null;
    // Not kept up to date while closed.
    this.#remote.clear();
  }

  #post(message: ControlMessage): void {
    if (this.#channel === null) return;
    if (this.#held) this.#held.push(message);
    else this.#channel.postMessage(message);
  }

  #receive(data: unknown): void {
    const message = asControl(data);
    if (message === null || message.from === this.self) return;
    switch (message.t) {
      case "hello":
        for (const [name, stamp] of this.#host.localNames()) this.#post({ t: "bound", from: this.self, name, stamp });
        return;
      case "bound":
        return this.#heardBound(message.name, message.from, message.stamp);
      case "unbound":
        if (this.#remote.get(message.name)?.thread === message.from) this.#remote.delete(message.name);
        return;
      case "who": {
        const stamp = this.#host.boundSince(message.name);
        if (stamp !== undefined) this.#post({ t: "bound", from: this.self, name: message.name, stamp });
        return;
      }
      case "link":
        if (message.to === this.self) this.#host.linkRequested(message);
        return;
      case "unlink":
        if (message.to === this.self) this.#bridges.get(message.link)?.lost();
        return;
      case "gone":
        return this.#ended(message.thread);
      case "bye":
        return this.#ended(message.from);
    }
  }

  #heardBound(name: string, thread: string, stamp: number): void {
    const mine = this.#host.boundSince(name);
    if (mine !== undefined) {
      if (earlier(mine, this.self, stamp, thread)) {
        // Ours came first: say so again, so the other thread drops its binding.
        this.#post({ t: "bound", from: this.self, name, stamp: mine });
        return;
      }
      this.#host.lostName(name);
    }
    const known = this.#remote.get(name);
    if (known && known.thread !== thread && earlier(known.stamp, known.thread, stamp, thread)) return;
    this.#remote.set(name, { thread, stamp });
    this.#host.boundElsewhere(name);
  }

  /** `thread` (a participant, or a runtime's thread name: all its participants) ended: its names are free and its links lost. */
  #ended(thread: string): void {
    const of = (participant: string) => participant === thread || participant.startsWith(`${thread}.`);
    for (const [name, known] of this.#remote) if (of(known.thread)) this.#remote.delete(name);
    for (const bridge of [...this.#bridges.values()]) if (of(bridge.remote)) bridge.lost();
  }

  /** Node and Bun: this thread saw `thread` end (a worker it started, or itself on exit). Tells the others. */
  reportEnd(thread: string): boolean {
    if (!this.#channel) return false;
    this.#channel.postMessage({ t: "gone", from: this.#self, thread } satisfies ControlMessage);
    if (thread !== this.#threads.self) this.#ended(thread);
    return true;
  }
}

/** This thread's directory (the default Context's), once there is one. */
let current: Directory | null = null;

// From the start, not from the first inproc endpoint: workers started before it count too.
threads.onThreadEnd?.((thread) => {
  if (current?.reportEnd(thread) || !hasChannels) return;
  // Others may have links to it even though this thread has no inproc endpoints.
  const channel = openChannel(CONTROL_CHANNEL, () => {});
  channel.postMessage({ t: "gone", from: threads.self, thread } satisfies ControlMessage);
  channel.close();
});
