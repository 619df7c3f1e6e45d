/**
 * Network layer addresses as PGM carries them (an AFI, two reserved bytes,
 * then 4 or 16 address bytes): the path NLA of an SPM, the source and group
 * NLAs of a NAK or NCF. Addresses are text in the API ("192.0.2.1", "ff08::1").
 *
 * @module
 */
import { AFI_IP, AFI_IP6 } from "./constants.ts";

/** Bytes an NLA takes on the wire for `address`: AFI, reserved, address. */
export function nlaSize(address: string): number {
  return address.includes(":") ? 20 : 8;
}

/**
 * Writes `address` as an NLA at `offset`; returns the offset after it.
 *
 * @example
 * ```ts
 * const out = new Uint8Array(8);
 * writeNla(out, 0, "239.192.1.1"); // 8; out is [0, 1, 0, 0, 239, 192, 1, 1]
 * ```
 */
export function writeNla(out: Uint8Array, offset: number, address: string): number {
  if (address.includes(":")) {
    out[offset] = 0;
    out[offset + 1] = AFI_IP6;
    out[offset + 2] = 0;
    out[offset + 3] = 0;
    out.set(parseIpv6(address), offset + 4);
    return offset + 20;
  }
  out[offset] = 0;
  out[offset + 1] = AFI_IP;
  out[offset + 2] = 0;
  out[offset + 3] = 0;
  const parts = parseIpv4(address);
  for (let i = 0; i < 4; i++) out[offset + 4 + i] = parts[i];
  return offset + 8;
}

/** An NLA read from a packet: its text and where the packet continues. */
export interface ReadNla {
  readonly address: string;
  readonly end: number;
}

/** Reads an NLA at `offset`, or returns null for an unknown AFI or too few bytes. */
export function readNla(bytes: Uint8Array, offset: number): ReadNla | null {
  if (offset + 8 > bytes.length) return null;
  const afi = (bytes[offset] << 8) | bytes[offset + 1];
  const at = offset + 4;
  if (afi === AFI_IP) {
    return { address: `${bytes[at]}.${bytes[at + 1]}.${bytes[at + 2]}.${bytes[at + 3]}`, end: at + 4 };
  }
  if (afi === AFI_IP6 && at + 16 <= bytes.length) {
    return { address: formatIpv6(bytes.subarray(at, at + 16)), end: at + 16 };
  }
  return null;
}

/** The four bytes of a dotted IPv4 address; throws on anything else. */
export function parseIpv4(address: string): number[] {
  const parts = address.split(".");
  if (parts.length !== 4) throw new TypeError(`not an IPv4 address: ${address}`);
  return parts.map((p) => {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new TypeError(`not an IPv4 address: ${address}`);
    return Number(p);
  });
}

/** The sixteen bytes of an IPv6 address (with `::`, an embedded IPv4 tail, no zone); throws on anything else. */
export function parseIpv6(address: string): Uint8Array {
  const bad = () => new TypeError(`not an IPv6 address: ${address}`);
  const text = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const halves = text.split("::");
  if (halves.length > 2) throw bad();
  const words = (part: string): number[] => {
    if (part === "") return [];
    const out: number[] = [];
    for (const w of part.split(":")) {
      if (w.includes(".")) {
        const [a, b, c, d] = parseIpv4(w);
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(w)) throw bad();
        out.push(parseInt(w, 16));
      }
    }
    return out;
  };
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) throw bad();
  const all = [...head, ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = all[i] >>> 8;
    out[2 * i + 1] = all[i] & 0xff;
  }
  return out;
}

/** The shortest text of sixteen IPv6 address bytes (RFC 5952: the longest zero run becomes `::`). */
export function formatIpv6(bytes: Uint8Array): string {
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2) words.push((bytes[i] << 8) | bytes[i + 1]);
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (ws: number[]) => ws.map((w) => w.toString(16)).join(":");
  if (best < 0) return hex(words);
  return `${hex(words.slice(0, best))}::${hex(words.slice(best + bestLength))}`;
}
