/**
 * A PGM source (RFC 3208 §6.1, OpenPGM's source.c): numbers and sends ODATA
 * within its rate limit, keeps what it sent in the transmit window, answers
 * NAKs with an NCF and then RDATA, and announces itself with SPMs — three when
 * it starts, a decaying heartbeat after data, an ambient one every 30 s, and
 * one on request (SPMR). No I/O and no timers: the caller passes the time,
 * sends what `output` is given to the multicast group, and calls `poll` at
 * `deadline`.
 *
 * @module
 */
import { FRAGMENT_OPTIONS_SIZE, IP_UDP_OVERHEAD, MAX_APDU, MAX_FRAGMENTS } from "./constants.ts";
import { DATA_OFFSET, encodeData, encodeNak, encodeSpm, type PgmPacket, sealData, toRepair } from "./packet.ts";
import { RateLimiter } from "./rate-limit.ts";
import { TransmitWindow } from "./transmit-window.ts";
import { sameGsi } from "./tsi.ts";

/** libzmq's SPM schedule (pgm_socket.cpp): ambient every 30 s, heartbeats after data. */
export const AMBIENT_SPM_MS = 30_000;
export const HEARTBEAT_SPM_MS: readonly number[] = [100, 100, 100, 100, 1300, 7000, 16000, 25000, 30000];
/** The least time between two SPMs sent on request (RFC 3208 §13.4 rate-limits SPMR answers). */
export const SPMR_HOLDOFF_MS = 50;

/** How a source is set up. */
export interface SourceOptions {
  readonly gsi: Uint8Array;
  /** The source's port in its TSI. */
  readonly sourcePort: number;
  /** The data-destination port (the endpoint's port). */
  readonly destinationPort: number;
  /** The multicast group, as NAKs must name it. */
  readonly group: string;
  /** This source's unicast address: SPMs advertise it, receivers send NAKs there. */
  readonly nla: string;
  /** The largest datagram including IP and UDP headers (libzmq's ZMQ_MULTICAST_MAXTPDU). */
  readonly maxTpdu: number;
  /** Packets kept for repair. */
  readonly windowPackets: number;
  /** Bytes per second of original data, IP and UDP headers counted (0: no limit). */
  readonly rate: number;
  /** Gets every packet to send to the group. */
  readonly output: (packet: Uint8Array) => void;
  readonly now: number;
}

/** What happened at a source, for tests and monitoring. */
export interface SourceStats {
  odata: number;
  rdata: number;
  naks: number;
  spms: number;
  /** Upstream packets dropped: for another session, another group, another address. */
  rejected: number;
}

/**
 * The sending half of a PGM session.
 *
 * @example
 * ```ts
 * const source = new PgmSource({ gsi, sourcePort, destinationPort: 5555, group: "239.192.1.1",
 *   nla: "192.0.2.1", maxTpdu: 1500, windowPackets: 80, rate: 12_500, output: send, now: 0 });
 * source.start(now);
 * source.sendApdu(new Uint8Array([0, 0, 2, 0, 104]), now);
 * setTimeout(() => source.poll(clock()), source.deadline - now);
 * ```
 */
export class PgmSource {
  /** The largest TSDU one ODATA carries without fragmenting. */
  readonly maxTsdu: number;
  /** The largest APDU: 16 fragments, at most 64 KiB (OpenPGM's max_apdu, which its receivers enforce). */
  readonly maxApdu: number;
  readonly stats: SourceStats = { odata: 0, rdata: 0, naks: 0, spms: 0, rejected: 0 };
  readonly #options: SourceOptions;
  readonly #window: TransmitWindow;
  readonly #rate: RateLimiter;
  readonly #maxFragment: number;
  #spmSqn = 0;
  #nextAmbient: number;
  #heartbeat = 0;
  #nextHeartbeat = Infinity;
  #lastSpm = -Infinity;
  #spmRequested = false;
  #repairAt = Infinity;

  constructor(options: SourceOptions) {
    this.#options = options;
    const room = options.maxTpdu - IP_UDP_OVERHEAD - DATA_OFFSET;
    if (room - FRAGMENT_OPTIONS_SIZE < 1) throw new RangeError(`maxTpdu ${options.maxTpdu} leaves no room for data`);
    this.maxTsdu = room;
    this.#maxFragment = room - FRAGMENT_OPTIONS_SIZE;
    this.maxApdu = Math.min(MAX_APDU, MAX_FRAGMENTS * this.#maxFragment);
    this.#window = new TransmitWindow(options.windowPackets);
    this.#rate = new RateLimiter(options.rate, options.maxTpdu, options.now);
    this.#nextAmbient = options.now + AMBIENT_SPM_MS;
  }

  /** Announces the session: three SPMs, so waiting receivers learn the source at once (OpenPGM's pgm_connect). */
  start(now: number): void {
    for (let i = 0; i < 3; i++) this.#sendSpm(now);
  }

  /** The oldest sequence number still repairable. */
  get trail(): number {
    return this.#window.trail;
  }

  /** The last sequence number sent. */
  get lead(): number {
    return this.#window.lead;
  }

  /** When `poll` has work next (SPM or repair), in the caller's clock. */
  get deadline(): number {
    let at = Math.min(this.#nextHeartbeat, this.#nextAmbient);
    if (this.#window.repairsPending) at = Math.min(at, this.#repairAt);
    if (this.#spmRequested) at = Math.min(at, this.#lastSpm + SPMR_HOLDOFF_MS);
    return at;
  }

  /** Milliseconds until a packet of `tpdu` bytes (PGM header included) fits the rate limit, after any waiting repair. */
  rateDelay(tpdu: number, now: number): number {
    // A waiting repair goes first, so the wait is for it too.
    const sqn = this.#window.peekRepair();
    const repair = sqn === undefined ? 0 : this.#window.get(sqn)!.length;
    return this.#rate.delay(Math.max(tpdu, repair) + IP_UDP_OVERHEAD, now);
  }

  /**
   * Sends an ODATA whose TSDU the caller wrote at `DATA_OFFSET` of `packet` (at most `maxTsdu`
   * bytes), if the rate limit allows; false (nothing sent, `packet` untouched) if not.
   */
  trySendPacket(packet: Uint8Array, now: number): boolean {
    // Repairs go first: new data must not starve them of the rate (receivers give up waiting).
    if (this.#window.repairsPending) {
      this.#repair(now);
      if (this.#window.repairsPending) return false;
    }
    if (!this.#rate.take(packet.length + IP_UDP_OVERHEAD, now)) return false;
    const o = this.#options;
    sealData(packet, {
      gsi: o.gsi,
      sourcePort: o.sourcePort,
      destinationPort: o.destinationPort,
      sqn: this.#window.next,
      trail: this.#window.trail,
    });
    this.#transmit(packet, now);
    return true;
  }

  /**
   * Sends one APDU, fragmented with OPT_FRAGMENT when larger than `maxTsdu` (at most `maxApdu`),
   * if the rate limit allows all of it; false (nothing sent) if not.
   */
  sendApdu(apdu: Uint8Array, now: number): boolean {
    if (this.#window.repairsPending) {
      this.#repair(now);
      if (this.#window.repairsPending) return false;
    }
    if (apdu.length > this.maxApdu) {
      throw new RangeError(`an APDU is at most ${this.maxApdu} bytes, not ${apdu.length}`);
    }
    if (apdu.length <= this.maxTsdu) {
      const packet = new Uint8Array(DATA_OFFSET + apdu.length);
      packet.set(apdu, DATA_OFFSET);
      return this.trySendPacket(packet, now);
    }
    const count = Math.ceil(apdu.length / this.#maxFragment);
    const bytes = apdu.length + count * (DATA_OFFSET + FRAGMENT_OPTIONS_SIZE + IP_UDP_OVERHEAD);
    if (!this.#rate.take(bytes, now)) return false;
    const o = this.#options;
    const first = this.#window.next;
    for (let offset = 0; offset < apdu.length; offset += this.#maxFragment) {
      const payload = apdu.subarray(offset, offset + this.#maxFragment);
      const packet = encodeData({
        gsi: o.gsi,
        sourcePort: o.sourcePort,
        destinationPort: o.destinationPort,
        sqn: this.#window.next,
        trail: this.#window.trail,
        fragment: { first, offset, length: apdu.length },
      }, payload);
      this.#transmit(packet, now);
    }
    return true;
  }

  /** Handles an upstream packet for this session: a NAK gets an NCF and queues repairs, an SPMR gets an SPM. */
  handle(packet: PgmPacket, now: number): void {
    const o = this.#options;
    if (packet.kind !== "nak" && packet.kind !== "spmr") return;
    // Upstream packets swap the ports and carry the source's GSI (OpenPGM's on_upstream).
    if (
      packet.destinationPort !== o.sourcePort || packet.sourcePort !== o.destinationPort || !sameGsi(packet.gsi, o.gsi)
    ) {
      this.stats.rejected++;
      return;
    }
    if (packet.kind === "spmr") {
      this.#spmRequested = true;
      if (now - this.#lastSpm >= SPMR_HOLDOFF_MS) this.#sendSpm(now);
      return;
    }
    if (packet.sourceNla !== o.nla || packet.groupNla !== o.group) {
      this.stats.rejected++;
      return;
    }
    this.stats.naks++;
    // NAK elimination: a storm of NAKs for one packet costs one RDATA, and NCFs at most every 50 ms.
    const queued: number[] = [];
    for (const sqn of packet.sequences) {
      if (this.#window.requestRepair(sqn, now)) queued.push(sqn);
    }
    if (queued.length === 0) return;
    this.#repairAt = Math.min(this.#repairAt, now);
    o.output(encodeNak({
      kind: "ncf",
      gsi: o.gsi,
      sourcePort: o.sourcePort,
      destinationPort: o.destinationPort,
      sequences: queued,
      sourceNla: o.nla,
      groupNla: o.group,
    }));
    this.#repair(now);
  }

  /** Sends what is due: repairs (within the rate limit), SPMs. */
  poll(now: number): void {
    this.#repair(now);
    if (this.#spmRequested && now - this.#lastSpm >= SPMR_HOLDOFF_MS) this.#sendSpm(now);
    if (now >= this.#nextHeartbeat || now >= this.#nextAmbient) {
      this.#sendSpm(now);
      if (now >= this.#nextAmbient) this.#nextAmbient = now + AMBIENT_SPM_MS;
      if (now >= this.#nextHeartbeat) {
        this.#heartbeat++;
        this.#nextHeartbeat = this.#heartbeat < HEARTBEAT_SPM_MS.length
          ? now + HEARTBEAT_SPM_MS[this.#heartbeat]
          : Infinity;
      }
    }
  }

  /** Sends the SPMs that end the session (OPT_FIN), as OpenPGM does on close. */
  finish(now: number): void {
    for (let i = 0; i < 3; i++) this.#sendSpm(now, true);
  }

  // RDATA shares the rate limit with ODATA: a flood of forged NAKs cannot make the source exceed it.
  #repair(now: number): void {
    for (let sqn = this.#window.peekRepair(); sqn !== undefined; sqn = this.#window.peekRepair()) {
      const odata = this.#window.get(sqn)!;
      const bytes = odata.length + IP_UDP_OVERHEAD;
      if (!this.#rate.take(bytes, now)) {
        this.#repairAt = now + this.#rate.delay(bytes, now);
        return;
      }
      this.#window.repairSent(now);
      this.#options.output(toRepair(odata, this.#window.trail));
      this.stats.rdata++;
      this.#startHeartbeat(now);
    }
    this.#repairAt = Infinity;
  }

  #transmit(packet: Uint8Array, now: number): void {
    this.#window.add(packet);
    this.#options.output(packet);
    this.stats.odata++;
    this.#startHeartbeat(now);
  }

  // OpenPGM's reset_heartbeat_spm: SPMs decay from the last data sent.
  #startHeartbeat(now: number): void {
    this.#heartbeat = 0;
    this.#nextHeartbeat = now + HEARTBEAT_SPM_MS[0];
  }

  #sendSpm(now: number, fin = false): void {
    const o = this.#options;
    o.output(encodeSpm({
      gsi: o.gsi,
      sourcePort: o.sourcePort,
      destinationPort: o.destinationPort,
      sqn: this.#spmSqn,
      trail: this.#window.trail,
      lead: this.#window.lead,
      nla: o.nla,
      fin,
    }));
    this.#spmSqn = (this.#spmSqn + 1) >>> 0;
    this.#lastSpm = now;
    this.stats.spms++;
    this.#spmRequested = false;
  }
}
