/**
 * PGM wire constants (RFC 3208 §8, §9) with OpenPGM's names in the comments.
 *
 * @module
 */

/** Packet types (`pgm_type`). */
export const PacketType = {
  SPM: 0x00,
  POLL: 0x01,
  POLR: 0x02,
  ODATA: 0x04,
  RDATA: 0x05,
  NAK: 0x08,
  NNAK: 0x09,
  NCF: 0x0a,
  SPMR: 0x0c,
  ACK: 0x0d,
} as const;

/** Bits of the header's options byte (`pgm_options`). */
export const HeaderFlag = {
  /** PGM_OPT_PRESENT: option extensions follow the type-specific header. */
  PRESENT: 0x01,
  /** PGM_OPT_NETWORK: network elements must read the options. */
  NETWORK: 0x02,
  /** PGM_OPT_VAR_PKTLEN: variable-length parity packets. */
  VAR_PKTLEN: 0x40,
  /** PGM_OPT_PARITY: a parity (FEC) packet. */
  PARITY: 0x80,
} as const;

/** Option types (`opt_type` without the end bit). */
export const OptionType = {
  LENGTH: 0x00,
  FRAGMENT: 0x01,
  NAK_LIST: 0x02,
  JOIN: 0x03,
  PARITY_PRM: 0x08,
  SYN: 0x0d,
  FIN: 0x0e,
  RST: 0x0f,
} as const;

/** Set on the last option of a packet. */
export const OPTION_END = 0x80;
/** The option type without the end bit. */
export const OPTION_MASK = 0x7f;

/** Address family indicators of NLAs (RFC 1700). */
export const AFI_IP = 1;
export const AFI_IP6 = 2;

/** The PGM header: ports, type, options, checksum, GSI, TSDU length. */
export const HEADER_SIZE = 16;
/** ODATA/RDATA after the header: sequence number and trailing edge. */
export const DATA_HEADER_SIZE = 8;
/** OPT_LENGTH: type, length, total length of all options. */
export const OPT_LENGTH_SIZE = 4;
/** An option header: type, length, reserved/OPX bits. */
export const OPT_HEADER_SIZE = 3;
/** OPT_FRAGMENT's body: reserved, first sequence number, offset, APDU length. */
export const OPT_FRAGMENT_BODY = 13;
/** All of OPT_LENGTH and OPT_FRAGMENT, as OpenPGM sends them on every fragment. */
export const FRAGMENT_OPTIONS_SIZE: number = OPT_LENGTH_SIZE + OPT_HEADER_SIZE + OPT_FRAGMENT_BODY;
/** Sequence numbers one NAK or NCF may carry: one in the header, 62 in OPT_NAK_LIST. */
export const MAX_NAK_SEQUENCES = 63;
/** IPv4 and UDP headers, which the rate limit counts as OpenPGM does. */
export const IP_UDP_OVERHEAD = 28;
/** OpenPGM's limit on an APDU (PGM_MAX_APDU, a guard against denial of service). */
export const MAX_APDU = 0xffff;
/** OpenPGM's limit on the fragments of one APDU (PGM_MAX_FRAGMENTS). */
export const MAX_FRAGMENTS = 16;
/** RFC 3208 §9: at most 16 options per packet. */
export const MAX_OPTIONS = 16;
