/**
 * Socket options as typed properties with validation: each option is an
 * accessor on the socket class's prototype, so `sock.linger = 0` and
 * `new Push({ linger: 0 })` go through the same check.
 *
 * @module
 */
import { keyText } from "./curve-keys.ts";
import { sharedRecord } from "./threads/shared-record.ts";

/**
 * How one option is checked and what it starts as. `unsupported` marks an option libzmq has and no
 * JavaScript runtime lets a program apply: it is accepted and read back, and setting it to anything
 * but its default reports, once per process, why it has no effect.
 */
export type OptionSpec =
  & (
    | { readonly kind: "int"; readonly default: number; readonly min: number; readonly max?: number }
    | { readonly kind: "bool"; readonly default: boolean }
    | {
      readonly kind: "bytes";
      readonly default: Uint8Array | null;
      readonly maxLength: number;
      readonly minLength?: number;
    }
    /** A CURVE key: 40 Z85 characters or 32 bytes, kept as Z85 text. */
    | { readonly kind: "key"; readonly default: null }
    /** Any other shape: `check` validates and normalises (throwing `TypeError`/`RangeError` naming the option). */
    | { readonly kind: "custom"; readonly default: unknown; readonly check: (name: string, value: unknown) => unknown }
  )
  & { readonly unsupported?: string };

const reported = new Set<string>();

/** The one report of an option that cannot take effect: a warning, once per option per process. */
function reportUnsupported(name: string, why: string): void {
  if (reported.has(name)) return;
  reported.add(name);
  console.warn(`omq: option ${name} is accepted but has no effect: ${why}`);
}

/** Checks a value, and reports an unsupported option set to anything but its default. */
function accept(name: string, spec: OptionSpec, value: unknown): unknown {
  const checked = checkOption(name, spec, value);
  if (spec.unsupported && checked !== spec.default) reportUnsupported(name, spec.unsupported);
  return checked;
}

const SPECS = new WeakMap<object, Map<string, OptionSpec>>();
const encoder = new TextEncoder();

/**
 * Where a socket or context keeps its option values: a symbol no user code holds, so the
 * values are reached through the typed properties only (and never autocompleted).
 */
const VALUES: unique symbol = Symbol("omq.options");

interface OptionHolder {
  [VALUES]: Record<string, unknown>;
}

/** Who hears of option changes on an object (a socket applies some to live connections). */
const watchers = new WeakMap<object, (name: string) => void>();

/** Calls `changed(name)` after each option of `target` is set (the one watcher of that object). */
export function watchOptions(target: object, changed: (name: string) => void): void {
  watchers.set(target, changed);
}

/** The option values of a socket or context, by name (for omq's own modules). */
export function optionValues(target: object): Record<string, unknown> {
  return (target as OptionHolder)[VALUES];
}

/**
 * Keeps `target`'s option values (numbers and booleans only) in a record every thread of the
 * process shares under `name`, starting from the values it has now: the default context's.
 */
export function shareOptions(target: object, name: string): void {
  const holder = target as OptionHolder;
  holder[VALUES] = sharedRecord(name, holder[VALUES] as Record<string, number | boolean>);
}

/** Installs validating accessors for `specs` on a class's prototype. */
export function defineOptions(cls: { prototype: object }, specs: Record<string, OptionSpec>): void {
  // Merged: a class may register options in more than one call (offerConflate adds one).
  const map = SPECS.get(cls.prototype) ?? new Map<string, OptionSpec>();
  SPECS.set(cls.prototype, map);
  for (const [name, spec] of Object.entries(specs)) {
    map.set(name, spec);
    Object.defineProperty(cls.prototype, name, {
      configurable: true,
      enumerable: true,
      get(this: OptionHolder) {
        return this[VALUES][name];
      },
      set(this: OptionHolder, value: unknown) {
        this[VALUES][name] = accept(name, spec, value);
        watchers.get(this)?.(name);
      },
    });
  }
}

/** Every option spec that applies to `target`, walking up its prototype chain. */
export function optionSpecsOf(target: object): Map<string, OptionSpec> {
  const all = new Map<string, OptionSpec>();
  const chain: Map<string, OptionSpec>[] = [];
  for (let p = Object.getPrototypeOf(target); p; p = Object.getPrototypeOf(p)) {
    const specs = SPECS.get(p);
    if (specs) chain.unshift(specs);
  }
  for (const specs of chain) for (const [k, v] of specs) all.set(k, v);
  return all;
}

/** Validates and normalises one value; throws `TypeError`/`RangeError` naming the option. */
export function checkOption(name: string, spec: OptionSpec, value: unknown): unknown {
  switch (spec.kind) {
    case "int": {
      if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new TypeError(`option ${name} must be an integer, got ${String(value)}`);
      }
      if (value < spec.min || (spec.max !== undefined && value > spec.max)) {
        throw new RangeError(`option ${name} must be between ${spec.min} and ${spec.max ?? "2^53"}, got ${value}`);
      }
      return value;
    }
    case "bool":
      if (typeof value !== "boolean") throw new TypeError(`option ${name} must be a boolean, got ${String(value)}`);
      return value;
    case "bytes": {
      if (value === null) return null;
      const bytes = typeof value === "string" ? encoder.encode(value) : value instanceof Uint8Array ? value : null;
      if (!bytes) throw new TypeError(`option ${name} must be a string or Uint8Array`);
      if (bytes.byteLength > spec.maxLength || bytes.byteLength < (spec.minLength ?? 0)) {
        throw new RangeError(
          `option ${name} must be ${spec.minLength ?? 0} to ${spec.maxLength} bytes, got ${bytes.byteLength}`,
        );
      }
      return bytes;
    }
    case "custom":
      return spec.check(name, value);
    case "key":
      if (value === null) return null;
      if (typeof value !== "string" && !(value instanceof Uint8Array)) {
        throw new TypeError(`option ${name} must be a Z85 string or a 32-byte Uint8Array`);
      }
      return keyText(value, `option ${name}`);
  }
}

/**
 * Gives `target` the starting values of all its options, overridden by `given` (validated),
 * and returns them.
 */
export function initialOptions(target: object, given: Record<string, unknown> | undefined): Record<string, unknown> {
  const specs = optionSpecsOf(target);
  const values: Record<string, unknown> = {};
  for (const [name, spec] of specs) values[name] = spec.default;
  if (given) {
    for (const [name, value] of Object.entries(given)) {
      const spec = specs.get(name);
      if (!spec) throw new TypeError(`unknown option "${name}" for ${target.constructor.name}`);
      values[name] = accept(name, spec, value);
    }
  }
  (target as OptionHolder)[VALUES] = values;
  return values;
}
