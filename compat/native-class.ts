/**
 * zeromq.js's Context, Socket, Proxy and Observer are N-API classes: called
 * without `new` they throw N-API's text, "Class constructors cannot be invoked
 * without 'new'", where a JavaScript class's text names the class. Code and
 * tests written for zeromq.js match that text, so `omq/zeromq` exports these
 * four through a proxy that throws it; `new`, `extends`, `instanceof` and
 * static members reach the class unchanged.
 *
 * @module
 */

/** `cls`, throwing N-API's TypeError when called without `new`. */
export function nativeClass<C extends object>(cls: C): C {
  return new globalThis.Proxy(cls, {
    apply(): never {
      throw new TypeError("Class constructors cannot be invoked without 'new'");
    },
  });
}
