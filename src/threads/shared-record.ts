/**
 * A record of numbers and booleans that every thread of the process reads and
 * writes alike: the default context's option values, one set per process as
 * libzmq's context is (a worker reads what the main thread set). The values
 * live in a block of shared memory from the threads adapter; where the runtime
 * shares none, the record is this thread's alone.
 *
 * @module
 */
import { threads } from "#omq/runtime";

/** Slot 0 says the block was filled; the values follow, one float each, in the key order of `initial`. */
const FILLED = 0;

/**
 * A record with the keys and starting values of `initial`, shared process-wide under `name`:
 * the first thread fills it, the threads started after it see its values and changes.
 *
 * @example
 * ```ts
 * const defaults = sharedRecord("omq.example", { linger: -1, verbose: false });
 * defaults.linger = 0; // every thread of the process now reads 0
 * ```
 */
export function sharedRecord<R extends Record<string, number | boolean>>(name: string, initial: R): R {
  const keys = Object.keys(initial);
  for (const key of keys) {
    const kind = typeof initial[key];
    if (kind !== "number" && kind !== "boolean") {
      throw new TypeError(`${name}.${key}: only numbers and booleans are shared`);
    }
  }
  const byteLength = (keys.length + 1) * Float64Array.BYTES_PER_ELEMENT;
  const slots = new Float64Array(threads.processShared?.(name, byteLength) ?? new ArrayBuffer(byteLength));
  if (slots[FILLED] === 0) {
    keys.forEach((key, i) => slots[i + 1] = Number(initial[key]));
    slots[FILLED] = 1;
  }
  const record = {} as R;
  keys.forEach((key, i) => {
    const boolean = typeof initial[key] === "boolean";
    Object.defineProperty(record, key, {
      enumerable: true,
      get: () => boolean ? slots[i + 1] !== 0 : slots[i + 1],
      set: (value: number | boolean) => slots[i + 1] = Number(value),
    });
  });
  return record;
}
