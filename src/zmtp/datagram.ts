/**
 * What one UDP datagram carries for libzmq's udp engine (`udp_engine.cpp`):
 * RADIO/DISH put the group's length (one byte), the group and the body in
 * one datagram; DGRAM sends the body alone, and names the peer in a first
 * frame `"host:port"`. Pure functions, no I/O.
 *
 * @module
 */
import { hostPort } from "../../transports/address.ts";
import { MAX_GROUP_LENGTH } from "./group.ts";

/** The largest UDP payload (over IPv4: 65535 less the IP and UDP headers). */
export const MAX_DATAGRAM = 65_507;

/** libzmq 4.3's MAX_UDP_MSG: its udp engine reads at most this much of a datagram (and sends no more). */
export const LIBZMQ_MAX_DATAGRAM = 8192;

/** One view per length byte, made once: a datagram's first chunk costs no allocation. */
const LENGTHS: Uint8Array[] = [];
{
  const all = Uint8Array.from({ length: MAX_GROUP_LENGTH + 1 }, (_, i) => i);
  for (let i = 0; i <= MAX_GROUP_LENGTH; i++) LENGTHS.push(all.subarray(i, i + 1));
}

/**
 * The chunks of one RADIO datagram, `[length, group, body]`, to be sent gathered; null when the
 * group is longer than a length byte can say.
 *
 * @example
 * ```ts
 * groupDatagram(new Uint8Array([0x61]), new Uint8Array([1, 2])); // [[1], [0x61], [1, 2]]
 * ```
 */
export function groupDatagram(group: Uint8Array, body: Uint8Array): Uint8Array[] | null {
  const length = LENGTHS[group.byteLength];
  return length === undefined ? null : [length, group, body];
}

/**
 * A DISH datagram as `[group, body]` (views of it, no copy); null for one that is empty or
 * shorter than its group length says (libzmq drops those too).
 *
 * @example
 * ```ts
 * parseGroupDatagram(new Uint8Array([1, 0x61, 2, 3])); // [[0x61], [2, 3]]
 * ```
 */
export function parseGroupDatagram(data: Uint8Array): [Uint8Array, Uint8Array] | null {
  if (data.byteLength === 0) return null;
  const end = 1 + data[0];
  if (end > data.byteLength) return null;
  return [data.subarray(1, end), data.subarray(end)];
}

/** A DGRAM peer: a numeric host and a port. */
export interface DatagramPeer {
  readonly host: string;
  readonly port: number;
}

/**
 * The address frame text of a DGRAM peer: `"host:port"`, with an IPv6 host in brackets.
 *
 * @example
 * ```ts
 * datagramAddress("127.0.0.1", 5555); // "127.0.0.1:5555"
 * ```
 */
export function datagramAddress(host: string, port: number): string {
  return hostPort(host, port);
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** Whether `host` is a dotted-quad IPv4 address. */
export function isIPv4(host: string): boolean {
  const m = IPV4.exec(host);
  return m !== null && m.slice(1).every((n) => Number(n) <= 255);
}

/** Whether `host` looks like an IPv6 address (hex groups and colons, an optional zone, a dotted tail). */
export function isIPv6(host: string): boolean {
  const zone = host.indexOf("%");
  const bare = zone < 0 ? host : host.slice(0, zone);
  return bare.includes(":") && /^[0-9a-fA-F:.]+$/.test(bare) && bare.split("::").length <= 2;
}

/** A dotted quad as inet_pton reads it: no leading zeros (which a resolver may read as octal). */
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const STRICT_IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
/** What may follow `%` in an IPv6 address (an interface name or index), as Node's `net.isIP`. */
const ZONE = /^[0-9a-zA-Z.:-]+$/;

/** An IPv4 address exactly as inet_pton (and Node's `net.isIP`) accepts it. */
function isStrictIPv4(host: string): boolean {
  return STRICT_IPV4.test(host);
}

/**
 * An IPv6 address exactly as inet_pton accepts it (eight groups, or fewer around one `::`, the last
 * two may be a dotted quad), with an optional `%zone` as Node's `net.isIP` takes.
 */
function isStrictIPv6(host: string): boolean {
  const zone = host.indexOf("%");
  if (zone >= 0 && !ZONE.test(host.slice(zone + 1))) return false;
  let bare = zone < 0 ? host : host.slice(0, zone);
  if (bare.includes(".")) {
    const tail = bare.lastIndexOf(":");
    if (tail < 0 || !isStrictIPv4(bare.slice(tail + 1))) return false;
    bare = `${bare.slice(0, tail + 1)}0:0`; // the dotted quad is two groups
  }
  const halves = bare.split("::");
  if (halves.length > 2) return false;
  let groups = 0;
  for (const half of halves) {
    if (half === "") continue;
    for (const group of half.split(":")) {
      if (!HEX_GROUP.test(group)) return false;
      groups++;
    }
  }
  return halves.length === 2 ? groups <= 7 : groups === 8;
}

/**
 * Parses a DGRAM address frame: `"host:port"` with a numeric host (IPv6 in brackets) and a port
 * from 1 to 65535, as libzmq's `resolve_raw_address` (which takes IPv4 only, through inet_pton);
 * null otherwise. The host must be numeric as inet_pton reads it, so sending to it never asks a
 * resolver (which reads "010.0.0.1" as octal). A trailing NUL is allowed: libzmq's DGRAM ends the
 * address frames it hands out with one.
 *
 * @example
 * ```ts
 * parseDatagramAddress("127.0.0.1:5555"); // { host: "127.0.0.1", port: 5555 }
 * parseDatagramAddress("[::1]:5555"); // { host: "::1", port: 5555 }
 * ```
 */
export function parseDatagramAddress(text: string): DatagramPeer | null {
  if (text.endsWith("\0")) text = text.slice(0, -1);
  const colon = text.lastIndexOf(":");
  if (colon < 0) return null;
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return null;
  if (host.startsWith("[") && host.endsWith("]")) {
    host = host.slice(1, -1);
    return isStrictIPv6(host) ? { host, port } : null;
  }
  return isStrictIPv4(host) ? { host, port } : null;
}

/**
 * Whether `host` is a multicast group: 224.0.0.0/4, or ff00::/8.
 *
 * @example
 * ```ts
 * isMulticast("239.1.2.3"); // true
 * ```
 */
export function isMulticast(host: string): boolean {
  if (isIPv4(host)) {
    const first = Number(host.slice(0, host.indexOf(".")));
    return first >= 224 && first <= 239;
  }
  return isIPv6(host) && /^ff/i.test(host);
}

const decoder = new TextDecoder();

/**
 * Parses DGRAM address frames, remembering the last one: messages in a row usually go to one peer,
 * and comparing a few bytes is cheaper than decoding and parsing them again.
 *
 * @example
 * ```ts
 * const addresses = new DatagramAddresses();
 * addresses.peerOf(new TextEncoder().encode("127.0.0.1:5555")); // { host: "127.0.0.1", port: 5555 }
 * ```
 */
export class DatagramAddresses {
  #last: Uint8Array = new Uint8Array(0);
  #peer: DatagramPeer | null = null;

  /** The peer a frame names, or null when it is not a numeric `host:port`. */
  peerOf(frame: Uint8Array): DatagramPeer | null {
    const last = this.#last;
    if (frame.byteLength === last.byteLength) {
      let i = 0;
      while (i < frame.byteLength && frame[i] === last[i]) i++;
      if (i === frame.byteLength) return this.#peer;
    }
    this.#last = frame.slice();
    return this.#peer = parseDatagramAddress(decoder.decode(frame));
  }
}
