/**
 * The mechanics of zeromq.js's options on sockets and contexts: a property per
 * option on the class's prototype, the typed accessors by libzmq number
 * (`getInt32Option(19)` is `backlog`), and constructor options assigned one by
 * one with zeromq.js's errors for an unknown, read-only or ill-typed option.
 * Each host (a socket or a context) says where an option's value lives: in
 * the omq object behind it, or in its own store for options omq lacks.
 *
 * @module
 */
import { errnoError, translate } from "./errors.ts";
import { asKind, checkKind, type OptionDef, type OptionKind } from "./options.ts";

/** Where a host keeps its option values, and what it does after a change. */
export interface OptionHost {
  /** The object holding `def`'s value under `def.name`. */
  target(def: OptionDef): Record<string, unknown>;
  /** Called after each successful write (a socket warns when the option only applies to later connections). */
  changed(def: OptionDef, value: unknown): void;
}

const hosts = new WeakMap<object, OptionHost>();

/** Registers how `object` keeps its options (socket and context constructors call it first). */
export function registerOptionHost(object: object, host: OptionHost): void {
  hosts.set(object, host);
}

function hostOf(object: object): OptionHost {
  const host = hosts.get(object);
  if (!host) throw new TypeError("Illegal invocation");
  return host;
}

/** Reads an option as zeromq.js's accessor of `kind` returns it. */
export function readOption(object: object, def: OptionDef, kind: OptionKind = def.kind): unknown {
  const value = asKind(def.kind, hostOf(object).target(def)[def.name]);
  if (kind === def.kind) return value;
  if (kind === "Bool") return Boolean(value);
  if (kind === "String") return value === null ? null : String(value);
  return typeof value === "boolean" ? Number(value) : value;
}

/** Writes an option after zeromq.js's type check; omq's own checks failing are libzmq's EINVAL. */
export function writeOption(object: object, def: OptionDef, value: unknown, kind: OptionKind = def.kind): void {
  checkKind(kind, value);
  const host = hostOf(object);
  let converted = value;
  if (def.kind === "Bool" && typeof value === "number") converted = value !== 0;
  else if (def.kind !== "Bool" && def.kind !== "String" && typeof value === "boolean") converted = Number(value);
  try {
    host.target(def)[def.name] = converted;
  } catch (err) {
    throw translate(err instanceof TypeError ? new RangeError(err.message) : err);
  }
  host.changed(def, converted);
}

/** The error for a read-only option, in the words V8 uses for zeromq.js's native accessors. */
function readOnly(name: string, typeName: string): TypeError {
  return new TypeError(`Cannot set property ${name} of #<${typeName}> which has only a getter`);
}

/**
 * Installs a property per option of `table` on `cls.prototype` (those `include` keeps), as
 * zeromq.js's `defineOpt`. A read-only one throws zeromq.js's TypeError when assigned; a
 * number with `names` reads as the name at that index (ZMQ_MECHANISM as "plain", ...).
 */
export function defineOptionAccessors(
  cls: { prototype: object },
  table: readonly OptionDef[],
  typeName: string,
  include: (def: OptionDef) => boolean = () => true,
  names: Record<string, readonly unknown[]> = {},
): void {
  for (const def of table) {
    if (!include(def) || def.name in cls.prototype) continue;
    const named = names[def.name];
    Object.defineProperty(cls.prototype, def.name, {
      configurable: true,
      enumerable: true,
      get(this: object) {
        // zeromq.js defines no getter for a write-only option.
        if (!def.read) return undefined;
        const value = readOption(this, def);
        return named ? named[value as number] : value;
      },
      set(this: object, value: unknown) {
        if (!def.write) throw readOnly(def.name, typeName);
        writeOption(this, def, value);
      },
    });
  }
}

/**
 * Sets constructor options one by one, as zeromq.js's native constructors do after sealing
 * the object: an unknown name and a read-only option throw the TypeErrors V8 throws there.
 */
export function assignOptions(object: object, options: object, typeName: string): void {
  for (const [name, value] of Object.entries(options)) {
    if (name === "context") continue;
    let descriptor: PropertyDescriptor | undefined;
    for (let p = Object.getPrototypeOf(object); p && !descriptor; p = Object.getPrototypeOf(p)) {
      descriptor = Object.getOwnPropertyDescriptor(p, name);
    }
    if (!descriptor) throw new TypeError(`Cannot add property ${name}, object is not extensible`);
    if (!descriptor.set) throw readOnly(name, typeName);
    (object as Record<string, unknown>)[name] = value;
  }
}

/** The option `id` names in `table` for reading or writing; libzmq's EINVAL for none. */
export function optionByNumber(table: readonly OptionDef[], id: unknown, read: boolean): OptionDef {
  if (typeof id !== "number") throw new TypeError("Identifier must be a number");
  const def = table.find((o) => o.id === id && (read ? o.read : o.write));
  if (!def) throw errnoError("EINVAL");
  return def;
}
