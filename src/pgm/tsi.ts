/**
 * The transport session identifier (RFC 3208 §8.1): a source's 6-byte global
 * source id (GSI) and its source port. Every packet of a session carries it;
 * a receiver keeps one receive window per TSI.
 *
 * @module
 */

/** A GSI and source port. */
export interface Tsi {
  readonly gsi: Uint8Array;
  readonly sourcePort: number;
}

/**
 * A string naming the session, for maps and messages: the GSI bytes and the port, dotted as
 * OpenPGM prints a TSI.
 *
 * @example
 * ```ts
 * tsiKey(new Uint8Array([1, 2, 3, 4, 5, 6]), 7500); // "1.2.3.4.5.6.7500"
 * ```
 */
export function tsiKey(gsi: Uint8Array, sourcePort: number): string {
  return `${gsi[0]}.${gsi[1]}.${gsi[2]}.${gsi[3]}.${gsi[4]}.${gsi[5]}.${sourcePort}`;
}

/** Whether two 6-byte GSIs are the same. */
export function sameGsi(a: Uint8Array, b: Uint8Array): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] && a[4] === b[4] && a[5] === b[5];
}

/** A random GSI (libzmq makes one from random bytes too). */
export function randomGsi(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(6));
}

/** A random source port other than `not` (the data-destination port), as OpenPGM picks one. */
export function randomSourcePort(not: number): number {
  const v = new Uint16Array(1);
  do crypto.getRandomValues(v); while (v[0] === not || v[0] === 0);
  return v[0];
}
