/**
 * ZMTP frames (RFC 23 §"Framing", RFC 37): a flags byte, a 1- or 8-byte
 * size, then the body. Encoding batches whole messages into as few buffers as
 * possible; decoding is incremental and hands out views of the input.
 *
 * @module
 */

/** Flag bits of the first byte of a frame. */
export const MORE = 0x01;
export const LONG = 0x02;
export const COMMAND = 0x04;

/** Frames at least this big are written as their own chunk rather than copied into the batch. */
export const ZERO_COPY_THRESHOLD: number = 32 * 1024;

/** The encoded size of a frame header for a body of `size` bytes. */
export function headerSize(size: number): number {
  return size > 255 ? 9 : 2;
}

/** Writes a frame header at `offset`; returns the offset after it. */
export function writeHeader(out: Uint8Array, offset: number, flags: number, size: number): number {
  if (size > 255) {
    out[offset] = flags | LONG;
    // Sizes above 2^32 cannot occur in a JS Uint8Array on 32-bit length engines, but split anyway.
    const hi = Math.floor(size / 0x1_0000_0000);
    const lo = size >>> 0;
    out[offset + 1] = (hi >>> 24) & 0xff;
    out[offset + 2] = (hi >>> 16) & 0xff;
    out[offset + 3] = (hi >>> 8) & 0xff;
    out[offset + 4] = hi & 0xff;
    out[offset + 5] = lo >>> 24;
    out[offset + 6] = (lo >>> 16) & 0xff;
    out[offset + 7] = (lo >>> 8) & 0xff;
    out[offset + 8] = lo & 0xff;
    return offset + 9;
  }
  out[offset] = flags;
  out[offset + 1] = size;
  return offset + 2;
}

/**
 * Where a message sent to many peers carries its ZMTP encoding, made once by the sender
 * (the distributor), so each peer's encoder copies it instead of encoding the message again.
 */
export const ENCODED: unique symbol = Symbol("omq.encoded");

/** A message that may carry its ZMTP encoding (see `ENCODED`). */
export type MaybeEncoded = readonly Uint8Array[] & { [ENCODED]?: Uint8Array };

/** Messages up to this size (all frames) are encoded once for a fan-out; larger ones are sent by reference anyway. */
export const ENCODE_ONCE_MAX: number = 8 * 1024;

/**
 * Encodes `frames` once and attaches the bytes (see `ENCODED`) when the message is small; a
 * large frame is written by reference by every encoder, so encoding it once would only copy.
 */
export function encodeOnce(frames: readonly Uint8Array[]): void {
  let total = 0;
  for (const f of frames) {
    total += f.byteLength;
    if (total > ENCODE_ONCE_MAX) return;
  }
  (frames as MaybeEncoded)[ENCODED] = encodeFrames(frames);
}

/**
 * Smallest and largest buffer the encoder copies small frames into. A buffer that fills up
 * is followed by one twice its size, and batches that use little of it halve the next one,
 * so a quiet connection holds 1 KiB and a busy one batches 64 KiB per buffer.
 */
const BATCH_MIN = 1024;
const BATCH_MAX = 64 * 1024;
const NO_BUFFER = new Uint8Array(0);

/**
 * Accumulates frames into chunks ready for one vectored write: small frames are
 * copied into a shared buffer, large ones are referenced as they are.
 */
export class FrameEncoder {
  #chunks: Uint8Array[] = [];
  #chunkBytes = 0;
  #buf: Uint8Array = NO_BUFFER;
  #pos = 0;
  #start = 0;
  /** The size of the next buffer. */
  #size = BATCH_MIN;

  /** Adds all frames of a message (MORE on every frame but the last). */
  message(frames: readonly Uint8Array[]): void {
    const encoded = (frames as MaybeEncoded)[ENCODED];
    if (encoded !== undefined) return this.#copy(encoded);
    const last = frames.length - 1;
    for (let i = 0; i <= last; i++) this.frame(frames[i], i < last ? MORE : 0);
  }

  /** Adds one frame with the given flags (MORE and/or COMMAND; LONG is set as needed). */
  frame(body: Uint8Array, flags: number): void {
    const size = body.byteLength;
    if (size >= ZERO_COPY_THRESHOLD) {
      this.#reserve(9);
      this.#pos = writeHeader(this.#buf, this.#pos, flags, size);
      this.#cut();
      this.#chunks.push(body);
      this.#chunkBytes += size;
      return;
    }
    this.#reserve(9 + size);
    const buf = this.#buf;
    let pos = writeHeader(buf, this.#pos, flags, size);
    if (size < 16) { for (let i = 0; i < size; i++) buf[pos + i] = body[i]; }
    else buf.set(body, pos);
    pos += size;
    this.#pos = pos;
  }

  #copy(bytes: Uint8Array): void {
    const size = bytes.byteLength;
    this.#reserve(size);
    this.#buf.set(bytes, this.#pos);
    this.#pos += size;
  }

  /** True when nothing is pending. */
  get empty(): boolean {
    return this.#chunks.length === 0 && this.#pos === this.#start;
  }

  /** Pending bytes, roughly; used to bound one batch. */
  get pendingBytes(): number {
    return this.#chunkBytes + this.#pos - this.#start;
  }

  /** Returns the chunks encoded so far and starts afresh. */
  take(): Uint8Array[] {
    const used = this.#pos - this.#start;
    this.#cut();
    if (used < this.#size >> 3 && this.#size > BATCH_MIN) this.#size >>= 1;
    // Far bigger than traffic needs now: let go of it (the chunks taken keep it alive until written).
    if (this.#buf.byteLength > 4 * this.#size) {
      this.#buf = NO_BUFFER;
      this.#pos = this.#start = 0;
    }
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#chunkBytes = 0;
    return chunks;
  }

  #cut(): void {
    if (this.#pos > this.#start) {
      this.#chunks.push(this.#buf.subarray(this.#start, this.#pos));
      this.#chunkBytes += this.#pos - this.#start;
      this.#start = this.#pos;
    }
  }

  #reserve(n: number): void {
    if (this.#pos + n <= this.#buf.byteLength) return;
    this.#cut();
    // Filled up: traffic asks for a bigger one.
    if (this.#buf !== NO_BUFFER && this.#size < BATCH_MAX) this.#size <<= 1;
    // A fresh buffer each time: chunks handed to the transport must never be overwritten.
    this.#buf = new Uint8Array(Math.max(n, this.#size));
    this.#pos = 0;
    this.#start = 0;
  }
}

/** Encodes one message into a single buffer (handshake commands, tests). */
export function encodeFrames(frames: readonly Uint8Array[], flags = 0): Uint8Array {
  let total = 0;
  for (const f of frames) total += headerSize(f.byteLength) + f.byteLength;
  const out = new Uint8Array(total);
  let pos = 0;
  const last = frames.length - 1;
  frames.forEach((f, i) => {
    pos = writeHeader(out, pos, flags | (i < last ? MORE : 0), f.byteLength);
    out.set(f, pos);
    pos += f.byteLength;
  });
  return out;
}

/** What the decoder reports for each complete frame. */
export interface FrameSink {
  /** A frame; `body` may be a view of an input chunk and is never reused. */
  frame(flags: number, body: Uint8Array): void;
}

/** Thrown by the decoder for a frame the peer must not send; the engine closes that connection. */
export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FrameError";
  }
}

const FLAGS = 0;
const SIZE = 1;
const BODY = 2;

/**
 * Smallest and largest read buffer (arena) the decoder hands out. It doubles while reads
 * fill it and halves while they find little, so an idle connection holds 8 KiB (what
 * libzmq reads at a time) and a busy one reads up to 1 MiB per syscall.
 */
const ARENA_MIN = 8 * 1024;
const ARENA_MAX = 1024 * 1024;
/** An arena with less room than this left is replaced before the next read. */
const READ_MIN = 4 * 1024;
/** Frames up to this size are given room in the arena; larger ones get a buffer each. */
const ARENA_FRAME_MAX = ARENA_MAX / 4;
/** A split body from this size up gets a buffer of its own when it does not fit the arena... */
const DIRECT_BODY_MIN = 32 * 1024;
/** ...up to this size; above it, memory follows the bytes received (see `#parts`). */
const DIRECT_BODY_MAX = 16 * 1024 * 1024;
/**
 * A body larger than any this connection completed before starts at this size and grows
 * fourfold as bytes fill it: a size a peer merely claims must not cost memory. Untouched
 * pages would be free, but a zeroed allocation (Deno's and Bun's `new Uint8Array`) is
 * written through when the allocator recycles memory: 200 claims of 16 MiB after other
 * traffic grew Deno's RSS by 1 GB. Once a connection has sent a body of a size, its next
 * ones up to that size get their whole buffer at once (no copy, as before).
 */
const BODY_FIRST = 256 * 1024;

/**
 * The last large body any decoder allocated, kept referenced while its owner's large
 * frames keep coming. Freed together with the ones before it, it would leave the top of
 * glibc's heap free, and malloc hands a free top above 2 MiB back to the kernel: every
 * later body then faults in fresh pages (2–4× the page faults at 1 MB messages). Alive, it
 * keeps the top in use. One for the process, not one per connection, so what it costs is
 * bounded by one body (at most DIRECT_BODY_MAX), however many connections there are.
 */
let recent: { body: Uint8Array; owner: FrameDecoder } | null = null;

/**
 * An incremental ZMTP frame decoder. Feed it chunks as they arrive, split
 * anywhere; it calls the sink once per frame. A frame entirely inside one
 * chunk is delivered as a view of that chunk.
 *
 * A transport that can read into a buffer of its choosing asks `readBuffer()`
 * where to put the next bytes, as libzmq's decoders do. Reads then land
 * back to back in an arena, so a frame split across reads is still one view,
 * and the rest of a large frame lands straight in its own buffer: the kernel's
 * copy is the only one.
 */
export class FrameDecoder {
  /** Largest body accepted (bytes); a bigger size fails before any allocation. */
  maxFrameSize: number;
  #sink: FrameSink;
  #state: number = FLAGS;
  #flags = 0;
  #sizeBytes = new Uint8Array(8);
  #sizeNeeded = 0;
  #sizeHave = 0;
  #bodySize = 0;
  #bodyHave = 0;
  // A split body lives in one of three places. In the arena, where it started, when it fits
  // there (`#arenaBody` is its offset). Else in `#body`, up to DIRECT_BODY_MAX: allocated whole
  // when the header arrives if this connection already completed a body that large (as libzmq
  // allocates a message), else from BODY_FIRST up as bytes arrive. Else as the received
  // pieces, joined once complete. Either way memory grows with bytes actually received, never
  // with a size a peer claims.
  #arenaBody = -1;
  #body: Uint8Array | null = null;
  /** The largest body this connection completed in `#body`: sizes up to it are allocated whole. */
  #trusted = 0;
  #parts: Uint8Array[] = [];
  /** Where reads land; bytes before `#at` are handed out (or will be) and never rewritten. */
  #arena: Uint8Array | null = null;
  #at = 0;
  #arenaSize = ARENA_MIN;
  /** Room offered by the last `readBuffer()` in the arena, to see whether reads fill it. */
  #offered = 0;
  /** The size of the last large frame: at a frame boundary, room is made for the next one being alike. */
  #expect = 0;
  #sawLarge = false;

  #allocate: (size: number) => Uint8Array;

  /**
   * `allocate` gives the memory reads land in: a large frame's own body, which the decoder
   * fills completely before anyone sees it, and the arena, whose bytes are handed out only
   * once read into. So it may be uninitialised, where the runtime has that (Node's
   * `Buffer.allocUnsafeSlow`): zeroing it cost the reading thread about a sixth of its time
   * at 100 kB messages. Like libzmq's shared receive buffer, the arena's bytes outside a
   * frame's view (`frame.buffer`) are then unspecified.
   */
  constructor(
    sink: FrameSink,
    maxFrameSize: number = Number.MAX_SAFE_INTEGER,
    allocate: (size: number) => Uint8Array = (size) => new Uint8Array(size),
  ) {
    this.#sink = sink;
    this.maxFrameSize = maxFrameSize;
    this.#allocate = allocate;
  }

  /**
   * Where the transport should read the next bytes: a buffer the decoder owns. Pass
   * `push` a view of its start holding what was read. Buffers handed out here are
   * never reused while frames may point into them.
   */
  readBuffer(): Uint8Array {
    let arena = this.#arena;
    let need = READ_MIN;
    let limit = Number.MAX_SAFE_INTEGER;
    if (this.#state === BODY) {
      if (this.#body) {
        if (this.#bodyHave === this.#body.byteLength) this.#growBody(this.#bodyHave + 1);
        return this.#body.subarray(this.#bodyHave);
      }
      if (this.#arenaBody >= 0 && arena) {
        // The body continues at #at. Past its end, read on only if the next such frame fits too.
        const end = this.#arenaBody + this.#bodySize;
        const stop = arena.byteLength - end >= this.#expect + 9 ? arena.byteLength : end;
        this.#offered = stop - this.#at;
        return arena.subarray(this.#at, stop);
      }
    } else if (this.#state === FLAGS) {
      // Large frames stopped coming: stop making room for them.
      if (!this.#sawLarge) {
        this.#expect = 0;
        if (recent?.owner === this) recent = null;
      }
      this.#sawLarge = false;
      if (this.#expect > 0) {
        // Room for a whole one, which will be a view of the arena; a bigger one gets a buffer
        // of its own when its header arrives, and what was read past the header is copied
        // there, so read little.
        if (this.#expect + 9 <= ARENA_FRAME_MAX) need = this.#expect + 9;
        else limit = READ_MIN;
      }
    }
    const size = Math.max(this.#arenaSize, need + READ_MIN);
    const room = arena ? arena.byteLength - this.#at : 0;
    // Also replaced when far bigger than traffic needs now, so a quiet connection stops holding it.
    if (!arena || room < need || room > 4 * size) {
      arena = this.#arena = this.#allocate(size);
      this.#at = 0;
    }
    const end = Math.min(arena.byteLength, this.#at + limit);
    this.#offered = end - this.#at;
    return arena.subarray(this.#at, end);
  }

  /** Decodes as much of `chunk` as possible. Throws `FrameError` on invalid input. */
  push(chunk: Uint8Array): void {
    const len = chunk.byteLength;
    const arena = this.#arena;
    // Where this chunk ends in the arena, or -1 when it came from elsewhere.
    let arenaEnd = -1;
    if (arena !== null && chunk.buffer === arena.buffer) {
      const start = chunk.byteOffset - arena.byteOffset;
      if (start >= this.#at && start + len <= arena.byteLength) {
        arenaEnd = this.#at = start + len;
        // Reads that fill what was offered ask for a bigger arena next time, nearly empty ones a smaller.
        if (len >= this.#offered) {
          if (this.#arenaSize < ARENA_MAX) this.#arenaSize *= 2;
        } else if (len < this.#offered >> 3 && this.#arenaSize > ARENA_MIN) this.#arenaSize >>= 1;
      }
    }
    let pos = 0;
    while (pos < len) {
      switch (this.#state) {
        case FLAGS: {
          // Fast path: a whole short frame inside this chunk.
          const flags = chunk[pos];
          if (flags & 0xf8) throw new FrameError(`invalid frame flags 0x${flags.toString(16)}`);
          if (!(flags & LONG) && pos + 1 < len) {
            const size = chunk[pos + 1];
            if (pos + 2 + size <= len) {
              if (size > this.maxFrameSize) throw new FrameError(`frame of ${size} bytes exceeds the limit`);
              pos += 2;
              this.#sink.frame(flags, chunk.subarray(pos, pos + size));
              pos += size;
              continue;
            }
          }
          this.#flags = flags;
          this.#sizeNeeded = flags & LONG ? 8 : 1;
          this.#sizeHave = 0;
          this.#state = SIZE;
          pos++;
          break;
        }
        case SIZE: {
          while (this.#sizeHave < this.#sizeNeeded && pos < len) this.#sizeBytes[this.#sizeHave++] = chunk[pos++];
          if (this.#sizeHave < this.#sizeNeeded) return;
          const size = this.#readSize();
          if (size >= DIRECT_BODY_MIN && size <= DIRECT_BODY_MAX) {
            this.#expect = size;
            this.#sawLarge = true;
          }
          if (pos + size <= len) {
            // Whole body in this chunk: a view, no copy.
            this.#state = FLAGS;
            this.#sink.frame(this.#flags, chunk.subarray(pos, pos + size));
            pos += size;
          } else this.#startBody(size, arenaEnd >= 0 ? arenaEnd - (len - pos) : -1);
          break;
        }
        case BODY: {
          const n = Math.min(this.#bodySize - this.#bodyHave, len - pos);
          let done: Uint8Array | null = null;
          if (this.#arenaBody >= 0) {
            if (arenaEnd >= 0 && arenaEnd - (len - pos) === this.#arenaBody + this.#bodyHave) {
              this.#bodyHave += n; // read in place
              if (this.#bodyHave === this.#bodySize) {
                done = arena!.subarray(this.#arenaBody, this.#arenaBody + this.#bodySize);
                this.#arenaBody = -1;
              }
            } else {
              // Bytes from elsewhere: keep what the arena holds as the first piece.
              this.#parts.push(arena!.subarray(this.#arenaBody, this.#arenaBody + this.#bodyHave));
              this.#arenaBody = -1;
              continue;
            }
          } else if (this.#body) {
            const body = this.#body;
            // A read into readBuffer() is already in place; anything else is copied in.
            if (chunk.buffer !== body.buffer || chunk.byteOffset + pos !== body.byteOffset + this.#bodyHave) {
              if (this.#bodyHave + n > body.byteLength) this.#growBody(this.#bodyHave + n);
              this.#body!.set(n === len ? chunk : chunk.subarray(pos, pos + n), this.#bodyHave);
            }
            this.#bodyHave += n;
            if (this.#bodyHave === this.#bodySize) {
              done = this.#body!;
              this.#body = null;
              if (this.#bodySize > this.#trusted) this.#trusted = this.#bodySize;
            }
          } else {
            this.#parts.push(chunk.subarray(pos, pos + n));
            this.#bodyHave += n;
            if (this.#bodyHave === this.#bodySize) done = this.#joinParts();
          }
          pos += n;
          if (done) {
            this.#state = FLAGS;
            this.#sink.frame(this.#flags, done);
          }
          break;
        }
      }
    }
  }

  /** A body that continues past this chunk; `arenaAt` is where it starts in the arena (or -1). */
  #startBody(size: number, arenaAt: number): void {
    this.#bodySize = size;
    this.#bodyHave = 0;
    this.#state = BODY;
    if (arenaAt >= 0 && size <= ARENA_FRAME_MAX && arenaAt + size <= this.#arena!.byteLength) this.#arenaBody = arenaAt;
    else if (size >= DIRECT_BODY_MIN && size <= DIRECT_BODY_MAX) {
      this.#body = this.#allocate(size <= this.#trusted ? size : Math.min(size, Math.max(BODY_FIRST, this.#trusted)));
      // Only where readBuffer() is used: it lets go once large frames stop.
      if (this.#arena) recent = { body: this.#body, owner: this };
    }
  }

  /** Moves the body received so far to a buffer of at least `need` bytes (fourfold, at most the body's size). */
  #growBody(need: number): void {
    const old = this.#body!;
    const body = this.#allocate(Math.min(this.#bodySize, Math.max(need, old.byteLength * 4)));
    body.set(old.subarray(0, this.#bodyHave));
    this.#body = body;
    if (recent?.body === old) recent = { body, owner: this };
  }

  #joinParts(): Uint8Array {
    const body = this.#allocate(this.#bodySize);
    let at = 0;
    for (const part of this.#parts) {
      body.set(part, at);
      at += part.byteLength;
    }
    this.#parts = [];
    return body;
  }

  /** Lets go of the large body kept for malloc's sake (see `recent`), when the connection ends. */
  close(): void {
    if (recent?.owner === this) recent = null;
  }

  /** True when the decoder is between frames (no partial frame buffered). */
  get idle(): boolean {
    return this.#state === FLAGS;
  }

  #readSize(): number {
    const b = this.#sizeBytes;
    let size: number;
    if (this.#sizeNeeded === 1) size = b[0];
    else {
      const hi = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
      const lo = ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]) >>> 0;
      // Anything at or above 2^53 is a hostile size; refuse before doing arithmetic on it.
      if (hi >= 0x20_0000) throw new FrameError("frame size exceeds 2^53 bytes");
      size = hi * 0x1_0000_0000 + lo;
    }
    if (size > this.maxFrameSize) {
      throw new FrameError(`frame of ${size} bytes exceeds the limit of ${this.maxFrameSize}`);
    }
    return size;
  }
}
