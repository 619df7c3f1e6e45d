/**
 * WebSocket framing (RFC 6455 §5), pure: the frame header to put before a message, and an
 * incremental reader that turns received bytes into messages and control frames, whatever
 * the chunk boundaries. Used where omq speaks WebSocket over a byte connection itself.
 *
 * @module
 */

/** Frame opcodes (RFC 6455 §5.2). */
export const OPCODE = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

/** What a `FrameReader` reports. Each is called synchronously from `push`. */
export interface FrameEvents {
  /** A whole data message (its frames joined); `binary` false: a text message. */
  message(data: Uint8Array, binary: boolean): void;
  ping(data: Uint8Array): void;
  /** A close frame: its status code (1005 when it carries none) and reason. */
  close(code: number, reason: string): void;
  /** The peer broke the protocol: close with `code` (1002, 1007, 1009) and stop reading. */
  error(code: number, message: string): void;
}

/** Largest payload a control frame may carry (§5.5). */
const CONTROL_MAX = 125;

/**
 * The header of one unfragmented frame of `length` payload bytes, masked with `mask` (client
 * to server, §5.3) or not (server to client).
 *
 * @example
 * ```ts
 * import { frameHeader, OPCODE } from "./frames.ts";
 * const header = frameHeader(OPCODE.binary, 3, null); // [0x82, 0x03]
 * ```
 */
export function frameHeader(opcode: number, length: number, mask: Uint8Array | null): Uint8Array {
  const extra = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const header = new Uint8Array(2 + extra + (mask ? 4 : 0));
  header[0] = 0x80 | opcode;
  const maskBit = mask ? 0x80 : 0;
  if (extra === 0) header[1] = maskBit | length;
  else if (extra === 2) {
    header[1] = maskBit | 126;
    header[2] = length >>> 8;
    header[3] = length & 0xff;
  } else {
    header[1] = maskBit | 127;
    const view = new DataView(header.buffer);
    view.setUint32(2, Math.floor(length / 0x1_0000_0000));
    view.setUint32(6, length >>> 0);
  }
  if (mask) header.set(mask, 2 + extra);
  return header;
}

/** Whether this machine stores a Uint32 low byte first (every platform the runtimes ship for). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * XORs `data` in place with `mask`, starting at mask byte `offset` (0..3). Four bytes at a time
 * over the aligned middle: a byte loop held Bun's 1 MB messages to about half the speed.
 */
export function applyMask(data: Uint8Array, mask: Uint8Array, offset = 0): void {
  const length = data.length;
  let i = 0;
  // Bytes up to the first 4-aligned address (and all of a short payload).
  const head = Math.min(length, (4 - (data.byteOffset & 3)) & 3);
  for (; i < head; i++) data[i] ^= mask[(offset + i) & 3];
  const words = (length - i) >>> 2;
  if (words > 0) {
    const m = (k: number) => mask[(offset + i + k) & 3];
    const word = LITTLE_ENDIAN
      ? (m(0) | (m(1) << 8) | (m(2) << 16) | (m(3) << 24))
      : ((m(0) << 24) | (m(1) << 16) | (m(2) << 8) | m(3));
    const view = new Uint32Array(data.buffer, data.byteOffset + i, words);
    for (let w = 0; w < words; w++) view[w] ^= word;
    i += words * 4;
  }
  for (; i < length; i++) data[i] ^= mask[(offset + i) & 3];
}

/** A close frame's payload: the status code, then the reason (§5.5.1). */
export function closePayload(code: number, reason = ""): Uint8Array {
  const text = new TextEncoder().encode(reason);
  const out = new Uint8Array(2 + text.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

/**
 * Reads frames from a byte stream. A server's reader requires masked frames and unmasks them in
 * place (the received chunks are its own); a client's requires unmasked ones. Payloads are views
 * of the chunks where a frame lies within one, copies where it spans several.
 *
 * @example
 * ```ts ignore
 * const reader = new FrameReader(true, { message: (m) => deliver(m), ping, close, error });
 * conn.start({ data: (chunk) => reader.push(chunk), drain() {}, close() {} });
 * ```
 */
export class FrameReader {
  readonly #server: boolean;
  readonly #events: FrameEvents;
  /** Header bytes gathered while a header spans chunks (at most 14). */
  readonly #header = new Uint8Array(14);
  #headerLength = 0;
  /** The frame whose payload is being read. */
  #opcode = 0;
  #fin = false;
  #mask = new Uint8Array(4);
  #masked = false;
  #remaining = 0;
  #payloadRead = 0;
  #parts: Uint8Array[] = [];
  #inPayload = false;
  /** The data message being assembled from fragments: its opcode (0: none) and finished frames. */
  #messageOpcode = 0;
  #fragments: Uint8Array[] = [];
  #fragmentBytes = 0;
  #failed = false;
  readonly #maxMessage: () => number;

  /**
   * `maxMessage()` (-1: none) bounds a data message's length, checked from each frame's header,
   * so that a peer announcing a huge message is dropped before it is held in memory.
   */
  constructor(server: boolean, events: FrameEvents, maxMessage: () => number = () => -1) {
    this.#server = server;
    this.#events = events;
    this.#maxMessage = maxMessage;
  }

  /** Reads what `chunk` holds; a server's reader may change the chunk's bytes (unmasking). */
  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.#failed) {
      if (!this.#inPayload) {
        at = this.#readHeader(chunk, at);
        continue;
      }
      const take = Math.min(this.#remaining, chunk.length - at);
      const part = chunk.subarray(at, at + take);
      if (this.#masked) applyMask(part, this.#mask, this.#payloadRead);
      this.#parts.push(part);
      this.#payloadRead += take;
      this.#remaining -= take;
      at += take;
      if (this.#remaining === 0) this.#frameDone();
    }
  }

  /** Gathers header bytes from `chunk` at `at`; returns where it stopped. */
  #readHeader(chunk: Uint8Array, at: number): number {
    const header = this.#header;
    while (at < chunk.length) {
      header[this.#headerLength++] = chunk[at++];
      const need = this.#headerNeeds();
      if (need === -1) return chunk.length;
      if (this.#headerLength === need) {
        this.#startFrame();
        return at;
      }
    }
    return at;
  }

  /** The whole header's length as far as the bytes so far tell it; -1 after a protocol error. */
  #headerNeeds(): number {
    const h = this.#header;
    if (this.#headerLength < 2) return 2;
    const len7 = h[1] & 0x7f;
    const masked = (h[1] & 0x80) !== 0;
    if (masked !== this.#server) {
      this.#fail(1002, this.#server ? "an unmasked frame from a client" : "a masked frame from a server");
      return -1;
    }
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
  }

  #startFrame(): void {
    const h = this.#header;
    const size = this.#headerLength;
    this.#headerLength = 0;
    const len7 = h[1] & 0x7f;
    let length = len7;
    let at = 2;
    if (len7 === 126) {
      length = (h[2] << 8) | h[3];
      at = 4;
    } else if (len7 === 127) {
      const high = ((h[2] << 24) | (h[3] << 16) | (h[4] << 8) | h[5]) >>> 0;
      if (high >= 0x20_0000) return this.#fail(1009, "a frame longer than 2^53 bytes");
      length = high * 0x1_0000_0000 + (((h[6] << 24) | (h[7] << 16) | (h[8] << 8) | h[9]) >>> 0);
      at = 10;
    }
    this.#masked = at < size;
    if (this.#masked) this.#mask = h.slice(at, at + 4);
    this.#fin = (h[0] & 0x80) !== 0;
    this.#opcode = h[0] & 0x0f;
    if ((h[0] & 0x70) !== 0) return this.#fail(1002, "a frame with reserved bits set (no extension was agreed)");
    const opcode = this.#opcode;
    if (opcode >= 8) {
      if (opcode > OPCODE.pong) return this.#fail(1002, `unknown control opcode ${opcode}`);
      if (!this.#fin || length > CONTROL_MAX) return this.#fail(1002, "a fragmented or oversized control frame");
    } else if (opcode === OPCODE.continuation) {
      if (this.#messageOpcode === 0) return this.#fail(1002, "a continuation frame without a message to continue");
    } else if (opcode === OPCODE.text || opcode === OPCODE.binary) {
      if (this.#messageOpcode !== 0) return this.#fail(1002, "a new message inside a fragmented one");
    } else return this.#fail(1002, `unknown data opcode ${opcode}`);
    const max = opcode < 8 ? this.#maxMessage() : -1;
    if (max >= 0 && this.#fragmentBytes + length > max) {
      return this.#fail(1009, `a message of ${this.#fragmentBytes + length} bytes or more exceeds the limit of ${max}`);
    }
    this.#remaining = length;
    this.#payloadRead = 0;
    this.#parts = [];
    this.#inPayload = true;
    if (length === 0) this.#frameDone();
  }

  #frameDone(): void {
    this.#inPayload = false;
    const parts = this.#parts;
    this.#parts = [];
    const payload = parts.length === 1 ? parts[0] : join(parts);
    const opcode = this.#opcode;
    const events = this.#events;
    if (opcode === OPCODE.ping) return events.ping(payload);
    if (opcode === OPCODE.pong) return;
    if (opcode === OPCODE.close) return this.#closeFrame(payload);
    if (opcode !== OPCODE.continuation) this.#messageOpcode = opcode;
    if (!this.#fin) {
      this.#fragments.push(payload);
      this.#fragmentBytes += payload.length;
      return;
    }
    const fragments = this.#fragments;
    const message = fragments.length === 0 ? payload : join([...fragments, payload]);
    const binary = this.#messageOpcode === OPCODE.binary;
    this.#fragments = [];
    this.#fragmentBytes = 0;
    this.#messageOpcode = 0;
    events.message(message, binary);
  }

  #closeFrame(payload: Uint8Array): void {
    if (payload.length === 1) return this.#fail(1002, "a close frame with a 1-byte payload");
    const code = payload.length === 0 ? 1005 : (payload[0] << 8) | payload[1];
    let reason = "";
    try {
      reason = new TextDecoder("utf-8", { fatal: true }).decode(payload.subarray(2));
    } catch {
      return this.#fail(1007, "a close reason that is not UTF-8");
    }
    this.#failed = true; // nothing is read after a close frame
    this.#events.close(code, reason);
  }

  #fail(code: number, message: string): void {
    this.#failed = true;
    this.#events.error(code, message);
  }
}

function join(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
