/**
 * PGM packets (RFC 3208 §8) in OpenPGM's layout, as they travel in UDP
 * datagrams for epgm://: decoding any datagram into a typed packet (or a
 * reason to drop it), and encoding SPM, ODATA/RDATA, NAK/NCF and SPMR.
 *
 * Every packet starts with the same 16-byte header: source port, destination
 * port, type, options flags, checksum, GSI, TSDU length. Downstream packets
 * (SPM, data, NCF) carry the source's port as source port and the
 * data-destination port (the endpoint's) as destination; upstream packets
 * (NAK, SPMR) swap them and carry the source's GSI.
 *
 * @module
 */
import { pgmChecksum, writeChecksum } from "./checksum.ts";
import {
  DATA_HEADER_SIZE,
  FRAGMENT_OPTIONS_SIZE,
  HEADER_SIZE,
  HeaderFlag,
  MAX_NAK_SEQUENCES,
  OPT_FRAGMENT_BODY,
  OptionType,
  PacketType,
} from "./constants.ts";
import { nlaSize, readNla, writeNla } from "./nla.ts";
import { type FragmentOption, oneOptionSize, readOptions, writeOneOption } from "./options.ts";

export type { FragmentOption } from "./options.ts";

/** Fields every packet has. */
export interface PacketHeader {
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** The header's options byte (HeaderFlag bits). */
  readonly flags: number;
  /** The 6-byte GSI (a view into the datagram). */
  readonly gsi: Uint8Array;
}

/** A source path message: the source's window edges and its address for NAKs. */
export interface SpmPacket extends PacketHeader {
  readonly kind: "spm";
  readonly sqn: number;
  readonly trail: number;
  readonly lead: number;
  /** Where NAKs go (the source's interface address). */
  readonly nla: string;
  /** OPT_FIN: the source closed its session. */
  readonly fin: boolean;
}

/** ODATA or RDATA. */
export interface DataPacket extends PacketHeader {
  readonly kind: "data";
  /** RDATA (a repair) rather than ODATA. */
  readonly repair: boolean;
  readonly sqn: number;
  /** The oldest sequence number the source can still repair. */
  readonly trail: number;
  /** Set when the APDU spans several TPDUs. */
  readonly fragment: FragmentOption | null;
  /** The TSDU (a view into the datagram). */
  readonly payload: Uint8Array;
}

/** NAK, N-NAK or NCF: sequence numbers and the source and group they concern. */
export interface NakPacket extends PacketHeader {
  readonly kind: "nak" | "nnak" | "ncf";
  /** The header's sequence number, then those of OPT_NAK_LIST. */
  readonly sequences: number[];
  readonly sourceNla: string;
  readonly groupNla: string;
}

/** A request for an SPM (a receiver that has not heard one yet). */
export interface SpmrPacket extends PacketHeader {
  readonly kind: "spmr";
}

/** Any packet omq handles. */
export type PgmPacket = SpmPacket | DataPacket | NakPacket | SpmrPacket;

/** A datagram that is not a packet omq handles, and why. */
export interface PacketError {
  readonly kind: "error";
  readonly reason: string;
}

const readU16 = (b: Uint8Array, at: number): number => (b[at] << 8) | b[at + 1];
const readU32 = (b: Uint8Array, at: number): number =>
  ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;

function writeU16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v & 0xff;
}

function writeU32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

const error = (reason: string): PacketError => ({ kind: "error", reason });

/**
 * Decodes one datagram. Never throws: anything malformed, truncated, failing its checksum or of
 * a type omq does not take (POLL, POLR, ACK, parity) comes back as a `PacketError`.
 *
 * @example
 * ```ts
 * const packet = decodePacket(datagram);
 * if (packet.kind === "data") console.log(packet.sqn, packet.payload.length);
 * ```
 */
export function decodePacket(bytes: Uint8Array): PgmPacket | PacketError {
  if (bytes.length < HEADER_SIZE) return error("shorter than a PGM header");
  const type = bytes[4];
  const flags = bytes[5];
  const checksum = readU16(bytes, 6);
  if (checksum !== 0) {
    if (pgmChecksum(bytes) !== checksum) return error("checksum mismatch");
  } else if (type === PacketType.ODATA || type === PacketType.RDATA) {
    return error("data packet without a checksum");
  }
  const header = {
    sourcePort: readU16(bytes, 0),
    destinationPort: readU16(bytes, 2),
    flags,
    gsi: bytes.subarray(8, 14),
  };
  const hasOptions = (flags & HeaderFlag.PRESENT) !== 0;
  switch (type) {
    case PacketType.SPM: {
      if (bytes.length < HEADER_SIZE + 12) return error("SPM truncated");
      const nla = readNla(bytes, HEADER_SIZE + 12);
      if (nla === null) return error("SPM with a bad NLA");
      let fin = false;
      if (hasOptions) {
        const options = readOptions(bytes, nla.end);
        if (typeof options === "string") return error(`SPM: ${options}`);
        fin = options.fin;
      }
      return {
        kind: "spm",
        ...header,
        sqn: readU32(bytes, HEADER_SIZE),
        trail: readU32(bytes, HEADER_SIZE + 4),
        lead: readU32(bytes, HEADER_SIZE + 8),
        nla: nla.address,
        fin,
      };
    }
    case PacketType.ODATA:
    case PacketType.RDATA: {
      if ((flags & HeaderFlag.PARITY) !== 0) return error("parity data, which omq does not decode");
      let at = HEADER_SIZE + DATA_HEADER_SIZE;
      if (bytes.length < at) return error("data packet truncated");
      let fragment: FragmentOption | null = null;
      if (hasOptions) {
        const options = readOptions(bytes, at);
        if (typeof options === "string") return error(`data: ${options}`);
        fragment = options.fragment;
        at = options.end;
      }
      const payload = bytes.subarray(at);
      if (payload.length !== readU16(bytes, 14)) return error("TSDU length does not match the packet");
      return {
        kind: "data",
        ...header,
        repair: type === PacketType.RDATA,
        sqn: readU32(bytes, HEADER_SIZE),
        trail: readU32(bytes, HEADER_SIZE + 4),
        fragment,
        payload,
      };
    }
    case PacketType.NAK:
    case PacketType.NNAK:
    case PacketType.NCF: {
      if ((flags & HeaderFlag.PARITY) !== 0) return error("parity NAK, which omq does not serve");
      if (bytes.length < HEADER_SIZE + 4) return error("NAK truncated");
      const source = readNla(bytes, HEADER_SIZE + 4);
      const group = source && readNla(bytes, source.end);
      if (!source || !group) return error("NAK with a bad NLA");
      const sequences = [readU32(bytes, HEADER_SIZE)];
      if (hasOptions) {
        const options = readOptions(bytes, group.end);
        if (typeof options === "string") return error(`NAK: ${options}`);
        if (options.nakList) sequences.push(...options.nakList);
      }
      const kind = type === PacketType.NAK ? "nak" : type === PacketType.NNAK ? "nnak" : "ncf";
      return { kind, ...header, sequences, sourceNla: source.address, groupNla: group.address };
    }
    case PacketType.SPMR:
      return { kind: "spmr", ...header };
    default:
      return error(`unsupported packet type 0x${type.toString(16)}`);
  }
}

/** The header fields an encoder writes. */
export interface HeaderFields {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly gsi: Uint8Array;
}

function writeHeader(out: Uint8Array, fields: HeaderFields, type: number, flags: number, tsduLength: number): void {
  writeU16(out, 0, fields.sourcePort);
  writeU16(out, 2, fields.destinationPort);
  out[4] = type;
  out[5] = flags;
  out[6] = 0;
  out[7] = 0;
  out.set(fields.gsi.subarray(0, 6), 8);
  writeU16(out, 14, tsduLength);
}

/** What an SPM says. */
export interface SpmFields extends HeaderFields {
  readonly sqn: number;
  readonly trail: number;
  readonly lead: number;
  readonly nla: string;
  readonly fin?: boolean;
}

/**
 * An SPM (with OPT_FIN when the session ends), checksummed.
 *
 * @example
 * ```ts
 * encodeSpm({ gsi, sourcePort: 4321, destinationPort: 5555, sqn: 0, trail: 0, lead: 0xffffffff, nla: "192.0.2.1" });
 * ```
 */
export function encodeSpm(fields: SpmFields): Uint8Array {
  const fixed = HEADER_SIZE + 12 + nlaSize(fields.nla);
  const out = new Uint8Array(fixed + (fields.fin ? oneOptionSize(1) : 0));
  writeHeader(out, fields, PacketType.SPM, fields.fin ? HeaderFlag.PRESENT : 0, 0);
  writeU32(out, HEADER_SIZE, fields.sqn);
  writeU32(out, HEADER_SIZE + 4, fields.trail);
  writeU32(out, HEADER_SIZE + 8, fields.lead);
  writeNla(out, HEADER_SIZE + 12, fields.nla);
  if (fields.fin) out[writeOneOption(out, fixed, OptionType.FIN, 1)] = 0;
  writeChecksum(out);
  return out;
}

/** Where the TSDU of an ODATA or RDATA without options starts. */
export const DATA_OFFSET: number = HEADER_SIZE + DATA_HEADER_SIZE;

/** What a data packet says besides its payload. */
export interface DataFields extends HeaderFields {
  readonly sqn: number;
  readonly trail: number;
  readonly repair?: boolean;
  readonly fragment?: FragmentOption;
}

/**
 * Fills in the header of an ODATA (or RDATA) whose TSDU the caller already wrote at
 * `DATA_OFFSET` of `packet` (the whole buffer is the packet), and checksums it. Building the
 * payload in place saves a copy per packet.
 *
 * @example
 * ```ts
 * const packet = new Uint8Array(DATA_OFFSET + tsdu.length);
 * packet.set(tsdu, DATA_OFFSET);
 * sealData(packet, { gsi, sourcePort, destinationPort, sqn: 0, trail: 0 });
 * ```
 */
export function sealData(packet: Uint8Array, fields: DataFields): Uint8Array {
  writeHeader(packet, fields, fields.repair ? PacketType.RDATA : PacketType.ODATA, 0, packet.length - DATA_OFFSET);
  writeU32(packet, HEADER_SIZE, fields.sqn);
  writeU32(packet, HEADER_SIZE + 4, fields.trail);
  writeChecksum(packet);
  return packet;
}

/**
 * An ODATA or RDATA carrying `payload` (copied), with OPT_FRAGMENT when `fields.fragment` is set.
 *
 * @example
 * ```ts
 * encodeData({ gsi, sourcePort, destinationPort, sqn: 7, trail: 0 }, new Uint8Array([0, 0, 2, 0, 104]));
 * ```
 */
export function encodeData(fields: DataFields, payload: Uint8Array): Uint8Array {
  const options = fields.fragment ? FRAGMENT_OPTIONS_SIZE : 0;
  const out = new Uint8Array(DATA_OFFSET + options + payload.length);
  writeHeader(
    out,
    fields,
    fields.repair ? PacketType.RDATA : PacketType.ODATA,
    fields.fragment ? HeaderFlag.PRESENT : 0,
    payload.length,
  );
  writeU32(out, HEADER_SIZE, fields.sqn);
  writeU32(out, HEADER_SIZE + 4, fields.trail);
  if (fields.fragment) {
    const body = writeOneOption(out, DATA_OFFSET, OptionType.FRAGMENT, OPT_FRAGMENT_BODY);
    out[body] = 0;
    writeU32(out, body + 1, fields.fragment.first);
    writeU32(out, body + 5, fields.fragment.offset);
    writeU32(out, body + 9, fields.fragment.length);
  }
  out.set(payload, DATA_OFFSET + options);
  writeChecksum(out);
  return out;
}

/**
 * A copy of an ODATA packet made into an RDATA with the current `trail`, checksummed: what a
 * source sends to repair it (OpenPGM's send_rdata).
 */
export function toRepair(odata: Uint8Array, trail: number): Uint8Array {
  const out = odata.slice();
  out[4] = PacketType.RDATA;
  writeU32(out, HEADER_SIZE + 4, trail);
  writeChecksum(out);
  return out;
}

/** What a NAK, N-NAK or NCF says. */
export interface NakFields extends HeaderFields {
  readonly kind: "nak" | "nnak" | "ncf";
  /** 1 to 63 sequence numbers: the first in the header, the rest in OPT_NAK_LIST. */
  readonly sequences: readonly number[];
  readonly sourceNla: string;
  readonly groupNla: string;
}

/**
 * A NAK, N-NAK or NCF. A receiver sends a NAK upstream with the source's GSI, its own
 * data-destination port as source port and the source's port as destination; a source
 * confirms with an NCF downstream.
 *
 * @example
 * ```ts
 * encodeNak({ kind: "nak", gsi, sourcePort: 5555, destinationPort: 4321, sequences: [3, 4], sourceNla: "192.0.2.1", groupNla: "239.192.1.1" });
 * ```
 */
export function encodeNak(fields: NakFields): Uint8Array {
  const n = fields.sequences.length;
  if (n < 1 || n > MAX_NAK_SEQUENCES) throw new RangeError(`a NAK carries 1 to 63 sequence numbers, not ${n}`);
  const fixed = HEADER_SIZE + 4 + nlaSize(fields.sourceNla) + nlaSize(fields.groupNla);
  const list = n > 1 ? oneOptionSize(1 + 4 * (n - 1)) : 0;
  const out = new Uint8Array(fixed + list);
  const type = fields.kind === "nak" ? PacketType.NAK : fields.kind === "nnak" ? PacketType.NNAK : PacketType.NCF;
  // OPT_NAK_LIST is network-significant (OpenPGM sets OPT_NETWORK with it).
  writeHeader(out, fields, type, n > 1 ? HeaderFlag.PRESENT | HeaderFlag.NETWORK : 0, 0);
  writeU32(out, HEADER_SIZE, fields.sequences[0]);
  writeNla(out, writeNla(out, HEADER_SIZE + 4, fields.sourceNla), fields.groupNla);
  if (n > 1) {
    const body = writeOneOption(out, fixed, OptionType.NAK_LIST, 1 + 4 * (n - 1));
    out[body] = 0;
    for (let i = 1; i < n; i++) writeU32(out, body + 1 + 4 * (i - 1), fields.sequences[i]);
  }
  writeChecksum(out);
  return out;
}

/**
 * An SPM request: the header alone, sent upstream (ports swapped, the source's GSI).
 *
 * @example
 * ```ts
 * encodeSpmr({ gsi: source.gsi, sourcePort: 5555, destinationPort: source.sourcePort });
 * ```
 */
export function encodeSpmr(fields: HeaderFields): Uint8Array {
  const out = new Uint8Array(HEADER_SIZE);
  writeHeader(out, fields, PacketType.SPMR, 0, 0);
  writeChecksum(out);
  return out;
}
