/**
 * libzmq's multicast options, ZMQ_MULTICAST_HOPS and ZMQ_MULTICAST_LOOP, for
 * the socket types that send multicast (RADIO and DGRAM over udp://).
 *
 * @module
 */
import { defineOptions } from "./options.ts";

/** The options of a socket that can send multicast, in its constructor. */
export interface MulticastOptions {
  /** The TTL of the multicast it sends: how many routers it may cross; 1 stays on the local network [ZMQ_MULTICAST_HOPS]. */
  multicastHops?: number;
  /** Whether sockets on this host receive the multicast it sends [ZMQ_MULTICAST_LOOP]. */
  multicastLoop?: boolean;
}

/**
 * Gives a socket type the multicast options, with libzmq's defaults (hops 1, loop on). They are
 * read when an endpoint opens: a change applies to endpoints connected or bound afterwards.
 *
 * @example
 * ```ts ignore
 * offerMulticast(Radio);
 * ```
 */
export function offerMulticast(cls: { prototype: object }): void {
  defineOptions(cls, {
    multicastHops: { kind: "int", default: 1, min: 1, max: 255 },
    multicastLoop: { kind: "bool", default: true },
  });
}
