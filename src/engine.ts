/**
 * One live ZMTP connection (libzmq's `zmtp_engine`): greeting, mechanism
 * handshake, then whole messages between a byte connection and a peer's
 * pipes. Output is batched: every message queued during one turn of the event
 * loop goes out in one write.
 *
 * @module
 */
import type { ByteConnection } from "../transports/runtime/types.ts";
import { runtime } from "../transports/runtime/mod.ts";
import { COMMAND, FrameDecoder, FrameEncoder, FrameError, MORE } from "./zmtp/frame.ts";
import {
  checkSignature,
  decodeGreeting,
  encodeGreeting,
  GREETING_SIZE,
  GreetingError,
  SIGNATURE_SIZE,
} from "./zmtp/greeting.ts";
import { decodeCommand, decodeError, encodeCommand, type Metadata } from "./zmtp/command.ts";
import type { HandshakeError, HandshakeFailure, HandshakeStep, Mechanism } from "./zmtp/mechanism.ts";
import type { Peer } from "./peer.ts";
import type { Message } from "./message.ts";
import { type SocketType, type SocketTypeInfo, socketTypeInfo } from "./zmtp/socket-type.ts";

/** A batch is written once it reaches this size, so one turn never builds an unbounded buffer. */
const MAX_BATCH_BYTES = 512 * 1024;

/** The error a failed handshake reports; a refusal keeps its ZAP status, as zeromq.js's AuthError. */
function handshakeError(failure: HandshakeError): Error {
  const error = new Error(failure.message);
  return failure.status === undefined ? error : Object.assign(error, { status: failure.status });
}

/** What a socket holds of a live connection, whatever engine drives it. */
export interface Connection {
  readonly remoteAddress: string;
  /** Resolves once everything queued has been handed to the transport (or the connection is gone). */
  whenFlushed(): Promise<void>;
  /** Closes the connection: gracefully after pending writes, or at once. */
  close(graceful?: boolean): void;
  /** Resolves when the transport has closed (after a graceful close: once everything was written). */
  readonly gone?: Promise<void>;
}

/** Settings an engine takes from its socket. */
export interface EngineOptions {
  readonly mechanism: Mechanism;
  /** Whether we are the server side of the mechanism (greeting as-server flag). */
  readonly asServer: boolean;
  /** Largest frame accepted from the peer in bytes; -1 for no limit. */
  readonly maxMessageSize: number;
  /** Milliseconds the greeting and handshake may take; 0 for no limit. */
  readonly handshakeInterval: number;
  /** Our socket type, to convert subscriptions between command and message form. */
  readonly socketType: SocketType;
  /** Milliseconds between PINGs; 0 sends none [ZMQ_HEARTBEAT_IVL]. */
  readonly heartbeatInterval?: number;
  /** Milliseconds without any traffic after which the peer counts as dead; -1: the interval [ZMQ_HEARTBEAT_TIMEOUT]. */
  readonly heartbeatTimeout?: number;
  /** Milliseconds the peer should wait for traffic from us, sent in each PING [ZMQ_HEARTBEAT_TTL]. */
  readonly heartbeatTimeToLive?: number;
}

/** Why an engine stopped, as a monitor event would say it. */
export interface EngineEnd {
  /** Set when the handshake never completed. */
  readonly handshake?: HandshakeFailure;
  readonly error?: Error;
}

/** What an engine reports to its socket. */
export interface EngineHost {
  /** The handshake is done; returns the peer to carry messages for, or null to drop the connection. */
  ready(engine: Connection, metadata: Metadata): Peer | null;
  /** The connection is gone. Called once. */
  closed(engine: Connection, end: EngineEnd): void;
}

// Connection states, as plain numbers: erasable syntax, and no narrowing surprises across callbacks.
const GREETING = 0;
const HANDSHAKE = 1;
const ACTIVE = 2;
const CLOSED = 3;

/** Drives one connection from greeting to close. */
export class Engine implements Connection {
  /** The peer's address as the transport reports it. */
  readonly remoteAddress: string;
  /** The peer's greeting version minor (0: ZMTP 3.0, 1: 3.1). */
  peerMinor = 1;
  #conn: ByteConnection;
  #options: EngineOptions;
  #host: EngineHost;
  #state: number = GREETING;
  #greeting = new Uint8Array(GREETING_SIZE);
  #greetingHave = 0;
  #decoder: FrameDecoder;
  #encoder = new FrameEncoder();
  #peer: Peer | null = null;
  /** After a CURVE handshake: the mechanism that wraps every frame in a MESSAGE command. */
  #sealed: Mechanism | null = null;
  #frames: Uint8Array[] = [];
  #flushScheduled = false;
  #flush = (): void => {
    this.#flushScheduled = false;
    this.#flushNow();
  };
  /** Our socket type's row: subscriptions, lockstep flushing. */
  readonly #type: SocketTypeInfo;
  #writeBlocked = false;
  #readPaused = false;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingFrames: [number, Uint8Array][] | null = null;
  #flushWaiters: (() => void)[] = [];
  #markGone!: () => void;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #lastReceived = 0;
  /** When the answer to our last PING is due (0: none pending); any traffic from the peer clears it. */
  #pingDeadline = 0;
  /** The peer's time-to-live from its PINGs (ms): it drops us if we are silent longer; we drop it likewise. */
  #peerTtl = 0;
  /** Resolves when the transport has closed. */
  readonly gone: Promise<void> = new Promise((resolve) => (this.#markGone = resolve));

  constructor(conn: ByteConnection, options: EngineOptions, host: EngineHost) {
    this.#conn = conn;
    this.#options = options;
    this.#type = socketTypeInfo(options.socketType);
    this.#host = host;
    this.remoteAddress = conn.remoteAddress;
    const max = options.maxMessageSize;
    this.#decoder = new FrameDecoder(
      { frame: (flags, body) => this.#frame(flags, body) },
      max >= 0 ? max : undefined,
      conn.allocate ? (size) => conn.allocate!(size) : undefined,
    );
    if (options.handshakeInterval > 0) {
      this.#handshakeTimer = setTimeout(
        () => this.#fail("protocol", new Error(`handshake not done within ${options.handshakeInterval} ms`)),
        options.handshakeInterval,
      );
    }
    conn.start({
      data: (chunk) => this.#data(chunk),
      readBuffer: () => (this.#state === ACTIVE || this.#state === HANDSHAKE ? this.#decoder.readBuffer() : null),
      drain: () => this.#drain(),
      close: (error) => {
        this.#markGone();
        this.#closed(error);
      },
    });
    conn.write([encodeGreeting(options.mechanism.name, options.asServer)]);
  }

  /** True when everything the socket queued has been handed to the transport. */
  get flushed(): boolean {
    return !this.#writeBlocked && !this.#flushScheduled && (this.#peer === null || this.#peer.outbound.size === 0);
  }

  /** Resolves once `flushed` (or the connection is gone). */
  whenFlushed(): Promise<void> {
    if (this.flushed || this.#state === CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.#flushWaiters.push(resolve));
  }

  /** Closes the connection: gracefully after pending writes (`end`) or at once. */
  close(graceful = false): void {
    if (this.#state === CLOSED) return;
    if (graceful) this.#flushNow();
    this.#finish({});
    if (graceful) this.#conn.end();
    else this.#conn.destroy();
  }

  // --- input ---

  #data(chunk: Uint8Array): void {
    if (this.#state === CLOSED) return;
    this.#lastReceived = Date.now();
    this.#pingDeadline = 0;
    try {
      if (this.#state === GREETING) {
        const take = Math.min(GREETING_SIZE - this.#greetingHave, chunk.byteLength);
        const before = this.#greetingHave;
        this.#greeting.set(chunk.subarray(0, take), before);
        this.#greetingHave += take;
        if (before < SIGNATURE_SIZE && this.#greetingHave >= SIGNATURE_SIZE) checkSignature(this.#greeting);
        if (this.#greetingHave < GREETING_SIZE) return;
        this.#greetingDone();
        chunk = chunk.subarray(take);
        // The handshake's first step may already have failed and closed us.
        if (chunk.byteLength === 0 || (this.#state as number) === CLOSED) return;
      }
      this.#decoder.push(chunk);
    } catch (err) {
      if (this.#state === CLOSED) return;
      if (err instanceof GreetingError || err instanceof FrameError) this.#fail("protocol", err);
      else if (err instanceof RangeError) this.#fail("protocol", err);
      else this.#fail("other", err as Error);
    }
  }

  #greetingDone(): void {
    const greeting = decodeGreeting(this.#greeting);
    this.peerMinor = greeting.minor === 0 && greeting.major === 3 ? 0 : 1;
    const mechanism = this.#options.mechanism;
    if (greeting.mechanism !== mechanism.name) {
      throw new GreetingError(`the peer uses the ${greeting.mechanism} mechanism, this socket ${mechanism.name}`);
    }
    this.#state = HANDSHAKE;
    this.#run(mechanism.start());
  }

  #frame(flags: number, body: Uint8Array): void {
    if (this.#pendingFrames) {
      // An asynchronous handshake step is running; a well-behaved peer waits for our reply.
      if (this.#pendingFrames.length > 16) throw new FrameError("the peer did not wait for the handshake");
      this.#pendingFrames.push([flags, body]);
      return;
    }
    const state = this.#state;
    if (state === ACTIVE) {
      if (this.#sealed) {
        const opened = this.#open(flags, body);
        if (!opened) return;
        ({ flags, body } = opened);
      }
      if (flags & COMMAND) return this.#command(body);
      // A one-frame message as a literal: pushing onto [] would reserve room for 17.
      if (!(flags & MORE) && this.#frames.length === 0) return this.#deliver([body]);
      this.#frames.push(body);
      if (flags & MORE) return;
      const message = this.#frames;
      this.#frames = [];
      this.#deliver(message);
    } else if (state === HANDSHAKE) {
      if (!(flags & COMMAND)) throw new FrameError("a message frame arrived before the handshake was done");
      this.#run(this.#options.mechanism.receive(body));
    }
  }

  /** Takes a handshake step; while an asynchronous one (a ZAP request) runs, the peer's frames wait. */
  #run(step: HandshakeStep | Promise<HandshakeStep>): void {
    if (!(step instanceof Promise)) return this.#step(step);
    this.#pendingFrames = [];
    step.then(
      (s) => this.#resumeHandshake(s),
      (err) => this.#fail("other", err as Error),
    );
  }

  #resumeHandshake(step: HandshakeStep): void {
    const queued = this.#pendingFrames ?? [];
    this.#pendingFrames = null;
    if (this.#state === CLOSED) return;
    this.#step(step);
    try {
      for (const [flags, body] of queued) {
        if (this.#state === CLOSED) return;
        this.#frame(flags, body);
      }
    } catch (err) {
      this.#fail("protocol", err as Error);
    }
  }

  #step(step: HandshakeStep): void {
    if (step.send) {
      for (const body of step.send) this.#encoder.frame(body, COMMAND);
      this.#conn.write(this.#encoder.take());
    }
    // A last command (ERROR) goes out before the close.
    if (step.error) return this.#fail(step.error.kind, handshakeError(step.error), step.send !== undefined);
    if (step.ready) this.#ready(step.ready);
  }

  #ready(metadata: Metadata): void {
    clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    const peer = this.#host.ready(this, metadata);
    if (this.#state === CLOSED) return;
    if (!peer) {
      this.close();
      return;
    }
    this.#peer = peer;
    const mechanism = this.#options.mechanism;
    if (mechanism.encode && mechanism.decode) this.#sealed = mechanism;
    this.#state = ACTIVE;
    this.#startHeartbeats();
    peer.zmtpMinor = this.peerMinor;
    peer.outbound.onReadable = () => this.#scheduleFlush();
    peer.inbound.onWritable = () => this.#resumeReading();
    if (peer.outbound.size > 0) this.#scheduleFlush();
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
        this.#scheduleFlush();
        return;
      }
      case "PONG":
        return;
      case "SUBSCRIBE":
      case "CANCEL": {
        // libzmq hands subscriptions to PUB/XPUB in the message form, whatever the wire used.
        if (!this.#type.receivesSubscriptions) return;
        const message = new Uint8Array(1 + data.byteLength);
        message[0] = name === "SUBSCRIBE" ? 1 : 0;
        message.set(data, 1);
        this.#deliver([message]);
        return;
      }
      case "ERROR":
        this.#fail("other", new Error(`peer sent ERROR: ${decodeError(data)}`));
        return;
      default:
        // RFC 37 leaves room for new commands; an unknown one is ignored.
        return;
    }
  }

  #deliver(message: Message): void {
    const inbound = this.#peer!.inbound;
    inbound.write(message);
    if (!this.#readPaused && inbound.full) {
      // Receive-side backpressure: leave the rest in the kernel until the socket catches up.
      this.#readPaused = true;
      this.#conn.pause();
    }
  }

  #resumeReading(): void {
    if (this.#readPaused && this.#state !== CLOSED) {
      this.#readPaused = false;
      this.#conn.resume();
    }
  }

  // --- heartbeats (RFC 37 PING/PONG) ---

  /**
   * One timer does both, as libzmq: PING every interval, a PING unanswered by any traffic
   * within the timeout drops the peer, and so does silence past the TTL the peer announced.
   */
  #startHeartbeats(): void {
    const interval = this.#options.heartbeatInterval ?? 0;
    const configured = this.#options.heartbeatTimeout ?? -1;
    const timeout = configured < 0 ? interval : configured;
    if (this.peerMinor < 1 || (interval <= 0 && this.#peerTtl <= 0)) return;
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
        return this.#fail("other", new Error(`no answer to a PING within ${timeout} ms (heartbeat)`));
      }
      if (this.#peerTtl > 0 && now - this.#lastReceived > this.#peerTtl) {
        return this.#fail("other", new Error(`no traffic within the peer's TTL of ${this.#peerTtl} ms`));
      }
      if (interval > 0 && now - lastPing >= interval) {
        lastPing = now;
        if (this.#pingDeadline === 0) this.#pingDeadline = now + timeout;
        const ttl = Math.min(0xffff, Math.round((this.#options.heartbeatTimeToLive ?? 0) / 100));
        this.#out(encodeCommand("PING", new Uint8Array([ttl >> 8, ttl & 0xff])), COMMAND);
        this.#scheduleFlush();
      }
    }, period);
  }

  // --- output ---

  #scheduleFlush(): void {
    if (this.#flushScheduled || this.#writeBlocked || this.#state !== ACTIVE) return;
    this.#flushScheduled = true;
    // A lockstep type has one message per connection in flight: nothing would join it in a batch.
    if (this.#type.lockstep) queueMicrotask(this.#flush);
    else runtime.defer(this.#flush);
  }

  #flushNow(): void {
    if (this.#state !== ACTIVE || this.#writeBlocked) return;
    const outbound = this.#peer!.outbound;
    const encoder = this.#encoder;
    const convertSubscriptions = this.peerMinor >= 1 && this.#type.sendsSubscriptions;
    let message: Message | undefined;
    while ((message = outbound.read()) !== undefined) {
      if (convertSubscriptions && message.length === 1 && message[0].byteLength > 0 && message[0][0] <= 1) {
        // ZMTP 3.1 carries (un)subscriptions as SUBSCRIBE/CANCEL commands (RFC 37).
        const m = message[0];
        this.#out(encodeCommand(m[0] === 1 ? "SUBSCRIBE" : "CANCEL", m.subarray(1)), COMMAND);
      } else if (this.#sealed) {
        for (let i = 0, last = message.length - 1; i <= last; i++) this.#out(message[i], i < last ? MORE : 0);
      } else encoder.message(message);
      if (encoder.pendingBytes >= MAX_BATCH_BYTES && !this.#write()) return;
    }
    if (!encoder.empty) this.#write();
    this.#notifyFlushed();
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
      this.#finish({ handshake: "protocol", error: err as Error });
      this.#conn.destroy();
      return null;
    }
  }

  /** Writes what is encoded; false if the transport asked us to wait for `drain`. */
  #write(): boolean {
    if (this.#conn.write(this.#encoder.take())) return true;
    this.#writeBlocked = true;
    return false;
  }

  #drain(): void {
    this.#writeBlocked = false;
    if (this.#state !== ACTIVE) return;
    this.#flushNow();
  }

  #notifyFlushed(): void {
    if (this.#flushWaiters.length === 0 || !this.flushed) return;
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const w of waiters) w();
  }

  // --- end ---

  #fail(kind: HandshakeFailure, error: Error, graceful = false): void {
    if (this.#state === CLOSED) return;
    const handshake = this.#state !== ACTIVE ? kind : undefined;
    this.#finish({ handshake, error });
    if (graceful) this.#conn.end();
    else this.#conn.destroy();
  }

  #closed(error?: Error): void {
    if (this.#state === CLOSED) return;
    // As libzmq: a connection lost before the handshake completed is a handshake failure too.
    // A mechanism may know better what it means (CURVE: the server could not open our HELLO).
    const known = this.#state === HANDSHAKE ? this.#options.mechanism.closedDuringHandshake?.() : undefined;
    if (known) error = new Error(known.message, { cause: error });
    this.#finish({ handshake: this.#state !== ACTIVE ? known?.kind ?? "other" : undefined, error });
  }

  #finish(end: EngineEnd): void {
    this.#state = CLOSED;
    this.#decoder.close();
    clearTimeout(this.#handshakeTimer);
    clearInterval(this.#heartbeat);
    const peer = this.#peer;
    if (peer) {
      if (peer.outbound.onReadable) peer.outbound.onReadable = null;
      peer.inbound.onWritable = null;
    }
    const waiters = this.#flushWaiters;
    this.#flushWaiters = [];
    for (const w of waiters) w();
    this.#host.closed(this, end);
  }
}
