/**
 * The inproc endpoints of one Context (libzmq's ctx_t endpoint registry):
 * bind and connect in either order, and a link is two pipes shared by the
 * two sockets, so a message goes from one to the other as the same object.
 *
 * The default Context's endpoints are process-wide, as libzmq's: a name bound
 * in one thread (the main thread or a worker) can be connected from any other,
 * in either order. A link to another thread is a bridge (threads/bridge.ts)
 * that carries the messages of the same two pipes over a BroadcastChannel;
 * threads/directory.ts finds which thread binds a name. Within a thread
 * nothing changes: the pipes are shared. A Context made with `new Context()`
 * is a namespace of its own thread only.
 *
 * A connect outlives its link: when the socket it is linked to goes away (it
 * closes, or its thread ends), the connect waits for the next bind of the name,
 * with a new peer (and pipes), as a reconnect (unless `reconnectInterval` is -1).
 *
 * @module
 */
import { type Context, context as defaultContext, runtimeOf } from "./context.ts";
import { ZmqError } from "./errors.ts";
import type { SocketEvent } from "./events.ts";
import { Peer } from "./peer.ts";
import { Pipe } from "./pipe.ts";
import { boosted, DEFAULT_HWM, forgetMarks, setMark } from "./inproc-marks.ts";
import { Bridge, type BridgeHost } from "./threads/bridge.ts";
import { LinkPipe } from "./threads/link-pipe.ts";
import { Directory, type DirectoryHost, type LinkRequest } from "./threads/directory.ts";
import type { EndInfo } from "./threads/protocol.ts";

/** What a socket's session offers the registry for inproc links. */
export interface InprocSocket {
  readonly socketType: string;
  /**
   * High-water marks, routing id and linger, read when a link is made (linger: when it ends);
   * `reconnect`: a connect waits for the next bind when its binder goes (not for ZAP's client,
   * which connects again itself, nor with `reconnectInterval` -1, as libzmq).
   */
  inprocOptions(): {
    sendHighWaterMark: number;
    receiveHighWaterMark: number;
    routingId: Uint8Array | null;
    conflate: boolean;
    linger?: number;
    reconnect?: boolean;
    /** False: its endpoints let the thread end (`holdsProcess`); the threads directory's channel then does too. */
    holdsProcess?: boolean;
  };
  /** Takes one end of a new link. */
  inprocAttach(peer: Peer): void;
  /** Adds a monitor event: a link to another thread reports `handshake` and `disconnect`. */
  inprocEvent?(event: SocketEvent): void;
}

interface Binding {
  readonly socket: InprocSocket;
  /** Whether the binder holds the process (`holdsProcess`) */
  readonly holds: boolean;
  /** When it was bound (ms since the epoch): the earlier of two binds in different threads wins. */
  readonly stamp: number;
}

/** One `connect`: its current link, which it outlives. */
interface Connect {
  readonly name: string;
  readonly connector: InprocSocket;
  readonly assignedId: Uint8Array | null;
  /** The peer `connect` returned: the session knows the connect by it. */
  readonly first: Peer;
  /** The connector's marks when it connected: libzmq completes a late bind with this copy. */
  marks: { send: number; receive: number };
  /** The connector's end of the current pipes. */
  peer: Peer;
  /** The other end of the same pipes: the binder's end, or the bridge's. */
  mirror: Peer;
  bridge: Bridge | null;
  /** waiting for a bind; linking (asked another thread); linked in this thread or to another; done. */
  state: "waiting" | "linking" | "local" | "remote" | "done";
  /** Counted as a user of the directory (while waiting or linking). */
  wanting: boolean;
  /** Whether the connector holds the process (`holdsProcess`), as it was at the connect. */
  holds: boolean;
  /** Its socket closed before it was linked; it waits to deliver what was queued (see `#linger`). */
  lingering?: boolean;
  /** When the current link request was made (ms since the epoch). */
  asked?: number;
  timer?: ReturnType<typeof setTimeout>;
}

/** How often connects still waiting ask again where control messages can be lost (ms). */
const NUDGE_INTERVAL = 1000;
/** How long a link request may stay unanswered there before it is made anew (ms). */
const LINK_PATIENCE = 5000;

/** Whether a session refused the peer or let go of it: its pipes are ended then. */
const ended = (peer: Peer) => peer.detached || peer.outbound.ended;

function endInfo(socket: InprocSocket): EndInfo {
  const o = socket.inprocOptions();
  return {
    socketType: socket.socketType,
    routingId: o.routingId,
    sendHighWaterMark: o.sendHighWaterMark,
    receiveHighWaterMark: o.receiveHighWaterMark,
    conflate: o.conflate,
  };
}

function linkId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The inproc names bound in one Context, and the connects waiting for a bind. */
export class InprocRegistry {
  #bound = new Map<string, Binding>();
  #waiting = new Map<string, Connect[]>();
  /** Every connect, by the peer `connect` returned. */
  #connects = new Map<Peer, Connect>();
  /** Only the default Context's names reach other threads. */
  #directory: Directory | null;
  #bridgeHost: BridgeHost | null;
  /** The connect of each connecting bridge. */
  #bridged = new Map<Bridge, Connect>();
  /** Where control messages can be lost (Deno): asks again while connects wait (see `#nudged`). */
  #nudge: ReturnType<typeof setTimeout> | undefined;
  /** The runtime's, to let the nudge timer end the thread while no waiting connect holds the process. */
  #unrefTimer: ((timer: ReturnType<typeof setTimeout>) => void) | undefined;

  constructor(context: Context, processWide: boolean) {
    this.#directory = processWide ? new Directory(this.#directoryHost()) : null;
    this.#bridgeHost = processWide ? this.#makeBridgeHost(context) : null;
    this.#unrefTimer = processWide ? runtimeOf(context).unrefTimer : undefined;
  }

  /** Registers `socket` at `inproc://name`; throws `EADDRINUSE` if taken. Links connectors that came first. */
  bind(name: string, socket: InprocSocket): void {
    if (this.#bound.has(name)) throw new ZmqError("EADDRINUSE", `inproc://${name} is already bound`);
    if (this.#directory?.binderOf(name) !== undefined) {
      throw new ZmqError("EADDRINUSE", `inproc://${name} is already bound in another thread`);
    }
    const stamp = Date.now();
    const holds = socket.inprocOptions().holdsProcess !== false;
    this.#bound.set(name, { socket, stamp, holds });
    this.#directory?.bound(name, stamp, holds);
    const waiting = this.#waiting.get(name);
    this.#waiting.delete(name);
    for (const c of waiting ?? []) {
      this.#unwant(c);
      this.#linkHere(c, socket);
    }
  }

  /** Removes the binding (existing links stay). */
  unbind(name: string, socket: InprocSocket): void {
    const binding = this.#bound.get(name);
    if (binding?.socket !== socket) return;
    this.#bound.delete(name);
    this.#directory?.unbound(name, binding.holds);
  }

  /** Whether a socket in this thread is bound at `inproc://name` (ZAP asks a handler only when one is bound, as libzmq). */
  isBound(name: string): boolean {
    return this.#bound.has(name);
  }

  /**
   * Links `connector` to whatever binds `inproc://name`, now or later (libzmq 4 lets
   * connect come first), in this thread or, for the default Context, in another.
   * Returns the connector's end; `cancelPending` with it ends the connect.
   */
  connect(name: string, connector: InprocSocket, assignedId: Uint8Array | null = null): Peer {
    const binding = this.#bound.get(name);
    const endpoint = `inproc://${name}`;
    if (!binding) {
      const c = this.#newConnect(name, connector, assignedId);
      this.#wait(c, true);
      return c.first;
    }
    const co = connector.inprocOptions();
    const bo = binding.socket.inprocOptions();
    // Either end asking for conflation makes the shared pipe keep only the newest message.
    const conflate = co.conflate || bo.conflate;
    const toBinder = new Pipe(0, conflate);
    const toConnector = new Pipe(0, conflate);
    const peer = new Peer(toBinder, toConnector, endpoint);
    const c: Connect = {
      name,
      connector,
      assignedId,
      marks: { send: co.sendHighWaterMark, receive: co.receiveHighWaterMark },
      first: peer,
      peer,
      mirror: new Peer(toConnector, toBinder, endpoint),
      bridge: null,
      state: "waiting",
      wanting: false,
      holds: co.holdsProcess !== false,
    };
    this.#connects.set(peer, c);
    this.#pair(c);
    // Before the connector takes the peer: a send waiting for a peer goes into it at once.
    this.#markLink(c, bo);
    // Known before the connector takes the peer: it may refuse the binder's type, and a Router identifies it at once.
    peer.socketType = binding.socket.socketType;
    peer.announcedId = bo.routingId;
    connector.inprocAttach(peer);
    if (ended(peer)) c.state = "done";
    else this.#linkHere(c, binding.socket);
    return peer;
  }

  /** Ends a connect (`disconnect`, or its socket closing): it stops waiting, and lets go of its current link. */
  cancelPending(first: Peer): void {
    const c = this.#connects.get(first);
    if (!c) return;
    this.#connects.delete(first);
    const was = c.state;
    const linger = c.connector.inprocOptions().linger ?? -1;
    if ((was === "waiting" || was === "linking") && c.peer.outbound.size > 0 && linger !== 0) {
      return this.#linger(c, first, linger);
    }
    c.state = "done";
    if (was === "waiting") this.#unwait(c);
    else if (was === "linking") c.bridge!.cancel();
    this.#unwant(c);
    // The session lets go of the peer it knows (`first`); a later one is let go of here.
    if (c.peer !== first && !c.peer.detached) {
      c.peer.onGone?.();
      if (was === "local" || was === "remote") c.mirror.onGone?.();
    }
  }

  /**
   * A connect whose socket closed before it was linked keeps what the socket queued for the
   * binder, for up to `linger` ms (-1: for good): libzmq's pending inproc connection does, as a
   * tcp connect that is still dialing does. The socket lets go of the peer; its pipes wait.
   */
  #linger(c: Connect, first: Peer, linger: number): void {
    c.lingering = true;
    if (linger > 0) c.timer = setTimeout(() => this.#giveUp(c), linger);
    if (c.peer !== first && !c.peer.detached) c.peer.onGone?.();
  }

  /** A lingering connect's time is up: what it kept is dropped. */
  #giveUp(c: Connect): void {
    if (c.state === "waiting") this.#unwait(c);
    else if (c.state === "linking") c.bridge!.cancel();
    this.#done(c);
  }

  #done(c: Connect): void {
    c.state = "done";
    clearTimeout(c.timer);
    this.#unwant(c);
  }

  #newConnect(name: string, connector: InprocSocket, assignedId: Uint8Array | null): Connect {
    const c: Connect = {
      name,
      connector,
      assignedId,
      marks: { send: 0, receive: 0 },
      first: null as unknown as Peer,
      peer: null as unknown as Peer,
      mirror: null as unknown as Peer,
      bridge: null,
      state: "waiting",
      wanting: false,
      holds: connector.inprocOptions().holdsProcess !== false,
    };
    this.#freshPipes(c);
    (c as { first: Peer }).first = c.peer;
    this.#connects.set(c.peer, c);
    return c;
  }

  /**
   * New pipes for a connect that waits for its binder, as libzmq's before the binder is known:
   * the connector's own send HWM toward the binder and receive HWM back, boosted as if by a
   * socket with default marks (the boost only shows when a mark changes before the bind).
   */
  #freshPipes(c: Connect): void {
    const o = c.connector.inprocOptions();
    c.marks = { send: o.sendHighWaterMark, receive: o.receiveHighWaterMark };
    // For the default Context the binder may be in another thread: pipes that can take their HWMs later.
    const toBinder = this.#directory ? new LinkPipe(0, o.conflate) : new Pipe(0, o.conflate);
    const toConnector = this.#directory ? new LinkPipe(0, o.conflate) : new Pipe(0, o.conflate);
    if (!o.conflate) {
      setMark(toBinder, o.sendHighWaterMark, DEFAULT_HWM);
      setMark(toConnector, o.receiveHighWaterMark, o.receiveHighWaterMark);
    }
    const endpoint = `inproc://${c.name}`;
    c.peer = new Peer(toBinder, toConnector, endpoint);
    c.mirror = new Peer(toConnector, toBinder, endpoint);
    this.#pair(c);
  }

  #pair(c: Connect): void {
    const { peer, mirror, connector } = c;
    peer.assignedId = c.assignedId;
    peer.link = mirror;
    mirror.link = peer;
    mirror.socketType = connector.socketType;
    mirror.announcedId = connector.inprocOptions().routingId;
  }

  /**
   * Waits for a bind: in this thread (`bind` links it) or, for the default Context, in another.
   * `attach`: a new peer, which the socket takes now and queues messages on from now on (else
   * the peer is back from a link attempt that was not answered).
   */
  #wait(c: Connect, attach: boolean): void {
    c.state = "waiting";
    c.bridge = null;
    const list = this.#waiting.get(c.name) ?? [];
    list.push(c);
    this.#waiting.set(c.name, list);
    if (attach) {
      c.connector.inprocAttach(c.peer);
      if (ended(c.peer)) {
        this.#unwait(c);
        c.state = "done";
        return;
      }
    }
    const directory = this.#directory;
    if (!directory) return;
    if (!c.wanting) {
      c.wanting = true;
      directory.want(c.holds);
    }
    const binder = directory.binderOf(c.name);
    if (binder !== undefined) this.#linkThere(c, binder);
    else directory.ask(c.name);
    this.#scheduleNudge();
  }

  #scheduleNudge(): void {
    if (this.#nudge !== undefined || !this.#directory?.lossy) return;
    this.#nudge = setTimeout(() => this.#nudged(), NUDGE_INTERVAL);
    // Asking again serves the connects still waiting or linking: it holds the thread only for theirs that do.
    if (!this.#nudgeHolds()) this.#unrefTimer?.(this.#nudge);
  }

  /** Whether a connect the nudge serves (waiting, or linking to another thread) holds the process. */
  #nudgeHolds(): boolean {
    for (const list of this.#waiting.values()) if (list.some((c) => c.wanting && c.holds)) return true;
    for (const c of this.#bridged.values()) if (c.state === "linking" && c.holds) return true;
    return false;
  }

  /**
   * Deno's BroadcastChannel loses what a busy thread has not read beyond 256 posts, so a
   * question or a link request may go unanswered: connects still waiting ask again, and a link
   * request left unanswered for long is withdrawn (`unlink`) and made anew.
   */
  #nudged(): void {
    this.#nudge = undefined;
    const directory = this.#directory!;
    let pending = false;
    for (const [name, list] of this.#waiting) {
      if (!list.some((c) => c.wanting)) continue;
      pending = true;
      directory.ask(name);
    }
    for (const [bridge, c] of [...this.#bridged]) {
      if (c.state !== "linking" || c.bridge !== bridge) continue;
      pending = true;
      if (Date.now() - (c.asked ?? 0) < LINK_PATIENCE) continue;
      c.bridge = null;
      bridge.cancel();
      this.#wait(c, false);
    }
    if (pending) this.#scheduleNudge();
  }

  /** The connect no longer waits for another thread. */
  #unwant(c: Connect): void {
    if (!c.wanting) return;
    c.wanting = false;
    this.#directory!.unwant(c.holds);
  }

  #unwait(c: Connect): void {
    const list = this.#waiting.get(c.name);
    if (!list) return;
    const rest = list.filter((x) => x !== c);
    if (rest.length === 0) this.#waiting.delete(c.name);
    else this.#waiting.set(c.name, rest);
  }

  /** Completes a connect with a binder in this thread. */
  #linkHere(c: Connect, binder: InprocSocket): void {
    const { peer, mirror } = c;
    const b = binder.inprocOptions();
    peer.socketType = binder.socketType;
    peer.announcedId = b.routingId;
    peer.connectedAt ??= Date.now();
    this.#markLink(c, b);
    binder.inprocAttach(mirror);
    if (c.lingering) {
      // The connector is gone: the binder reads what it left, then lets go of the peer.
      this.#done(c);
      mirror.onGone?.();
      return;
    }
    // A binder that refuses the peer lets go of the connector's too (as libzmq): the connect is over.
    if (ended(peer) || ended(mirror)) {
      c.state = "done";
      return;
    }
    c.state = "local";
    // When the binder goes, its session lets go of our peer through this; then wait for the next bind.
    const detach = peer.onGone;
    peer.onGone = () => {
      detach?.();
      if (c.state === "local" && c.peer === peer) this.#relink(c);
    };
  }

  /**
   * As libzmq's connect_inproc_sockets (or connect_internal with the binder there): each way the
   * writer's mark plus the reader's, from the connector's marks as they were at its connect.
   */
  #markLink(c: Connect, b: { sendHighWaterMark: number; receiveHighWaterMark: number }): void {
    const { peer } = c;
    if (peer.outbound.conflate) return;
    const { send, receive } = c.marks;
    setMark(peer.outbound, boosted(send, b.receiveHighWaterMark), b.receiveHighWaterMark);
    setMark(peer.inbound, boosted(b.sendHighWaterMark, receive), receive);
  }

  /** Asks the thread that binds the name for a link. */
  #linkThere(c: Connect, thread: string): void {
    const directory = this.#directory!;
    this.#unwait(c);
    c.state = "linking";
    // The bridge sets the marks of a link between threads (and no change reaches them later).
    forgetMarks(c.peer);
    const bridge = Bridge.connect(
      linkId(),
      thread,
      c.peer.endpoint,
      c.connector,
      c.peer,
      c.mirror,
      endInfo(c.connector),
      this.#bridgeHost!,
    );
    c.bridge = bridge;
    c.asked = Date.now();
    this.#bridged.set(bridge, c);
    this.#scheduleNudge();
    directory.track(bridge);
    directory.requestLink(bridge, c.name, endInfo(c.connector));
  }

  /** The connect's link is gone: a new peer, waiting for the next bind (unless the socket does not reconnect). */
  #relink(c: Connect): void {
    if (c.state === "done") return;
    if (c.connector.inprocOptions().reconnect !== true) return this.#done(c);
    this.#freshPipes(c);
    this.#wait(c, true);
  }

  #makeBridgeHost(context: Context): BridgeHost {
    const directory = () => this.#directory!;
    const event = (bridge: Bridge, type: "handshake" | "disconnect") =>
      bridge.socket.inprocEvent?.({ type, address: bridge.endpoint });
    return {
      sharedBytes: this.#directory!.sharedBytes,
      ringLinks: this.#directory!.ringLinks,
      defer: runtimeOf(context).defer,
      opened: (bridge) => {
        const c = this.#bridged.get(bridge);
        if (c?.state === "linking") {
          c.state = "remote";
          this.#unwant(c);
          c.peer.socketType = bridge.remoteInfo!.socketType;
          c.peer.announcedId = bridge.remoteInfo!.routingId;
          // Its waiting receives may now be answerable (a Router learns the binder's id this way).
          if (!c.lingering) c.peer.inbound.onReadable?.();
        }
        event(bridge, "handshake");
      },
      refused: (bridge, retry) => {
        directory().untrack(bridge);
        const c = this.#bridged.get(bridge);
        this.#bridged.delete(bridge);
        if (c?.state !== "linking") return;
        if (retry) {
          directory().forget(c.name, bridge.remote);
          return this.#wait(c, false);
        }
        // Refused for good, as a same-thread binder refusing the peer: the connect is over.
        this.#done(c);
        c.peer.onGone?.();
      },
      ended: (bridge, lost) => {
        directory().untrack(bridge);
        const c = this.#bridged.get(bridge);
        this.#bridged.delete(bridge);
        const wasOpen = bridge.remoteInfo !== null;
        // Given up before an answer: the binder may have accepted meanwhile, and must let go.
        if (bridge.connecting && !wasOpen && !lost) directory().cancelLink(bridge);
        if (wasOpen) event(bridge, "disconnect");
        // A connect that asked again (`#nudged`) has moved on from this bridge.
        if (c?.bridge !== bridge) return;
        if (c?.state === "linking" && lost) {
          // Not answered: the same peer (and what it queued) waits for the next binder.
          this.#wait(c, false);
        } else if (c?.lingering) this.#done(c);
        else if (c?.state === "remote" && lost) this.#relink(c);
      },
    };
  }

  #directoryHost(): DirectoryHost {
    return {
      boundSince: (name) => this.#bound.get(name)?.stamp,
      localNames: () => [...this.#bound].map(([name, b]) => [name, b.stamp]),
      boundElsewhere: (name) => {
        const thread = this.#directory!.binderOf(name);
        if (thread === undefined) return;
        for (const c of [...(this.#waiting.get(name) ?? [])]) this.#linkThere(c, thread);
      },
      lostName: (name) => {
        const binding = this.#bound.get(name);
        if (!binding) return;
        this.unbind(name, binding.socket);
        binding.socket.inprocEvent?.({
          type: "bind:error",
          address: `inproc://${name}`,
          error: new ZmqError("EADDRINUSE", `inproc://${name} was bound in another thread first`),
        });
      },
      linkRequested: (request: LinkRequest) => this.#accept(request),
    };
  }

  /** Another thread asks for a link to a name bound here. */
  #accept(request: LinkRequest): void {
    const binding = this.#bound.get(request.name);
    if (!binding) return Bridge.refuseUnbound(request.link, request.rings, this.#bridgeHost!);
    const socket = binding.socket;
    const bridge = Bridge.accept(
      request.link,
      request.from,
      `inproc://${request.name}`,
      socket,
      endInfo(socket),
      request.info,
      request.rings,
      this.#bridgeHost!,
    );
    if (!bridge.closed) this.#directory!.track(bridge);
  }
}

const registries = new WeakMap<Context, InprocRegistry>();

/** The inproc endpoints of `context`. */
export function inprocOf(context: Context): InprocRegistry {
  let registry = registries.get(context);
  if (!registry) registries.set(context, registry = new InprocRegistry(context, context === defaultContext));
  return registry;
}
