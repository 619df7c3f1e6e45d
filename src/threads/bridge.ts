/**
 * One thread's end of an inproc link to a socket in another thread. To the
 * local socket the link is a peer like any other (two pipes); the bridge reads
 * what the socket queues for the peer and posts it, batched, on the link's own
 * BroadcastChannel, and writes what arrives into the socket's inbound pipe.
 *
 * Flow control mirrors the pipes' high-water marks: a thread may have at most
 * the receiving socket's receive HWM of messages in flight or unread on the
 * other side, and the receiver grants room again (`credit`) as its socket reads
 * (every half window). With the sender's own send HWM on its outbound pipe, a
 * link holds what a same-thread inproc pipe holds: send HWM + receive HWM.
 * 0 on either side, or conflation, means no limit, as for a same-thread pipe.
 *
 * When the local socket lets go of the link (close, disconnect) the bridge posts
 * whatever is still queued, past the credit if need be (the receiving pipe takes
 * it, as a same-thread pipe keeps what was written into it), or drops it with
 * linger 0, then `end`. The other end delivers everything before `end`, lets go
 * of its side and answers `ack`; only then is the link over here (libzmq's pipe
 * term/term_ack), so this thread's leaving never overtakes its last messages.
 *
 * Frames cross as copies (batch.ts): a BroadcastChannel cannot transfer an
 * ArrayBuffer, and it is the one channel any two threads can open without
 * either one's creator wiring a MessagePort between them.
 *
 * @module
 */
import type { SocketEvent } from "../events.ts";
import type { Message } from "../message.ts";
import { Peer } from "../peer.ts";
import { Pipe } from "../pipe.ts";
import { LARGE_FRAME } from "./batch.ts";
import { acceptCarrier, type Carrier, connectCarrier } from "./carrier.ts";
import { openChannel } from "./channel.ts";
import { LinkPipe } from "./link-pipe.ts";
import { type EndInfo, linkChannel, type LinkMessage, type LinkSignal } from "./protocol.ts";
import type { RingMemory } from "./ring.ts";
import { type SocketType, socketTypeInfo } from "../zmtp/socket-type.ts";

/** The local socket, as the bridge sees it (a session implements this, see inproc.ts). */
export interface BridgedSocket {
  readonly socketType: string;
  inprocOptions(): {
    sendHighWaterMark: number;
    receiveHighWaterMark: number;
    routingId: Uint8Array | null;
    conflate: boolean;
    linger?: number;
    /** False: the link lets the thread end (`holdsProcess`). */
    holdsProcess?: boolean;
  };
  inprocAttach(peer: Peer): void;
  inprocEvent?(event: SocketEvent): void;
}

/** What the bridge tells whoever made it (the inproc registry). */
export interface BridgeHost {
  /** Put bytes in SharedArrayBuffers (see the threads runtime adapter). */
  readonly sharedBytes: boolean;
  /** Carry links in shared-memory rings rather than on BroadcastChannels (see carrier.ts). */
  readonly ringLinks: boolean;
  /** Runs `fn` once after this turn of the event loop. */
  defer(fn: () => void): void;
  /** The link is open: the binder accepted, or (binder side) the socket took the new peer. */
  opened(bridge: Bridge): void;
  /** The binder did not take the link; `retry` when it no longer binds the name (it may be bound again). */
  refused(bridge: Bridge, retry: boolean): void;
  /** The link is over; `lost` when the other end went (its socket or its thread), not ours. */
  ended(bridge: Bridge, lost: boolean): void;
}

/** At most this many messages, or about this many bytes, in one post. */
const BATCH_MESSAGES = 4096;
const BATCH_BYTES = 4 * LARGE_FRAME;

/** linking: asked, no answer yet; ending: sent `end`, waiting for `ack`. */
type State = "linking" | "accepting" | "open" | "ending" | "closed";

/** Whether messages from a socket with `send` HWM to one with `receive` HWM are unbounded (as `sumHwm` in inproc.ts). */
const unbounded = (send: number, receive: number, conflate: boolean) => conflate || send === 0 || receive === 0;

/** The local end of a cross-thread inproc link. */
export class Bridge {
  /** The link's id, which names its channel. */
  readonly id: string;
  /** The thread at the other end. */
  readonly remote: string;
  /** `inproc://name`. */
  readonly endpoint: string;
  /** The local socket. */
  readonly socket: BridgedSocket;
  /** Whether this end connected (else it accepted). */
  readonly connecting: boolean;
  /** The local socket's peer for this link. */
  readonly peer: Peer;
  /** What the other end announced, once open. */
  remoteInfo: EndInfo | null = null;
  #mirror: Peer;
  #local: EndInfo;
  #host: BridgeHost;
  #carrier: Carrier;
  /** Connecting end, with rings: what the link request hands the binder. */
  readonly rings: readonly [RingMemory, RingMemory] | undefined;
  #state: State;
  /** Messages that may still be posted; Infinity when unbounded. */
  #credit = 0;
  /** Messages the local socket consumed since the last grant, and how many make a grant. */
  #consumed = 0;
  #grantAt = Infinity;
  #scheduled = false;
  /** The local socket let go before the link was open. */
  #letGo = false;
  readonly #lockstep: boolean;
  /** Created once: the pipes' callbacks, without a closure per call. */
  #flush = () => {
    this.#scheduled = false;
    this.#post();
  };
  #schedule = () => {
    if (this.#scheduled || this.#state !== "open") return;
    this.#scheduled = true;
    // As the engines: a lockstep socket (REQ, REP) posts at once, so that a thread busy with the
    // next request has already sent the last reply; others batch what a turn of the event loop queued.
    if (this.#lockstep) queueMicrotask(this.#flush);
    else this.#host.defer(this.#flush);
  };
  #consume = (count: number) => {
    this.#consumed += count;
    if (this.#consumed >= this.#grantAt && this.#state === "open") {
      this.#send({ t: "credit", n: this.#consumed });
      this.#consumed = 0;
    }
  };

  private constructor(
    id: string,
    remote: string,
    endpoint: string,
    socket: BridgedSocket,
    peer: Peer,
    mirror: Peer,
    local: EndInfo,
    host: BridgeHost,
    state: State,
    rings: readonly [RingMemory, RingMemory] | undefined,
  ) {
    this.id = id;
    this.remote = remote;
    this.endpoint = endpoint;
    this.socket = socket;
    this.connecting = state === "linking";
    this.peer = peer;
    this.#mirror = mirror;
    this.#local = local;
    this.#host = host;
    this.#state = state;
    this.#lockstep = socketTypeInfo(socket.socketType as SocketType)?.lockstep ?? false;
    const receiver = {
      signal: (signal: LinkSignal) => this.#signal(signal),
      message: (message: Message) => this.#message(message),
      broken: () => this.lost(),
    };
    if (state === "linking") {
      const made = connectCarrier(id, host.ringLinks, host.defer, receiver, host.sharedBytes);
      this.#carrier = made.carrier;
      this.rings = made.rings;
    } else {
      this.#carrier = acceptCarrier(id, rings, host.defer, receiver, host.sharedBytes);
      this.rings = rings;
    }
    if (socket.inprocOptions().holdsProcess === false) this.#carrier.unref?.();
    peer.outbound.onReadable = this.#schedule;
    // The local socket's session calls this when it lets go of the peer (its end of the pipes).
    mirror.onGone = () => this.#localGone();
  }

  /**
   * The connecting end: takes over the binder's side of a connect's pipes (`mirror`, whose
   * pipes `peer` shares), queued messages included, and waits for the other thread's answer
   * to the link request its caller posts.
   */
  static connect(
    id: string,
    remote: string,
    endpoint: string,
    socket: BridgedSocket,
    peer: Peer,
    mirror: Peer,
    local: EndInfo,
    host: BridgeHost,
  ): Bridge {
    return new Bridge(id, remote, endpoint, socket, peer, mirror, local, host, "linking", undefined);
  }

  /**
   * The binding end: gives `socket` a new peer for the link and answers on the link's channel
   * (`accept`, or `refuse` when the socket does not take it).
   */
  static accept(
    id: string,
    remote: string,
    endpoint: string,
    socket: BridgedSocket,
    local: EndInfo,
    theirs: EndInfo,
    rings: readonly [RingMemory, RingMemory] | undefined,
    host: BridgeHost,
  ): Bridge {
    const conflate = local.conflate || theirs.conflate;
    const out = unbounded(local.sendHighWaterMark, theirs.receiveHighWaterMark, conflate) ? 0 : local.sendHighWaterMark;
    const into = unbounded(theirs.sendHighWaterMark, local.receiveHighWaterMark, conflate)
      ? 0
      : local.receiveHighWaterMark;
    const outbound = new Pipe(out, conflate);
    const inbound = new LinkPipe(into, conflate);
    const peer = new Peer(outbound, inbound, endpoint);
    const mirror = new Peer(inbound, outbound, endpoint);
    peer.link = mirror;
    mirror.link = peer;
    peer.socketType = theirs.socketType;
    peer.announcedId = theirs.routingId;
    const bridge = new Bridge(id, remote, endpoint, socket, peer, mirror, local, host, "accepting", rings);
    bridge.#start(theirs);
    // A refusal (closed socket, wrong type, no room for another peer) lets go of the peer at once.
    socket.inprocAttach(peer);
    if (bridge.#state === "closed") {
      bridge.#send({ t: "refuse", reason: "refused" });
      bridge.#carrier.close(true);
      host.refused(bridge, false);
      return bridge;
    }
    bridge.#state = "open";
    bridge.#send({ t: "accept", info: local });
    host.opened(bridge);
    bridge.#schedule();
    return bridge;
  }

  /** Answers a link request for a name this thread no longer binds. */
  static refuseUnbound(id: string, rings: readonly [RingMemory, RingMemory] | undefined, host: BridgeHost): void {
    const refusal: LinkSignal = { t: "refuse", reason: "unbound" };
    if (rings) {
      const ignore = { signal: () => {}, message: () => {}, broken: () => {} };
      const carrier = acceptCarrier(id, rings, host.defer, ignore, host.sharedBytes);
      carrier.send(refusal);
      carrier.close(true);
      return;
    }
    const channel = openChannel(linkChannel(id), () => {});
    channel.postMessage(refusal satisfies LinkMessage);
    channel.close();
  }

  /** True once the link is over. */
  get closed(): boolean {
    return this.#state === "closed";
  }

  /** Whether the link is open (accepted and not over). */
  get open(): boolean {
    return this.#state === "open";
  }

  /** The connect gave up before an answer (its caller tells the other thread on the control channel). */
  cancel(): void {
    if (this.#state !== "linking") return;
    this.#finish(false);
    this.#host.ended(this, false);
  }

  /** The other thread ended, or gave up on the link before it was open. */
  lost(): void {
    this.#close(false);
  }

  /** The other end is gone: `graceful` when it said so (`end`), else its thread ended or it gave up. */
  #close(graceful: boolean): void {
    const state = this.#state;
    if (state === "closed") return;
    this.#finish(graceful);
    // Ours had let go already: nothing is lost that the local socket still wanted.
    if (state === "ending") return this.#host.ended(this, false);
    // Whatever arrived stays readable; the socket lets go of the peer (as when a same-thread peer closes).
    if (state === "open") this.peer.onGone?.();
    this.#host.ended(this, true);
  }

  /** Sets the flow control from what the other end announced. */
  #start(theirs: EndInfo): void {
    this.remoteInfo = theirs;
    const local = this.#local;
    const conflate = local.conflate || theirs.conflate;
    const sendUnbounded = unbounded(local.sendHighWaterMark, theirs.receiveHighWaterMark, conflate);
    this.#credit = sendUnbounded ? Infinity : theirs.receiveHighWaterMark;
    // A connect's queue, sized before the binder was known, holds the send HWM now: the rest is credit.
    const outbound = this.peer.outbound;
    if (outbound instanceof LinkPipe) outbound.setLimit(sendUnbounded ? 0 : local.sendHighWaterMark);
    const inbound = this.peer.inbound;
    if (!unbounded(theirs.sendHighWaterMark, local.receiveHighWaterMark, conflate) && inbound instanceof LinkPipe) {
      this.#grantAt = Math.max(1, Math.floor(local.receiveHighWaterMark / 2));
      inbound.onConsumed = this.#consume;
    }
  }

  #signal(signal: LinkSignal): void {
    if (this.#state === "closed") return;
    switch (signal.t) {
      case "credit":
        if (this.#state !== "open") return;
        this.#credit += signal.n;
        this.#schedule();
        return;
      case "accept":
        if (this.#state !== "linking") return;
        this.#start(signal.info);
        this.#state = "open";
        this.#host.opened(this);
        if (this.#letGo) this.#localGone();
        else this.#schedule();
        return;
      case "refuse":
        if (this.#state !== "linking") return;
        this.#finish(true);
        this.#host.refused(this, signal.reason === "unbound");
        return;
      case "end":
        // Everything the other end sent has arrived: it may let go of the link now (and of its thread).
        this.#send({ t: "ack" });
        this.#close(true);
        return;
      case "ack":
        if (this.#state !== "ending") return;
        this.#finish(true);
        this.#host.ended(this, false);
        return;
    }
  }

  #message(message: Message): void {
    // Past our socket's end of the link (it let go), messages are dropped, as by a closed socket.
    if (this.#state === "open") this.peer.inbound.write(message);
  }

  /** Posts what the local socket queued, as far as the credit goes. */
  #post(): void {
    if (this.#state !== "open") return;
    const outbound = this.peer.outbound;
    if (outbound.ended) return this.#localGone();
    while (this.#credit > 0 && outbound.size > 0) this.#postBatch(outbound, false);
  }

  /** Posts one batch from `outbound`; `all` ignores the credit (the socket let go). */
  #postBatch(outbound: Pipe, all: boolean): void {
    const messages: Message[] = [];
    let bytes = 0;
    let message: Message | undefined;
    while (
      (all || this.#credit > 0) && messages.length < BATCH_MESSAGES && bytes < BATCH_BYTES &&
      (message = outbound.read()) !== undefined
    ) {
      messages.push(message);
      this.#credit--;
      for (let i = 0; i < message.length; i++) bytes += message[i].byteLength;
    }
    if (messages.length > 0) this.#carrier.sendMessages(messages);
  }

  /**
   * The local socket let go of the link (close, disconnect, or it refused the peer): what it
   * queued goes, then `end`. The link is over once the other end acknowledges (`ack`, or its own
   * `end`), as libzmq's pipe termination: until then this thread keeps taking part, so that the
   * others never take its leaving for a loss of what is still on its way.
   */
  #localGone(): void {
    const state = this.#state;
    if (state === "closed" || state === "ending") return;
    if (state === "accepting") {
      this.#state = "closed";
      return;
    }
    // Not linked yet: what the socket queued goes once the binder accepts (the registry gives up after linger).
    if (state === "linking") {
      this.#letGo = true;
      return;
    }
    const outbound = this.peer.outbound;
    // ZMQ_LINGER 0 drops what is still queued; otherwise it goes now, credit or not.
    if (this.socket.inprocOptions().linger === 0) outbound.clear();
    else while (outbound.size > 0) this.#postBatch(outbound, true);
    this.#send({ t: "end" });
    this.#state = "ending";
    this.#release();
  }

  #send(signal: LinkSignal): void {
    this.#carrier.send(signal);
  }

  /** The link is over here; `graceful`: what is still on its way to the other end goes. */
  #finish(graceful: boolean): void {
    this.#state = "closed";
    this.#carrier.close(graceful);
    this.#release();
  }

  /** Lets go of the local pipes' callbacks. */
  #release(): void {
    this.#mirror.onGone = null;
    const inbound = this.peer.inbound;
    if (inbound instanceof LinkPipe) inbound.onConsumed = null;
    // A connect that goes back to waiting keeps its pipes: they must not call into this bridge.
    if (this.peer.outbound.onReadable === this.#schedule) this.peer.outbound.onReadable = null;
  }
}
