/**
 * libzmq's ZMQ_TCP_ACCEPT_FILTER: the addresses (`"10.0.0.7"`) or networks (`"10.0.0.0/8"`,
 * `"fd00::/8"`) a tcp listener accepts connections from; with any filter set, a connection from
 * anywhere else is closed at once (libzmq's `tcp_address_mask_t`).
 *
 * @module
 */
import { isIPv4, isIPv6 } from "../src/zmtp/datagram.ts";
import { ZmqError } from "../src/errors.ts";

/** One parsed filter: the network's bytes and how many leading bits must match. */
interface Mask {
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/** The 4 or 16 bytes of an address literal, or null for anything else. */
function addressBytes(host: string): Uint8Array | null {
  if (isIPv4(host)) return Uint8Array.from(host.split(".").map(Number));
  if (!isIPv6(host) || host.includes("%")) return null;
  // An IPv4-mapped or -compatible tail ("::ffff:1.2.3.4") is the last two groups.
  let text = host;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    if (!isIPv4(dotted[1])) return null;
    const [a, b, c, d] = dotted[1].split(".").map(Number);
    text = text.slice(0, -dotted[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const groups = (s: string | undefined) => (s ? s.split(":") : []);
  const left = groups(head);
  const right = groups(tail);
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const all = [...left, ...Array(tail === undefined ? 0 : missing).fill("0"), ...right];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(all[i])) return null;
    const v = parseInt(all[i], 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  }
  return out;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it carries, as a dual-stack listener reports it. */
function unmapped(bytes: Uint8Array): Uint8Array {
  if (bytes.byteLength !== 16) return bytes;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return bytes;
  return bytes[10] === 0xff && bytes[11] === 0xff ? bytes.subarray(12) : bytes;
}

/**
 * Parses one filter; throws a `RangeError` naming the option for one libzmq would refuse (EINVAL).
 *
 * @example
 * ```ts
 * const allow = parseAcceptFilter("192.168.1.0/24", "tcpAcceptFilter");
 * acceptedBy([allow], "192.168.1.77:40000"); // true
 * ```
 */
export function parseAcceptFilter(filter: string, option: string): Mask {
  const slash = filter.indexOf("/");
  const host = slash < 0 ? filter : filter.slice(0, slash);
  const bytes = addressBytes(host);
  if (bytes === null) throw new RangeError(`option ${option}: "${filter}" is not an IP address or network`);
  const max = bytes.byteLength * 8;
  const bitsText = slash < 0 ? String(max) : filter.slice(slash + 1);
  const bits = Number(bitsText);
  if (!/^\d+$/.test(bitsText) || bits > max) {
    throw new RangeError(`option ${option}: "${filter}" has a prefix length outside 0-${max}`);
  }
  return { bytes, bits };
}

/** Whether a connection from `remoteAddress` ("host:port", "[v6]:port") passes one of `masks`. */
export function acceptedBy(masks: readonly Mask[], remoteAddress: string): boolean {
  const m = /^\[?(.*?)\]?:\d+$/.exec(remoteAddress);
  const bytes = m ? addressBytes(m[1]) : null;
  if (bytes === null) return false;
  const peer = unmapped(bytes);
  return masks.some(({ bytes: net, bits }) => {
    if (net.byteLength !== peer.byteLength) return false;
    for (let bit = 0; bit < bits; bit += 8) {
      const left = Math.min(8, bits - bit);
      const mask = (0xff << (8 - left)) & 0xff;
      if ((net[bit >> 3] & mask) !== (peer[bit >> 3] & mask)) return false;
    }
    return true;
  });
}

/**
 * The option's check: one filter or a list of them (each as libzmq takes one), null for none.
 * Kept as the frozen list of filter strings.
 */
export function checkAcceptFilter(name: string, value: unknown): readonly string[] | null {
  if (value === null) return null;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((f) => typeof f === "string")) {
    throw new TypeError(`option ${name} must be a string, an array of strings, or null`);
  }
  for (const f of list) parseAcceptFilter(f, name);
  return list.length === 0 ? null : Object.freeze([...list]);
}

/**
 * Why a connection accepted on `endpoint` must be closed under the socket's `tcpAcceptFilter`
 * (libzmq's ZMQ_TCP_ACCEPT_FILTER, tcp only), or null when it may stay.
 *
 * @example
 * ```ts
 * acceptRefusal(["127.0.0.1"], "tcp://127.0.0.1:5555", "10.0.0.1:40000")?.code; // "EACCES"
 * ```
 */
export function acceptRefusal(filters: unknown, endpoint: string, remoteAddress: string): ZmqError | null {
  const list = filters as readonly string[] | null | undefined;
  if (!list || !endpoint.startsWith("tcp:")) return null;
  const masks = list.map((f) => parseAcceptFilter(f, "tcpAcceptFilter"));
  if (acceptedBy(masks, remoteAddress)) return null;
  return new ZmqError("EACCES", `${endpoint}: ${remoteAddress} is not in tcpAcceptFilter`, { address: endpoint });
}
