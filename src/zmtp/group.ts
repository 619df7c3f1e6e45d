/**
 * RADIO/DISH groups (RFC 48): a group is 0 to `MAX_GROUP_LENGTH` bytes. A
 * DISH's join or leave travels inside omq as one message `[0x01|0x00,
 * ...group]`, the shape subscriptions have; the ZMTP engine turns it into a
 * JOIN/LEAVE command and back, so inproc links carry it unchanged.
 *
 * @module
 */

/** libzmq 4.3's ZMQ_GROUP_MAX_LENGTH: a longer group is refused with EINVAL (RFC 48 allows 255). */
export const MAX_GROUP_LENGTH = 255;

/**
 * The message a DISH queues to join (`join` true) or leave a group.
 *
 * @example
 * ```ts
 * membership(new TextEncoder().encode("news"), true); // [1, 110, 101, 119, 115]
 * ```
 */
export function membership(group: Uint8Array, join: boolean): Uint8Array {
  const message = new Uint8Array(1 + group.byteLength);
  message[0] = join ? 1 : 0;
  message.set(group, 1);
  return message;
}

/**
 * A group as a Map key: its bytes from `from` on as a Latin-1 string (groups are bytes,
 * not text, and at most 255 of them).
 *
 * @example
 * ```ts
 * groupKey(new Uint8Array([1, 0x61]), 1); // "a": the group of a join message
 * ```
 */
export function groupKey(bytes: Uint8Array, from = 0): string {
  let key = "";
  for (let i = from; i < bytes.byteLength; i++) key += String.fromCharCode(bytes[i]);
  return key;
}
