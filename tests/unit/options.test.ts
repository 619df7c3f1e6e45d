// Option definitions (src/options.ts): each kind's check, ranges, errors that name the option, and
// accessors that validate and inherit along the class chain.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkOption, defineOptions, initialOptions, type OptionSpec, optionSpecsOf } from "../../src/options.ts";
import { curveKeyPair } from "../../src/curve-keys.ts";

const int: OptionSpec = { kind: "int", default: 0, min: -1, max: 10 };
const unboundedInt: OptionSpec = { kind: "int", default: 0, min: 0 };
const bool: OptionSpec = { kind: "bool", default: false };
const bytesSpec: OptionSpec = { kind: "bytes", default: null, maxLength: 4, minLength: 1 };
const key: OptionSpec = { kind: "key", default: null };

/** Asserts `fn` throws `type` with a message naming `option` (and `also`, when given). */
function throwsNaming(fn: () => unknown, type: typeof TypeError | typeof RangeError, option: string, also?: RegExp) {
  assert.throws(fn, (err: Error) => {
    assert.equal(err.constructor, type);
    assert.match(err.message, new RegExp(`\\b${option}\\b`));
    if (also) assert.match(err.message, also);
    return true;
  });
}

test("int: integers within [min, max] pass unchanged, both bounds included", () => {
  assert.equal(checkOption("linger", int, -1), -1);
  assert.equal(checkOption("linger", int, 10), 10);
  assert.equal(checkOption("hwm", unboundedInt, Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
});

test("int: out of range is a RangeError naming the option, its range and the value", () => {
  throwsNaming(() => checkOption("linger", int, -2), RangeError, "linger", /between -1 and 10, got -2/);
  throwsNaming(() => checkOption("linger", int, 11), RangeError, "linger", /got 11/);
  throwsNaming(() => checkOption("hwm", unboundedInt, -1), RangeError, "hwm", /between 0 and 2\^53/);
});

test("int: a non-integer is a TypeError naming the option", () => {
  for (const bad of [1.5, "3", null, undefined, NaN, Infinity, true]) {
    throwsNaming(() => checkOption("linger", int, bad), TypeError, "linger");
  }
});

test("bool: only true and false", () => {
  assert.equal(checkOption("immediate", bool, true), true);
  assert.equal(checkOption("immediate", bool, false), false);
  for (const bad of [0, 1, "true", null]) {
    throwsNaming(() => checkOption("immediate", bool, bad), TypeError, "immediate");
  }
});

test("bytes: strings become UTF-8, Uint8Array is kept, null clears", () => {
  assert.deepEqual(checkOption("routingId", bytesSpec, "é"), new Uint8Array([0xc3, 0xa9]));
  const given = new Uint8Array([1, 2, 3]);
  assert.equal(checkOption("routingId", bytesSpec, given), given);
  assert.equal(checkOption("routingId", bytesSpec, null), null);
});

test("bytes: the length is checked in bytes, not characters; other types are refused", () => {
  assert.equal((checkOption("routingId", bytesSpec, "éé") as Uint8Array).byteLength, 4);
  throwsNaming(() => checkOption("routingId", bytesSpec, "ééé"), RangeError, "routingId", /1 to 4 bytes, got 6/);
  throwsNaming(() => checkOption("routingId", bytesSpec, ""), RangeError, "routingId", /got 0/);
  throwsNaming(() => checkOption("routingId", bytesSpec, 42), TypeError, "routingId");
  throwsNaming(() => checkOption("routingId", bytesSpec, [1, 2]), TypeError, "routingId");
});

test("key: 40 Z85 characters or 32 bytes, kept as Z85 text", () => {
  const { publicKey } = curveKeyPair();
  assert.equal(checkOption("curveServerKey", key, publicKey), publicKey);
  assert.equal(checkOption("curveServerKey", key, new Uint8Array(32)), "0".repeat(40));
  assert.equal(checkOption("curveServerKey", key, null), null);
});

test("key: a wrong length, non-Z85 text or another type names the option", () => {
  throwsNaming(() => checkOption("curveServerKey", key, "abc"), RangeError, "curveServerKey");
  throwsNaming(() => checkOption("curveServerKey", key, new Uint8Array(31)), RangeError, "curveServerKey");
  throwsNaming(() => checkOption("curveServerKey", key, "~".repeat(40)), RangeError, "curveServerKey", /Z85/);
  throwsNaming(() => checkOption("curveServerKey", key, 7), TypeError, "curveServerKey");
});

/** A minimal option holder, as a socket is one. */
class Base {
  readonly options: Record<string, unknown>;
  constructor(given?: Record<string, unknown>) {
    this.options = initialOptions(this, given);
  }
  optionChanged(): void {}
}
class Derived extends Base {}
defineOptions(Base, { linger: int, immediate: bool });
defineOptions(Derived, { routingId: bytesSpec });
defineOptions(Derived, { linger: { kind: "int", default: 5, min: 0 } });

test("initialOptions: defaults, overridden by what is given, each through its check", () => {
  assert.deepEqual(new Base().options, { linger: 0, immediate: false });
  assert.deepEqual(new Base({ linger: 3 }).options, { linger: 3, immediate: false });
  throwsNaming(() => new Base({ linger: 99 }), RangeError, "linger");
});

test("initialOptions: an unknown option is a TypeError naming it and the class", () => {
  throwsNaming(() => new Base({ lingr: 0 }), TypeError, "lingr", /Base/);
  throwsNaming(() => new Base({ routingId: "x" }), TypeError, "routingId", /Base/);
});

test("a subclass has its parent's options plus its own, and may redefine one", () => {
  const specs = optionSpecsOf(new Derived());
  assert.deepEqual([...specs.keys()].sort(), ["immediate", "linger", "routingId"]);
  assert.deepEqual(new Derived().options, { linger: 5, immediate: false, routingId: null });
  assert.equal(new Derived({ linger: 10 }).options.linger, 10);
  throwsNaming(() => new Derived({ linger: -1 }), RangeError, "linger", /between 0/);
});

test("setting a property validates it and stores it", () => {
  const holder = new Derived() as Derived & { linger: number; routingId: string | Uint8Array | null };
  holder.linger = 7;
  holder.routingId = "ab";
  assert.equal(holder.linger, 7);
  assert.deepEqual(holder.routingId, new Uint8Array([0x61, 0x62]));
  throwsNaming(() => (holder.linger = 1.5), TypeError, "linger");
  assert.equal(holder.linger, 7, "a refused value leaves the option as it was");
});

test("an option no runtime can apply is accepted and read back, and reports why once, only for a non-default value", async () => {
  const { Push } = await import("../../mod.ts");
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (message: string) => warnings.push(message);
  try {
    const push = new Push({ sendBufferSize: -1, typeOfService: 0 });
    assert.deepEqual(warnings, [], "defaults report nothing");
    push.sendBufferSize = 65536;
    push.sendBufferSize = 131072;
    assert.equal(push.sendBufferSize, 131072);
    assert.equal(warnings.length, 1, "once per option");
    assert.match(warnings[0], /sendBufferSize is accepted but has no effect: .*SO_SNDBUF/);
    const other = new Push({ priority: 3, interface: "eth0" });
    assert.equal(other.priority, 3);
    assert.equal(warnings.length, 3);
    assert.throws(() => (push.typeOfService = 256), { name: "RangeError", message: /typeOfService/ });
    await Promise.all([push.close(), other.close()]);
  } finally {
    console.warn = warn;
  }
});
