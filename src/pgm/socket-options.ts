/**
 * libzmq's PGM options (ZMQ_RATE, ZMQ_RECOVERY_IVL, ZMQ_MULTICAST_MAXTPDU, and
 * the multicast ZMQ_MULTICAST_HOPS and ZMQ_MULTICAST_LOOP) for the socket types
 * that take epgm:// (PUB, SUB, XPUB, XSUB), with libzmq's defaults. They are
 * read when an endpoint opens.
 *
 * @module
 */
import { type MulticastOptions, offerMulticast } from "../multicast-options.ts";
import { defineOptions } from "../options.ts";

/** The epgm:// options of a socket, in its constructor. */
export interface PgmOptions extends MulticastOptions {
  /** Kilobits per second a publisher sends at most over epgm://, IP and UDP headers counted [ZMQ_RATE]. */
  rate?: number;
  /** Milliseconds of sent data a publisher keeps to repair what receivers lost over epgm:// [ZMQ_RECOVERY_IVL]. */
  recoveryInterval?: number;
  /** The largest datagram epgm:// sends, IP and UDP headers included [ZMQ_MULTICAST_MAXTPDU]. */
  multicastMaxTpdu?: number;
}

/**
 * Gives a socket type the epgm:// options: rate 100 kbit/s, recovery 10 s, 1500-byte TPDUs, one
 * hop, loopback on, as libzmq. (The smallest TPDU still leaves room for a fragment's headers and
 * some data.)
 *
 * @example
 * ```ts ignore
 * offerPgm(Publisher);
 * ```
 */
export function offerPgm(cls: { prototype: object }): void {
  offerMulticast(cls);
  defineOptions(cls, {
    rate: { kind: "int", default: 100, min: 1 },
    recoveryInterval: { kind: "int", default: 10_000, min: 0 },
    multicastMaxTpdu: { kind: "int", default: 1500, min: 128, max: 65535 },
  });
}
