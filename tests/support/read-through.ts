// Feeding a byte stream to a FrameDecoder the way the adapters do: each step either reads
// into the decoder's readBuffer() (Node's onread, Deno's read(buffer)) or pushes a chunk
// of the caller's own (Bun, WebSocket).
import assert from "node:assert/strict";
import type { FrameDecoder } from "../../src/zmtp/frame.ts";

/** What step `i` does: up to `size` bytes, as a chunk from elsewhere when `foreign`. */
export type ReadStep = (i: number) => { size: number; foreign?: boolean };

/** Feeds all of `stream` to `decoder`, step by step. */
export function readThrough(decoder: FrameDecoder, stream: Uint8Array, step: ReadStep): void {
  for (let at = 0, i = 0; at < stream.byteLength; i++) {
    const { size, foreign } = step(i);
    let n = Math.min(size, stream.byteLength - at);
    if (foreign) decoder.push(stream.slice(at, at + n));
    else {
      const into = decoder.readBuffer();
      assert.ok(into.byteLength > 0, "readBuffer offered no room");
      n = Math.min(n, into.byteLength);
      into.set(stream.subarray(at, at + n));
      decoder.push(into.subarray(0, n));
    }
    at += n;
  }
}
