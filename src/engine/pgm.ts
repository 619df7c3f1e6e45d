/**
 * The epgm:// engine (libzmq's `pgm_sender` and `pgm_receiver`): one per
 * endpoint, PGM over a UDP socket with libzmq's framing on top. A PUB or
 * XPUB sends: its queued messages are packed into APDUs (src/pgm/v1-packer),
 * numbered and repaired by a PGM source within the rate limit. A SUB or XSUB
 * receives: a PGM receiver orders and repairs what every source sends, and
 * each source's APDUs become messages (src/pgm/v1-decoder). Nothing flows the
 * other way: a subscriber's subscriptions are dropped (it filters what
 * arrives itself) and a publisher sends everything to the group.
 *
 * Packets that are not PGM, or not for this session, are dropped; data lost
 * for good is reported (`lost`) and the stream resumes at the next message.
 *
 * @module
 */
import type { Message } from "../message.ts";
import type { Pipe } from "../pipe.ts";
import { DATA_OFFSET, decodePacket } from "../pgm/packet.ts";
import { PgmReceiver, type ReceiverPeer } from "../pgm/receiver.ts";
import { PgmSource } from "../pgm/source.ts";
import { randomGsi, randomSourcePort } from "../pgm/tsi.ts";
import { V1Decoder } from "../pgm/v1-decoder.ts";
import { V1Packer } from "../pgm/v1-packer.ts";
import { socketTypeInfo } from "../zmtp/socket-type.ts";
import { EngineBase, type Link } from "./base.ts";
import type { EngineHost, EngineOptions } from "./types.ts";

const encoder = new TextEncoder();

/** What the engine needs of a UDP socket (a subset of the runtime adapters' `UdpSocket`). */
export interface PgmUdpSocket {
  start(handlers: {
    datagram(data: Uint8Array, host: string, port: number): void;
    drain?(): void;
    sendError?(error: Error): void;
    close?(error?: Error): void;
  }): void;
  send(chunks: readonly Uint8Array[], host: string, port: number): boolean;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

/** An open epgm:// endpoint, as the transport hands it to the engine. */
export interface PgmConnection {
  readonly kind: "epgm";
  readonly socket: PgmUdpSocket;
  /** The endpoint, for events. */
  readonly remoteAddress: string;
  /** The multicast group and the port (the data-destination port, and every UDP port PGM uses). */
  readonly group: string;
  readonly port: number;
  /** This host's address on the endpoint's interface: a source's SPMs name it for NAKs. */
  readonly nla: string;
  /** Kilobits per second a source may send, IP and UDP headers counted [ZMQ_RATE]. */
  readonly rate: number;
  /** Milliseconds of data a source keeps for repair [ZMQ_RECOVERY_IVL]. */
  readonly recoveryInterval: number;
  /** The largest datagram, IP and UDP headers included [ZMQ_MULTICAST_MAXTPDU]. */
  readonly maxTpdu: number;
  /** Closes the socket at once (a dialer's connection abandoned). */
  destroy(): void;
}

/**
 * Whether a transport connection is an epgm:// endpoint.
 *
 * @example
 * ```ts ignore
 * if (isPgmConnection(conn)) return new PgmEngine(conn, options, host);
 * ```
 */
export function isPgmConnection(conn: object): conn is PgmConnection {
  return (conn as { kind?: string }).kind === "epgm";
}

/**
 * Packets a window holds, as libzmq's pgm_socket::compute_sqns: the recovery interval's worth
 * of data at the rate, in full TPDUs, at least one.
 */
export function windowPackets(rate: number, recoveryInterval: number, maxTpdu: number): number {
  return Math.max(1, Math.floor((recoveryInterval * Math.floor(rate / 8)) / maxTpdu));
}

/**
 * A receiver's window is never smaller than this: it only costs memory while packets are
 * missing, and libzmq's 80 (its defaults) is gone in a fraction of a second at any real rate.
 */
const MIN_RECEIVE_WINDOW = 4096;

/** Milliseconds a graceful close goes on answering NAKs after the last data, before the closing SPMs. */
export const CLOSE_REPAIR_MS = 250;

/** The link the base drives: the UDP socket, closed gracefully after the source's goodbye. */
class PgmLink implements Link {
  readonly remoteAddress: string;
  readonly #socket: PgmUdpSocket;
  /** Set by the engine: what a graceful end does before the socket closes. */
  ending: (() => void) | null = null;

  constructor(conn: PgmConnection) {
    this.remoteAddress = conn.remoteAddress;
    this.#socket = conn.socket;
  }

  write(): boolean {
    return true;
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  end(): void {
    if (this.ending) this.ending();
    else void this.#socket.close();
  }

  destroy(): void {
    void this.#socket.close();
  }
}

/** Loss as the engine reports it: how many packets, from which source. */
export interface PgmLoss {
  readonly packets: number;
  /** The source's transport session id, dotted. */
  readonly source: string;
}

/** An EngineHost that also hears of data lost for good (the session reports it as an event). */
export interface PgmEngineHost extends EngineHost {
  lost?(engine: PgmEngine, loss: PgmLoss): void;
}

/**
 * Drives one epgm:// endpoint for a PUB, XPUB, SUB or XSUB socket.
 *
 * @example
 * ```ts ignore
 * const engine = new PgmEngine(await openEpgm(address, options, endpoint), engineOptions, host);
 * ```
 */
export class PgmEngine extends EngineBase {
  readonly #conn: PgmConnection;
  readonly #socket: PgmUdpSocket;
  readonly #source: PgmSource | null = null;
  readonly #receiver: PgmReceiver | null = null;
  readonly #packer = new V1Packer();
  readonly #maxMessageSize: number;
  /** The packet being built; its TSDU starts at DATA_OFFSET. */
  #scratch: Uint8Array = new Uint8Array(0);
  /** An ODATA the rate limit held back. */
  #pending: Uint8Array | null = null;
  #socketBlocked = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Infinity;
  /**
   * Set when the socket does not hold the process: the SPM, NAK and window timer lets it end. The
   * rate limit's retry timer and the graceful close's stay referenced, as a write in flight does:
   * they run only while data waits to go out.
   */
  readonly #unrefTimer: EngineOptions["unrefTimer"];
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #ending = false;
  #onTimer = (): void => this.#tick();
  #onRetry = (): void => {
    this.#retryTimer = undefined;
    this.transportDrained();
  };

  constructor(conn: PgmConnection, options: EngineOptions, host: PgmEngineHost) {
    const link = new PgmLink(conn);
    super(link, host, options.defer, false, true);
    this.#conn = conn;
    this.#socket = conn.socket;
    this.#maxMessageSize = options.maxMessageSize;
    this.#unrefTimer = options.unrefTimer;
    const info = socketTypeInfo(options.socketType);
    const now = performance.now();
    // The publishing side (PUB, XPUB: it takes subscriptions) is the PGM source.
    if (info.receivesSubscriptions) {
      this.#source = new PgmSource({
        gsi: randomGsi(),
        sourcePort: randomSourcePort(conn.port),
        destinationPort: conn.port,
        group: conn.group,
        nla: conn.nla,
        maxTpdu: conn.maxTpdu,
        windowPackets: windowPackets(conn.rate, conn.recoveryInterval, conn.maxTpdu),
        rate: (conn.rate * 1000) / 8,
        output: (packet) => this.#toGroup(packet),
        now,
      });
      this.#scratch = new Uint8Array(DATA_OFFSET + this.#source.maxTsdu);
      link.ending = () => this.#endGracefully();
    } else {
      this.#receiver = new PgmReceiver({
        port: conn.port,
        group: conn.group,
        windowPackets: Math.max(MIN_RECEIVE_WINDOW, windowPackets(conn.rate, conn.recoveryInterval, conn.maxTpdu)),
        output: {
          send: (packet, address) => this.#socket.send([packet], address, conn.port),
          apdu: (peer, bytes) => this.#apdu(peer, bytes),
          loss: (peer, count) => this.#loss(peer, count),
          gone: (peer) => (peer.context = undefined),
        },
      });
    }
    this.#socket.start({
      datagram: (data, from) => this.#datagram(data, from),
      drain: () => {
        this.#socketBlocked = false;
        this.transportDrained();
      },
      // A datagram the kernel refused is lost like any other: repair covers it.
      sendError: () => {},
      close: (error) => this.transportClosed(error),
    });
    // No handshake: the far end is the first peer type the table allows (SUB for a PUB, ...).
    const peerType = info.peers[0] ?? "SUB";
    const peer = host.ready(this, new Map([["socket-type", encoder.encode(peerType)]]));
    if (!peer || this.closed) {
      this.close();
      return;
    }
    if (this.#source) this.#source.start(now);
    this.attach(peer);
    this.#arm();
  }

  /** The source's and receiver's counters, for tests and monitoring. */
  get stats(): { source: PgmSource["stats"] | null; receiver: PgmReceiver["stats"] | null } {
    return { source: this.#source?.stats ?? null, receiver: this.#receiver?.stats ?? null };
  }

  /** Flushed when the packer holds no part of a message and no packet waits for the rate limit. */
  override get flushed(): boolean {
    return super.flushed && this.#pending === null && !this.#packer.busy;
  }

  protected writeQueued(outbound: Pipe): void {
    const source = this.#source;
    if (source === null) {
      // A subscriber's subscriptions: it filters what arrives itself (libzmq's drop_subscriptions).
      while (outbound.read() !== undefined);
      return;
    }
    if (this.#socketBlocked || this.#retryTimer !== undefined) return;
    const scratch = this.#scratch;
    for (;;) {
      if (this.#pending === null) {
        const n = this.#packer.fill(scratch, DATA_OFFSET, outbound);
        if (n === 0) break;
        this.#pending = scratch.slice(0, DATA_OFFSET + n);
      }
      const now = performance.now();
      if (!source.trySendPacket(this.#pending, now)) {
        // Timers fire no sooner than a millisecond; the bucket holds more than that.
        const wait = Math.max(1, source.rateDelay(this.#pending.length, now));
        this.#retryTimer = setTimeout(this.#onRetry, wait);
        break;
      }
      this.#pending = null;
      if (this.#socketBlocked) break;
    }
    this.#arm();
  }

  protected override cleanUp(): void {
    if (this.#ending) return;
    this.#stopTimers();
    this.#receiver?.close();
  }

  #toGroup(packet: Uint8Array): void {
    if (!this.#socket.send([packet], this.#conn.group, this.#conn.port)) this.#socketBlocked = true;
  }

  #datagram(data: Uint8Array, from: string): void {
    if (this.closed && !this.#ending) return;
    const packet = decodePacket(data);
    if (packet.kind === "error") return;
    const now = performance.now();
    if (this.#source) this.#source.handle(packet, now);
    else this.#receiver!.handle(packet, from, now);
    this.#arm();
  }

  #apdu(peer: ReceiverPeer, bytes: Uint8Array): void {
    if (this.peer === null || this.closed) return;
    let decoder = peer.context as V1Decoder | undefined;
    if (decoder === undefined) {
      decoder = new V1Decoder(this.#maxMessageSize, (message) => this.#message(message));
      peer.context = decoder;
    }
    // A bad frame (over maxMessageSize, a forged size) drops what it was part of, as libzmq.
    decoder.apdu(bytes);
  }

  #message(message: Message): void {
    if (this.peer !== null && !this.closed) this.deliver(message);
  }

  #loss(peer: ReceiverPeer, count: number): void {
    (peer.context as V1Decoder | undefined)?.reset();
    // Before anything was decoded from this source, nothing was lost to the application.
    if (peer.context === undefined || this.closed) return;
    (this.host as PgmEngineHost).lost?.(this, { packets: count, source: peer.key });
  }

  // One timer for the source's or receiver's next deadline, moved only when it must come sooner.
  #arm(): void {
    if (this.closed && !this.#ending) return;
    const at = this.#source ? this.#source.deadline : this.#receiver!.deadline;
    if (at >= this.#timerAt) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    if (at === Infinity) return;
    this.#timer = setTimeout(this.#onTimer, Math.max(0, at - performance.now()));
    this.#unrefTimer?.(this.#timer);
  }

  #tick(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    const now = performance.now();
    if (this.#source) this.#source.poll(now);
    else this.#receiver!.poll(now);
    this.#arm();
  }

  // After the last data: answer NAKs a little longer, say goodbye (OPT_FIN), then close.
  #endGracefully(): void {
    this.#ending = true;
    this.#source!.poll(performance.now());
    this.#arm();
    setTimeout(() => {
      this.#ending = false;
      this.#stopTimers();
      this.#source!.finish(performance.now());
      void this.#socket.close();
    }, CLOSE_REPAIR_MS);
  }

  #stopTimers(): void {
    clearTimeout(this.#timer);
    clearTimeout(this.#retryTimer);
    this.#timer = this.#retryTimer = undefined;
    this.#timerAt = Infinity;
  }
}
