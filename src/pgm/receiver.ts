/**
 * A PGM receiver (RFC 3208 §6.2, OpenPGM's receiver.c) for one multicast
 * group and data-destination port: one receive window per source (TSI) heard,
 * NAKs sent to the address the source's SPMs advertise, an SPM request to a
 * new source that has not sent one yet, and sources forgotten after a long
 * silence or their closing SPM. No I/O and no timers: the caller passes the
 * time, sends what `output` is given, and calls `poll` at `deadline`.
 *
 * @module
 */
import { MAX_NAK_SEQUENCES } from "./constants.ts";
import { encodeNak, encodeSpmr, type PgmPacket } from "./packet.ts";
import { LIBZMQ_NAK_TIMING, type NakTiming, ReceiveWindow } from "./receive-window.ts";
import { sequenceBefore } from "./sequence.ts";
import { sameGsi, tsiKey } from "./tsi.ts";

/** libzmq's receiver settings (pgm_socket.cpp): a silent source is forgotten after 300 s; SPMR after 25 ms. */
export const PEER_EXPIRY_MS = 300_000;
export const SPMR_EXPIRY_MS = 25;
/**
 * OpenPGM asks once; a source sending steadily sends no heartbeat SPM (each ODATA defers it), so
 * a lost request or answer would leave gaps unrepairable until the 30 s ambient SPM. omq asks
 * again, waiting twice as long each time, up to that.
 */
export const SPMR_RETRY_MS = 200;
export const SPMR_RETRY_MAX_MS = 30_000;
/** Sources heard at once, at most: a flood of forged sessions cannot grow memory without bound. */
export const MAX_SOURCES = 1024;

/** One source as the receiver knows it. */
export class ReceiverPeer {
  /** The source's GSI (a copy) and port. */
  readonly gsi: Uint8Array;
  readonly sourcePort: number;
  /** `gsi.sourcePort`, dotted. */
  readonly key: string;
  readonly window: ReceiveWindow;
  /** Where NAKs go: the NLA of the source's SPMs; null until one is heard. */
  nla: string | null = null;
  /** The address the source's packets come from (where an SPMR goes). */
  address: string;
  /** Whatever the caller keeps with this source (its message decoder). */
  context: unknown = undefined;
  /** The last SPM sequence number heard (-1: none). */
  spmSqn = -1;
  /** When to ask for an SPM (Infinity: not now), and how long after that to ask again. */
  spmrAt: number;
  spmrInterval: number = SPMR_RETRY_MS;
  /** When the source is forgotten unless heard from. */
  expiry: number;
  /** Forgotten: nothing more comes from it. */
  finished = false;

  constructor(
    gsi: Uint8Array,
    sourcePort: number,
    address: string,
    options: ReceiverOptions,
    timing: NakTiming,
    now: number,
  ) {
    this.gsi = gsi.slice();
    this.sourcePort = sourcePort;
    this.key = tsiKey(gsi, sourcePort);
    this.address = address;
    const output = options.output;
    this.window = new ReceiveWindow(options.windowPackets, timing, {
      apdu: (bytes) => output.apdu(this, bytes),
      loss: (count) => output.loss(this, count),
    });
    this.spmrAt = now + SPMR_EXPIRY_MS;
    this.expiry = now + PEER_EXPIRY_MS;
  }
}

/** What the receiver hands on. */
export interface ReceiverOutput {
  /** A packet for `address` (UDP port: the data-destination port). */
  send(packet: Uint8Array, address: string): void;
  /** An APDU from `peer`, in order. */
  apdu(peer: ReceiverPeer, bytes: Uint8Array): void;
  /** `count` of `peer`'s sequence numbers are lost for good. */
  loss(peer: ReceiverPeer, count: number): void;
  /** `peer` is forgotten (silent too long, or it closed its session). */
  gone(peer: ReceiverPeer): void;
}

/** How a receiver is set up. */
export interface ReceiverOptions {
  /** The data-destination port (the endpoint's port). */
  readonly port: number;
  /** The multicast group (NCFs must name it, NAKs name it). */
  readonly group: string;
  /** Sequence numbers each source's window holds. */
  readonly windowPackets: number;
  readonly timing?: NakTiming;
  readonly output: ReceiverOutput;
}

/** What happened at a receiver, for tests and monitoring. */
export interface ReceiverStats {
  naks: number;
  spmrs: number;
  /** Downstream packets dropped: another port or group, unknown source. */
  rejected: number;
}

/**
 * The receiving half of PGM for one group.
 *
 * @example
 * ```ts
 * const receiver = new PgmReceiver({ port: 5555, group: "239.192.1.1", windowPackets: 80, output });
 * receiver.handle(decodePacket(datagram) as PgmPacket, fromAddress, now);
 * setTimeout(() => receiver.poll(clock()), receiver.deadline - now);
 * ```
 */
export class PgmReceiver {
  readonly stats: ReceiverStats = { naks: 0, spmrs: 0, rejected: 0 };
  readonly #options: ReceiverOptions;
  readonly #timing: NakTiming;
  readonly #peers = new Map<string, ReceiverPeer>();
  #last: ReceiverPeer | null = null;
  #deadline = Infinity;

  constructor(options: ReceiverOptions) {
    this.#options = options;
    this.#timing = options.timing ?? LIBZMQ_NAK_TIMING;
  }

  /** The sources heard and not yet forgotten. */
  get peers(): IterableIterator<ReceiverPeer> {
    return this.#peers.values();
  }

  /** When `poll` has a timer to run. */
  get deadline(): number {
    return this.#deadline;
  }

  /** Handles a packet that came from `address`. */
  handle(packet: PgmPacket, address: string, now: number): void {
    const o = this.#options;
    if (packet.kind === "nak" || packet.kind === "nnak") return;
    if (packet.kind === "spmr") {
      // Another receiver asked the same source for an SPM: ours would only repeat it.
      const peer = this.#find(packet.gsi, packet.destinationPort);
      if (peer && packet.sourcePort === o.port) peer.spmrAt = Infinity;
      return;
    }
    if (packet.destinationPort !== o.port) {
      this.stats.rejected++;
      return;
    }
    let peer = this.#find(packet.gsi, packet.sourcePort);
    if (packet.kind === "ncf") {
      if (peer === null || packet.groupNla !== o.group) {
        this.stats.rejected++;
        return;
      }
      peer.expiry = now + PEER_EXPIRY_MS;
      for (const sqn of packet.sequences) peer.window.confirm(sqn, now);
      this.#schedule(peer);
      return;
    }
    if (peer === null) {
      // The repeats of a closing SPM must not bring the session back.
      if (packet.kind === "spm" && packet.fin) return;
      if (this.#peers.size >= MAX_SOURCES) {
        this.stats.rejected++;
        return;
      }
      peer = this.#add(packet.gsi, packet.sourcePort, address, now);
    }
    peer.expiry = now + PEER_EXPIRY_MS;
    peer.address = address;
    if (packet.kind === "spm") {
      // SPM sequence numbers only advance; an older one is a duplicate (OpenPGM's pgm_on_spm).
      if (peer.spmSqn >= 0 && sequenceBefore(packet.sqn, peer.spmSqn)) return;
      peer.spmSqn = packet.sqn;
      peer.nla = packet.nla;
      peer.spmrAt = Infinity;
      if (packet.fin) {
        this.#remove(peer);
        return;
      }
      peer.window.update(packet.lead, packet.trail, now);
    } else if (packet.kind === "data") {
      peer.window.add(packet, now);
    }
    if (!peer.finished) this.#schedule(peer);
  }

  /** Runs the timers due: SPM requests, NAKs, lost repairs, forgotten sources. */
  poll(now: number): void {
    const o = this.#options;
    let deadline = Infinity;
    for (const peer of this.#peers.values()) {
      if (now >= peer.expiry) {
        this.#remove(peer);
        continue;
      }
      if (now >= peer.spmrAt) {
        peer.spmrAt = now + peer.spmrInterval;
        peer.spmrInterval = Math.min(2 * peer.spmrInterval, SPMR_RETRY_MAX_MS);
        this.stats.spmrs++;
        o.output.send(
          encodeSpmr({ gsi: peer.gsi, sourcePort: o.port, destinationPort: peer.sourcePort }),
          peer.address,
        );
      }
      const naks = peer.window.poll(now, peer.nla !== null);
      for (let i = 0; i < naks.length; i += MAX_NAK_SEQUENCES) {
        this.stats.naks++;
        o.output.send(
          encodeNak({
            kind: "nak",
            gsi: peer.gsi,
            sourcePort: o.port,
            destinationPort: peer.sourcePort,
            sequences: naks.slice(i, i + MAX_NAK_SEQUENCES),
            sourceNla: peer.nla!,
            groupNla: o.group,
          }),
          peer.nla!,
        );
      }
      if (peer.finished) continue;
      deadline = Math.min(deadline, peer.expiry, peer.spmrAt, peer.window.deadline);
    }
    this.#deadline = deadline;
  }

  /** Forgets every source (the socket is closing). */
  close(): void {
    for (const peer of [...this.#peers.values()]) this.#remove(peer);
  }

  #find(gsi: Uint8Array, sourcePort: number): ReceiverPeer | null {
    const last = this.#last;
    if (last !== null && last.sourcePort === sourcePort && sameGsi(last.gsi, gsi)) return last;
    const peer = this.#peers.get(tsiKey(gsi, sourcePort)) ?? null;
    if (peer !== null) this.#last = peer;
    return peer;
  }

  #add(gsi: Uint8Array, sourcePort: number, address: string, now: number): ReceiverPeer {
    const peer = new ReceiverPeer(gsi, sourcePort, address, this.#options, this.#timing, now);
    this.#peers.set(peer.key, peer);
    this.#last = peer;
    return peer;
  }

  // The source is gone: what is complete is delivered, the rest is lost, then it is forgotten.
  #remove(peer: ReceiverPeer): void {
    if (peer.finished) return;
    peer.finished = true;
    this.#peers.delete(peer.key);
    if (this.#last === peer) this.#last = null;
    peer.window.abandon();
    this.#options.output.gone(peer);
  }

  #schedule(peer: ReceiverPeer): void {
    const at = Math.min(peer.expiry, peer.spmrAt, peer.window.deadline);
    if (at < this.#deadline) this.#deadline = at;
  }
}
