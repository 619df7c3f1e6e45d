/**
 * Routing ids for peers that did not announce one: 5 bytes, a zero then a
 * 32-bit counter starting at a random value, as libzmq generates them (a
 * leading zero byte is reserved for generated ids).
 *
 * @module
 */

/** Makes the generated routing ids of one socket. */
export class RoutingIds {
  #next = (Math.random() * 0x1_0000_0000) >>> 0;

  /** The next generated id. */
  generate(): Uint8Array {
    const id = new Uint8Array(5);
    new DataView(id.buffer).setUint32(1, this.#next);
    this.#next = (this.#next + 1) >>> 0;
    return id;
  }
}

/** A Map key for an id (ids are at most 255 bytes). */
export function idKey(id: Uint8Array): string {
  return String.fromCharCode.apply(null, id as unknown as number[]);
}
