/**
 * Group names as RADIO and DISH take them from the application: a string
 * (UTF-8) or bytes, at most libzmq's ZMQ_GROUP_MAX_LENGTH bytes (EINVAL
 * beyond, as `zmq_join` and a RADIO's send).
 *
 * @module
 */
import { ZmqError } from "../errors.ts";
import { toFrame } from "../message.ts";
import { MAX_GROUP_LENGTH } from "../zmtp/group.ts";

/** A group as given to `Radio.send`, `Dish.join` and `Dish.leave`: UTF-8 text or bytes. */
export type GroupLike = string | Uint8Array;

/**
 * The bytes of a group, checked: EINVAL when it is missing or longer than 255 bytes.
 *
 * @example
 * ```ts
 * toGroup("weather", "Dish.join"); // the 7 bytes of "weather"
 * ```
 */
export function toGroup(group: GroupLike | undefined, what: string): Uint8Array {
  if (typeof group !== "string" && !(group instanceof Uint8Array)) {
    throw new ZmqError("EINVAL", `${what}: a group is a string or a Uint8Array, not ${typeof group}`);
  }
  const bytes = toFrame(group);
  if (bytes.byteLength > MAX_GROUP_LENGTH) {
    throw new ZmqError("EINVAL", `${what}: group of ${bytes.byteLength} bytes is longer than ${MAX_GROUP_LENGTH}`);
  }
  return bytes;
}
