/**
 * X25519 and XSalsa20-Poly1305 in WebAssembly (src/crypto/x25519.c, and secretbox.c with
 * SIMD128): the `BoxCipher` CURVE uses wherever WebAssembly is available. One instance serves every connection of the process; JavaScript is single
 * threaded per instance, so its scratch memory is never used by two boxes at once.
 *
 * Messages larger than one chunk stream through the module's memory, so it stays at a fixed
 * size (WebAssembly memory never shrinks) whatever the message size, and each chunk is still in
 * cache while it is copied in, sealed or opened, and copied out.
 *
 * @module
 */
import type { BoxCipher } from "./box-cipher.ts";
import { putCounter } from "./nonce.ts";
import { SECRETBOX_WASM } from "./secretbox-wasm.ts";

interface Exports {
  readonly memory: WebAssembly.Memory;
  heap_base(): number;
  box_state_size(): number;
  hsalsa20(out: number, key: number, input: number): void;
  x25519(out: number, scalar: number, point: number): number;
  box_start(state: number, subkey: number, nonce: number): void;
  box_update(state: number, data: number, length: number, flags: number): void;
  box_tag(state: number): number;
}

/** Bytes per pass through the module's memory after the first (whose 32 more end a keystream block). */
const CHUNK = 64 * 1024;
/**
 * Sealed frames up to this size are views of a shared slab rather than buffers of their own:
 * a typed array's own backing store costs an allocation and a finalizer (more than sealing
 * 100 bytes does), a view only a small object. Each view's bytes are its own (the slab is
 * never rewritten), so a view kept alive keeps at most one slab alive.
 */
const SLAB_FRAME_MAX = 2048;
const SLAB_SIZE = 64 * 1024;
const OPENING = 1;
const LAST = 2;
const MESSAGE = Uint8Array.from("\x07MESSAGE", (c) => c.charCodeAt(0));
/** u = 9, the Curve25519 base point (RFC 7748). */
const BASE_POINT = Uint8Array.of(9, ...new Uint8Array(31));

type Wasm = typeof WebAssembly;

/** The module's bytes, once WebAssembly (with SIMD) is known to take them; null where it is missing. */
function moduleBytes(): { wasm: Wasm; bytes: Uint8Array<ArrayBuffer> } | null {
  const wasm = (globalThis as { WebAssembly?: Wasm }).WebAssembly;
  if (!wasm) return null;
  const binary = atob(SECRETBOX_WASM);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return wasm.validate(bytes) ? { wasm, bytes } : null;
}

/**
 * Compiles and instantiates the module synchronously (a few milliseconds, once); null where
 * that is refused: no WebAssembly or no SIMD, a content security policy, or a browser's main
 * thread that limits synchronous compiles (older Chromium: 4 KiB; `loadWasmBoxCipher` then).
 */
export function instantiateWasmBoxCipher(): BoxCipher | null {
  try {
    const found = moduleBytes();
    if (!found) return null;
    return new WasmBoxCipher(new found.wasm.Instance(new found.wasm.Module(found.bytes)).exports as unknown as Exports);
  } catch {
    return null;
  }
}

/** The same, asynchronously; resolves to null where WebAssembly is unavailable or refused. */
export async function loadWasmBoxCipher(): Promise<BoxCipher | null> {
  const found = moduleBytes();
  if (!found) return null;
  const { instance } = await found.wasm.instantiate(found.bytes);
  return new WasmBoxCipher(instance.exports as unknown as Exports);
}

class WasmBoxCipher implements BoxCipher {
  readonly kind = "wasm" as const;
  #x: Exports;
  #mem: Uint8Array;
  // Fixed offsets in the module's memory, above its stack and data.
  #state: number;
  #tag: number;
  #subkey: number;
  #key: number;
  #nonce: number;
  #point: number;
  /** "\x07MESSAGE", nonce, tag: the MESSAGE header, right before its box. */
  #head: number;
  #data: number;
  /** The subkey now at #subkey (the same object comes back frame after frame on one connection). */
  #loaded: Uint8Array | null = null;
  #slab: Uint8Array = new Uint8Array(0);
  #slabAt = 0;

  constructor(x: Exports) {
    this.#x = x;
    const align = (n: number) => (n + 63) & ~63;
    this.#state = align(x.heap_base());
    this.#subkey = align(this.#state + x.box_state_size());
    this.#key = this.#subkey + 32;
    this.#nonce = this.#key + 32;
    this.#point = this.#nonce + 16;
    this.#head = align(this.#point + 32) + 32;
    this.#data = this.#head + 32;
    const end = this.#data + CHUNK + 64;
    const pages = Math.ceil((end - x.memory.buffer.byteLength) / 65536);
    if (pages > 0) x.memory.grow(pages);
    this.#mem = new Uint8Array(x.memory.buffer);
    this.#tag = x.box_tag(this.#state);
    this.#mem.set(MESSAGE, this.#head);
  }

  x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
    const mem = this.#mem;
    mem.set(secretKey.subarray(0, 32), this.#key);
    mem.set(publicKey.subarray(0, 32), this.#point);
    const ok = this.#x.x25519(this.#point, this.#key, this.#point);
    mem.fill(0, this.#key, this.#key + 32);
    const out = mem.slice(this.#point, this.#point + 32);
    if (!ok) throw new RangeError("X25519: the public key is of small order (the shared secret is zero)");
    return out;
  }

  publicKey(secretKey: Uint8Array): Uint8Array {
    return this.x25519(secretKey, BASE_POINT);
  }

  subkey(key: Uint8Array, prefix: Uint8Array): Uint8Array {
    const mem = this.#mem;
    mem.set(key.subarray(0, 32), this.#key);
    mem.set(prefix.subarray(0, 16), this.#nonce);
    this.#x.hsalsa20(this.#key, this.#key, this.#nonce);
    return mem.slice(this.#key, this.#key + 32);
  }

  seal(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array): Uint8Array {
    this.#startWith(key, nonce);
    const out = new Uint8Array(16 + plain.byteLength);
    this.#stream(plain, out, 16, 0);
    out.set(this.#mem.subarray(this.#tag, this.#tag + 16), 0);
    return out;
  }

  open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Uint8Array | null {
    if (box.byteLength < 16) return null;
    this.#startWith(key, nonce);
    const out = new Uint8Array(box.byteLength - 16);
    this.#stream(box.subarray(16), out, 0, OPENING);
    return this.#verify(box, 0) ? out : null;
  }

  sealMessage(subkey: Uint8Array, counter: number, flags: number, body: Uint8Array): Uint8Array {
    const mem = this.#mem;
    const head = this.#head;
    putCounter(mem, head + 8, counter);
    this.#use(subkey);
    this.#x.box_start(this.#state, this.#subkey, head + 8);
    const size = 1 + body.byteLength;
    if (size <= CHUNK + 32) {
      // The common case: the whole command is built in place and copied out once.
      const data = this.#data;
      mem[data] = flags;
      mem.set(body, data + 1);
      this.#x.box_update(this.#state, data, size, LAST);
      mem.copyWithin(head + 16, this.#tag, this.#tag + 16);
      const total = 32 + size;
      if (total > SLAB_FRAME_MAX) return mem.slice(head, data + size);
      let at = this.#slabAt;
      if (at + total > this.#slab.byteLength) {
        this.#slab = new Uint8Array(SLAB_SIZE);
        at = 0;
      }
      this.#slabAt = at + total;
      const out = this.#slab.subarray(at, at + total);
      out.set(mem.subarray(head, data + size));
      return out;
    }
    const out = new Uint8Array(32 + size);
    out.set(mem.subarray(head, head + 16), 0);
    out[32] = flags;
    // The flags byte goes through with the first chunk: seal it in `out`'s own first byte of body.
    this.#stream(body, out, 33, 0, flags);
    out.set(mem.subarray(this.#tag, this.#tag + 16), 16);
    return out;
  }

  openMessage(subkey: Uint8Array, command: Uint8Array): boolean {
    const mem = this.#mem;
    const nonce = this.#nonce;
    for (let i = 0; i < 8; i++) mem[nonce + i] = command[8 + i];
    this.#use(subkey);
    this.#x.box_start(this.#state, this.#subkey, nonce);
    const size = command.byteLength - 32;
    if (size <= CHUNK + 32) {
      const data = this.#data;
      mem.set(command.subarray(32), data);
      this.#x.box_update(this.#state, data, size, OPENING | LAST);
      if (!this.#verify(command, 16)) return false;
      command.set(mem.subarray(data, data + size), 32);
      return true;
    }
    this.#stream(command.subarray(32), command, 32, OPENING);
    return this.#verify(command, 16);
  }

  /** Starts a box with a full 24-byte nonce (the handshake's boxes): HSalsa20, then Salsa20. */
  #startWith(key: Uint8Array, nonce: Uint8Array): void {
    const mem = this.#mem;
    mem.set(key.subarray(0, 32), this.#key);
    mem.set(nonce.subarray(0, 16), this.#nonce);
    this.#x.hsalsa20(this.#subkey, this.#key, this.#nonce);
    this.#loaded = null;
    mem.set(nonce.subarray(16, 24), this.#nonce);
    this.#x.box_start(this.#state, this.#subkey, this.#nonce);
  }

  #use(subkey: Uint8Array): void {
    if (this.#loaded === subkey) return;
    this.#mem.set(subkey, this.#subkey);
    this.#loaded = subkey;
  }

  /**
   * Runs `src` through the started box into `out` from `at`, chunk by chunk. With `first` (a
   * byte, 0..255) that byte is the plaintext's first, ahead of `src` (MESSAGE's flags byte).
   */
  #stream(src: Uint8Array, out: Uint8Array, at: number, opening: number, first = -1): void {
    const mem = this.#mem;
    const data = this.#data;
    const lead = first >= 0 ? 1 : 0;
    const total = lead + src.byteLength;
    let done = 0; // bytes of the plaintext (or ciphertext) stream, the lead byte included
    while (true) {
      const size = Math.min(total - done, done === 0 ? CHUNK + 32 : CHUNK);
      const last = done + size === total;
      if (done === 0 && lead) {
        mem[data] = first;
        mem.set(src.subarray(0, size - 1), data + 1);
      } else mem.set(src.subarray(done - lead, done - lead + size), data);
      this.#x.box_update(this.#state, data, size, opening | (last ? LAST : 0));
      out.set(mem.subarray(data, data + size), at - lead + done);
      done += size;
      if (last) return;
    }
  }

  /** Compares the finished box's tag with `mac[at..at+16]` in constant time. */
  #verify(mac: Uint8Array, at: number): boolean {
    const mem = this.#mem;
    const tag = this.#tag;
    let diff = 0;
    for (let i = 0; i < 16; i++) diff |= mem[tag + i] ^ mac[at + i];
    return diff === 0;
  }
}
