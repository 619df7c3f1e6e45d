/**
 * The ZMTP engine (libzmq's `zmtp_engine`): the security handshake, then
 * whole messages between a peer's pipes and ZMTP frames, with commands
 * (PING/PONG heartbeats, SUBSCRIBE/CANCEL, ERROR) and CURVE's sealing.
 *
 * It is written against frames, not bytes. Two wire formats carry them:
 * a byte stream opened by the 64-byte greeting (`zmtp-stream.ts`, tcp and
 * ipc), and ZWS 2.0 (`zws.ts`), where the WebSocket subprotocol stands for
 * the greeting and each message is one frame. A wire format feeds `frame`,
 * supplies the encoder for what goes out, and says whether the peer takes
 * subscriptions as commands and whether commands travel at all.
 *
 * @module
 */
import { COMMAND, FrameError, MORE } from "../zmtp/frame.ts";
import { GreetingError } from "../zmtp/greeting.ts";
import { decodeCommand, decodeError, encodeCommand, type Metadata } from "../zmtp/command.ts";
import { MAX_GROUP_LENGTH, membership } from "../zmtp/group.ts";
import type { HandshakeError, HandshakeFailure, HandshakeStep, Mechanism } from "../zmtp/mechanism.ts";
import { type SocketTypeInfo, socketTypeInfo } from "../zmtp/socket-type.ts";
import type { Message } from "../message.ts";
import type { Pipe } from "../pipe.ts";
import { EngineBase, type Link } from "./base.ts";
import type { EngineEnd, EngineHost, EngineOptions } from "./types.ts";

/** Command names for the 0x00/0x01 messages of a subscribing socket (RFC 37) and of a DISH (RFC 48). */
const SUBSCRIPTION_COMMANDS = ["CANCEL", "SUBSCRIBE"] as const;
const GROUP_COMMANDS = ["LEAVE", "JOIN"] as const;

/** The commands a socket type's 0x00/0x01 messages become on ZMTP 3.1, if it sends any. */
function commandsSentBy(type: SocketTypeInfo): readonly [string, string] | null {
  if (type.sendsSubscriptions) return SUBSCRIPTION_COMMANDS;
  return type.sendsJoins ? GROUP_COMMANDS : null;
}

/** A batch is written once it reaches this size, so one turn never builds an unbounded buffer. */
const MAX_BATCH_BYTES = 512 * 1024;

/** Frames waiting for one write, in the wire's encoding (ZMTP frames, or ZWS messages). */
export interface FrameBatch {
  /** Adds one frame; `flags` are ZMTP bits (MORE, COMMAND). */
  frame(body: Uint8Array, flags: number): void;
  /** Adds all frames of a message. */
  message(frames: readonly Uint8Array[]): void;
  readonly empty: boolean;
  readonly pendingBytes: number;
  /** The chunks to write, and a fresh start. */
  take(): Uint8Array[];
}

// Connection states, as plain numbers: erasable syntax, and no narrowing surprises across callbacks.
export const GREETING = 0;
export const HANDSHAKE = 1;
export const ACTIVE = 2;
export const CLOSED = 3;

/**
 * The error a failed handshake reports: a refusal keeps its ZAP status, as zeromq.js's AuthError,
 * and a protocol failure libzmq's name for it in `code`, as zeromq.js's ProtoError.
 */
export function handshakeError(failure: HandshakeError): Error {
  const error = new Error(failure.message);
  if (failure.status !== undefined) return Object.assign(error, { status: failure.status });
  if (failure.kind === "protocol") return Object.assign(error, { code: failure.code ?? "ERR_ZMTP_UNSPECIFIED" });
  return error;
}

/**
 * Drives one ZMTP connection from handshake to close; a wire format subclass feeds it frames.
 *
 * @example
 * ```ts ignore
 * // A wire format: decode frames from its transport and hand each to `frame`.
 * decoder = new FrameDecoder({ frame: (flags, body) => this.frame(flags, body) });
 * ```
 */
export abstract class ZmtpEngine extends EngineBase {
  /** The peer's ZMTP version minor (0: 3.0, 1: 3.1); ZWS counts as 3.1. */
  peerMinor = 1;
  protected readonly options: EngineOptions;
  protected state: number;
  /**
   * Whether our (un)subscriptions go out as SUBSCRIBE/CANCEL commands: ZMTP 3.1 over a
   * stream. ZWS carries them as 0x01/0x00 messages (RFC 45 §"Publish-Subscribe").
   */
  protected subscriptionCommands = false;
  /** False where no command may travel after the handshake (bare ZWS2.0): no heartbeats then. */
  protected carriesCommands = true;
  /** Our socket type's row: subscriptions, lockstep flushing. */
  protected readonly type: SocketTypeInfo;
  readonly #encoder: FrameBatch;
  #frames: Uint8Array[] = [];
  /** After a CURVE handshake: the mechanism that wraps every frame in a MESSAGE command. */
  #sealed: Mechanism | null = null;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingFrames: [number, Uint8Array][] | null = null;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #lastReceived = 0;
  /** When the answer to our last PING is due (0: none pending); any traffic from the peer clears it. */
  #pingDeadline = 0;
  /** The peer's time-to-live from its PINGs (ms): it drops us if we are silent longer; we drop it likewise. */
  #peerTtl = 0;

  constructor(link: Link, encoder: FrameBatch, state: number, options: EngineOptions, host: EngineHost) {
    const type = socketTypeInfo(options.socketType);
    super(link, host, options.defer, type.lockstep);
    this.type = type;
    this.options = options;
    this.state = state;
    this.#encoder = encoder;
    if (options.handshakeInterval > 0) {
      this.#handshakeTimer = setTimeout(
        () => this.fail("protocol", new Error(`handshake not done within ${options.handshakeInterval} ms`)),
        options.handshakeInterval,
      );
      options.unrefTimer?.(this.#handshakeTimer);
    }
  }

  // --- input, from the wire format ---

  /** Any traffic from the peer: it is alive, and an outstanding PING is answered. */
  protected heard(): void {
    this.#lastReceived = Date.now();
    this.#pingDeadline = 0;
  }

  /** Starts the mechanism once the wire has agreed on it (after the greeting; at once on ZWS). */
  protected beginHandshake(): void {
    this.state = HANDSHAKE;
    this.#run(this.options.mechanism.start());
  }

  /** One frame from the peer (ZMTP flag bits). Throws for what the peer must not send. */
  protected frame(flags: number, body: Uint8Array): void {
    if (this.#pendingFrames) {
      // An asynchronous handshake step is running; a well-behaved peer waits for our reply.
      if (this.#pendingFrames.length > 16) throw new FrameError("the peer did not wait for the handshake");
      this.#pendingFrames.push([flags, body]);
      return;
    }
    const state = this.state;
    if (state === ACTIVE) {
      if (this.#sealed) {
        const opened = this.#open(flags, body);
        if (!opened) return;
        ({ flags, body } = opened);
      }
      if (flags & COMMAND) return this.#command(body);
      // A one-frame message as a literal: pushing onto [] would reserve room for 17.
      if (!(flags & MORE) && this.#frames.length === 0) return this.deliver([body]);
      this.#frames.push(body);
      if (flags & MORE) return;
      const message = this.#frames;
      this.#frames = [];
      this.deliver(message);
    } else if (state === HANDSHAKE) {
      if (!(flags & COMMAND)) throw new FrameError("a message frame arrived before the handshake was done");
      this.#run(this.options.mechanism.receive(body));
    }
  }

  /** Ends the connection for an error thrown while reading what the peer sent. */
  protected failOn(err: unknown): void {
    if (this.state === CLOSED) return;
    if (err instanceof GreetingError || err instanceof FrameError || err instanceof RangeError) {
      this.fail("protocol", err);
    } else this.fail("other", err as Error);
  }

  /** Takes a handshake step; while an asynchronous one (a ZAP request) runs, the peer's frames wait. */
  #run(step: HandshakeStep | Promise<HandshakeStep>): void {
    if (!(step instanceof Promise)) return this.#step(step);
    this.#pendingFrames = [];
    step.then(
      (s) => this.#resumeHandshake(s),
      (err) => this.fail("other", err as Error),
    );
  }

  #resumeHandshake(step: HandshakeStep): void {
    const queued = this.#pendingFrames ?? [];
    this.#pendingFrames = null;
    if (this.state === CLOSED) return;
    this.#step(step);
    try {
      for (const [flags, body] of queued) {
        if (this.state === CLOSED) return;
        this.frame(flags, body);
      }
    } catch (err) {
      this.fail("protocol", err as Error);
    }
  }

  #step(step: HandshakeStep): void {
    if (step.send) {
      for (const body of step.send) this.#encoder.frame(body, COMMAND);
      this.link.write(this.#encoder.take());
    }
    // A last command (ERROR) goes out before the close.
    if (step.error) return this.fail(step.error.kind, handshakeError(step.error), step.send !== undefined);
    if (step.ready) this.ready(step.ready);
  }

  /** The handshake is done: the socket decides whether to take the peer. */
  protected ready(metadata: Metadata): void {
    clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    const peer = this.host.ready(this, metadata);
    if (this.state === CLOSED) return;
    if (!peer) {
      this.close();
      return;
    }
    const mechanism = this.options.mechanism;
    if (mechanism.encode && mechanism.decode) this.#sealed = mechanism;
    this.state = ACTIVE;
    this.#startHeartbeats();
    // libzmq's hello_msg_session: the hello message goes first on every new connection.
    const hello = this.options.helloMessage;
    if (hello && hello.byteLength > 0) {
      this.#out(hello, 0);
      this.write(this.#encoder.take());
    }
    this.attach(peer);
  }

  #command(body: Uint8Array): void {
    const { name, data } = decodeCommand(body);
    switch (name) {
      case "PING": {
        // RFC 37: PONG echoes the context that follows the 2-byte TTL.
        if (data.byteLength < 2) throw new FrameError("PING command is truncated");
        const ttl = ((data[0] << 8) | data[1]) * 100;
        if (ttl > 0 && ttl !== this.#peerTtl) {
          this.#peerTtl = ttl;
          this.#startHeartbeats();
        }
        this.#out(encodeCommand("PONG", data.subarray(2, 18)), COMMAND);
        this.scheduleFlush();
        return;
      }
      case "PONG":
        return;
      case "SUBSCRIBE":
      case "CANCEL": {
        // libzmq hands subscriptions to PUB/XPUB in the message form, whatever the wire used.
        if (!this.type.receivesSubscriptions) return;
        const message = new Uint8Array(1 + data.byteLength);
        message[0] = name === "SUBSCRIBE" ? 1 : 0;
        message.set(data, 1);
        this.deliver([message]);
        return;
      }
      case "JOIN":
      case "LEAVE": {
        // RFC 48: only a RADIO takes them, in the message form a DISH queues them in.
        if (!this.type.receivesJoins) return;
        if (data.byteLength > MAX_GROUP_LENGTH) {
          throw new FrameError(`${name} names a group of ${data.byteLength} bytes (at most ${MAX_GROUP_LENGTH})`);
        }
        this.deliver([membership(data, name === "JOIN")]);
        return;
      }
      case "ERROR":
        this.fail("other", new Error(`peer sent ERROR: ${decodeError(data)}`));
        return;
      default:
        // RFC 37 leaves room for new commands; an unknown one is ignored.
        return;
    }
  }

  // --- heartbeats (RFC 37 PING/PONG) ---

  /**
   * One timer does both, as libzmq: PING every interval, a PING unanswered by any traffic
   * within the timeout drops the peer, and so does silence past the TTL the peer announced.
   */
  #startHeartbeats(): void {
    const interval = this.options.heartbeatInterval ?? 0;
    const configured = this.options.heartbeatTimeout ?? -1;
    const timeout = configured < 0 ? interval : configured;
    if (this.peerMinor < 1 || !this.carriesCommands || (interval <= 0 && this.#peerTtl <= 0)) return;
    clearInterval(this.#heartbeat);
    this.#lastReceived = Date.now();
    const period = Math.max(
      10,
      Math.min(interval || Infinity, (this.#peerTtl || Infinity) / 4, (timeout || Infinity) / 4),
    );
    let lastPing = 0;
    this.#heartbeat = setInterval(() => {
      const now = Date.now();
      if (this.#pingDeadline > 0 && now > this.#pingDeadline) {
        return this.fail("other", new Error(`no answer to a PING within ${timeout} ms (heartbeat)`));
      }
      if (this.#peerTtl > 0 && now - this.#lastReceived > this.#peerTtl) {
        return this.fail("other", new Error(`no traffic within the peer's TTL of ${this.#peerTtl} ms`));
      }
      if (interval > 0 && now - lastPing >= interval) {
        lastPing = now;
        if (this.#pingDeadline === 0) this.#pingDeadline = now + timeout;
        const ttl = Math.min(0xffff, Math.round((this.options.heartbeatTimeToLive ?? 0) / 100));
        this.#out(encodeCommand("PING", new Uint8Array([ttl >> 8, ttl & 0xff])), COMMAND);
        this.scheduleFlush();
      }
    }, period);
    this.options.unrefTimer?.(this.#heartbeat);
  }

  // --- output ---

  protected writeQueued(outbound: Pipe): void {
    const encoder = this.#encoder;
    const commands = this.subscriptionCommands ? commandsSentBy(this.type) : null;
    let message: Message | undefined;
    while ((message = outbound.read()) !== undefined) {
      if (commands !== null && message.length === 1 && message[0].byteLength > 0 && message[0][0] <= 1) {
        // ZMTP 3.1 carries (un)subscriptions as SUBSCRIBE/CANCEL commands (RFC 37), a DISH's joins as JOIN/LEAVE.
        const m = message[0];
        this.#out(encodeCommand(commands[m[0]], m.subarray(1)), COMMAND);
      } else if (this.#sealed) {
        for (let i = 0, last = message.length - 1; i <= last; i++) this.#out(message[i], i < last ? MORE : 0);
      } else encoder.message(message);
      if (encoder.pendingBytes >= MAX_BATCH_BYTES && !this.write(encoder.take())) return;
    }
    if (!encoder.empty) this.write(encoder.take());
  }

  /**
   * Queues one frame; after a CURVE handshake, sealed in a MESSAGE (RFC 26). libzmq 4.3 sends
   * MESSAGE as a plain final frame (its flags live inside the box), and takes a frame with the
   * COMMAND bit as a command even after decoding it, so we send it the same way.
   */
  #out(body: Uint8Array, flags: number): void {
    if (this.#sealed) this.#encoder.frame(this.#sealed.encode!(body, flags), 0);
    else this.#encoder.frame(body, flags);
  }

  /** Opens one sealed frame; a bad one drops the connection with a protocol error, as libzmq's decode does. */
  #open(_flags: number, body: Uint8Array): { flags: number; body: Uint8Array } | null {
    try {
      // The outer flags say nothing (libzmq sends 0); MORE and COMMAND come out of the box.
      return this.#sealed!.decode!(body);
    } catch (err) {
      this.stop({ handshake: "protocol", error: err as Error }, false);
      return null;
    }
  }

  // --- end ---

  /** Ends the connection; before the handshake completed it counts as a handshake failure of `kind`. */
  protected fail(kind: HandshakeFailure, error: Error, graceful = false): void {
    if (this.state === CLOSED) return;
    this.stop({ handshake: this.state !== ACTIVE ? kind : undefined, error }, graceful);
  }

  protected override closedBy(error?: Error): EngineEnd {
    // As libzmq: a connection lost before the handshake completed is a handshake failure too.
    // A mechanism may know better what it means (CURVE: the server could not open our HELLO).
    const known = this.state === HANDSHAKE ? this.options.mechanism.closedDuringHandshake?.() : undefined;
    if (known) error = new Error(known.message, { cause: error });
    return { handshake: this.state !== ACTIVE ? known?.kind ?? "other" : undefined, error };
  }

  protected override cleanUp(): void {
    this.state = CLOSED;
    clearTimeout(this.#handshakeTimer);
    clearInterval(this.#heartbeat);
  }
}
