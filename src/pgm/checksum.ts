/**
 * The PGM checksum (RFC 3208 §8): the Internet one's-complement sum over the
 * whole PGM packet (header, options, payload), with no pseudo-header. OpenPGM
 * folds it so that it is never 0 (0 in the header means "no checksum", which
 * ODATA and RDATA may not use): a sum that folds to 0xffff is sent as 0xffff.
 *
 * @module
 */

/** Where the checksum sits in the PGM header. */
export const CHECKSUM_OFFSET = 6;

/**
 * The checksum of `packet` as OpenPGM computes it, with the checksum field read as zero.
 *
 * @example
 * ```ts
 * const packet = encodeSpmr({ gsi, sourcePort: 7500, destinationPort: 4321 });
 * pgmChecksum(packet) === ((packet[6] << 8) | packet[7]); // true
 * ```
 */
export function pgmChecksum(packet: Uint8Array): number {
  const n = packet.length;
  let sum = 0;
  let i = 0;
  // Big-endian 16-bit words; the sum of a few thousand words stays well below 2^53.
  for (; i + 1 < n; i += 2) {
    if (i !== CHECKSUM_OFFSET) sum += (packet[i] << 8) | packet[i + 1];
  }
  if (i < n) sum += packet[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  // pgm_csum_fold: a folded 0xffff stays 0xffff, so the result is never the "none" value 0.
  return sum === 0xffff ? 0xffff : ~sum & 0xffff;
}

/** Writes the checksum of `packet` into its header. */
export function writeChecksum(packet: Uint8Array): void {
  const sum = pgmChecksum(packet);
  packet[CHECKSUM_OFFSET] = sum >>> 8;
  packet[CHECKSUM_OFFSET + 1] = sum & 0xff;
}
