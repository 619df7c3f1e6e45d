/**
 * What carries one link's messages and signals between its two threads, in
 * order and without loss. Two kinds, chosen by the runtime (the connecting
 * end picks; the binding end follows what the link request holds):
 *
 * - a BroadcastChannel named by the link's id: batches packed by batch.ts
 *   (Node, Bun, browsers, whose channels queue without limit);
 * - two rings in shared memory, one per direction (ring.ts): Deno, whose
 *   BroadcastChannel drops what a busy thread has not read beyond 256 posts.
 *
 * In a ring a record is a kind byte, a 32-bit length and its payload; a batch
 * of messages is the count of 32-bit lengths that follow, the bytes of the
 * small frames, then those lengths (the batch.ts layout) and the small frames
 * packed, then each large frame as it is. The reader copies each record out
 * of the ring into memory of its own, so received frames are views of it.
 *
 * @module
 */
import type { Message } from "../message.ts";
import { decodeBatch, encodeBatch, LARGE_FRAME } from "./batch.ts";
import { type Channel, openChannel } from "./channel.ts";
import { asLink, type EndInfo, linkChannel, type LinkMessage, type LinkSignal } from "./protocol.ts";
import { type RingMemory, ringMemory, RingReader, RingWriter } from "./ring.ts";

/** What a carrier hands over. */
export interface CarrierReceiver {
  signal(signal: LinkSignal): void;
  /** Each message, in order. */
  message(message: Message): void;
  /** What arrived is not what an omq thread sends: the link is to be dropped. */
  broken(): void;
}

/** One end of a link's carrier. */
export interface Carrier {
  send(signal: LinkSignal): void;
  /** Sends messages in order; their frames must not change afterwards (as for any send). */
  sendMessages(messages: readonly Message[]): void;
  /** Lets go: `graceful` sends what is still queued first (the other end is alive). */
  close(graceful: boolean): void;
  /** Lets the thread end while the link is open, where the carrier can (a channel on Node and Bun). */
  unref?(): void;
}

/** Bytes of shared memory per direction of a ring-carried link. */
const RING_CAPACITY = 256 * 1024;

/** A new link's carrier at the connecting end; `rings` (if any) go in the link request. */
export function connectCarrier(
  link: string,
  useRings: boolean,
  defer: (fn: () => void) => void,
  receiver: CarrierReceiver,
  sharedBytes: boolean,
): { carrier: Carrier; rings?: readonly [RingMemory, RingMemory] } {
  if (!useRings) return { carrier: new ChannelCarrier(link, receiver, sharedBytes) };
  const rings = [ringMemory(RING_CAPACITY), ringMemory(RING_CAPACITY)] as const;
  return { carrier: new RingCarrier(rings[0], rings[1], defer, receiver), rings };
}

/** The binding end's carrier for a link request (with its `rings`, if it has them). */
export function acceptCarrier(
  link: string,
  rings: readonly [RingMemory, RingMemory] | undefined,
  defer: (fn: () => void) => void,
  receiver: CarrierReceiver,
  sharedBytes: boolean,
): Carrier {
  if (!rings) return new ChannelCarrier(link, receiver, sharedBytes);
  return new RingCarrier(rings[1], rings[0], defer, receiver);
}

class ChannelCarrier implements Carrier {
  #channel: Channel;
  #receiver: CarrierReceiver;
  #sharedBytes: boolean;

  constructor(link: string, receiver: CarrierReceiver, sharedBytes: boolean) {
    this.#receiver = receiver;
    this.#sharedBytes = sharedBytes;
    this.#channel = openChannel(linkChannel(link), (data) => this.#receive(data));
  }

  send(signal: LinkSignal): void {
    this.#channel.postMessage(signal);
  }

  sendMessages(messages: readonly Message[]): void {
    this.#channel.postMessage({ t: "data", batch: encodeBatch(messages, this.#sharedBytes) } satisfies LinkMessage);
  }

  close(): void {
    this.#channel.close();
  }

  unref(): void {
    this.#channel.unref?.();
  }

  #receive(data: unknown): void {
    const message = asLink(data);
    if (message === null) return;
    if (message.t !== "data") return this.#receiver.signal(message);
    const receiver = this.#receiver;
    try {
      decodeBatch(message.batch, (m) => receiver.message(m));
    } catch {
      receiver.broken();
    }
  }
}

/** Record kinds in a ring. */
const Kind = { Data: 1, Accept: 2, Refuse: 3, Credit: 4, End: 5, Ack: 6 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A record's first five bytes: its kind and its payload's length. */
function recordHead(kind: Kind, payload: number, extra = 0): Uint8Array {
  const head = new Uint8Array(5 + extra);
  head[0] = kind;
  new DataView(head.buffer).setUint32(1, payload, true);
  return head;
}

class RingCarrier implements Carrier {
  #writer: RingWriter;
  #reader: RingReader;
  #receiver: CarrierReceiver;
  /** The record being read: its head, then its payload. */
  #head = new Uint8Array(5);
  #headFilled = 0;
  #kind = 0;
  #payload: Uint8Array | null = null;
  #filled = 0;
  #closed = false;

  constructor(out: RingMemory, into: RingMemory, defer: (fn: () => void) => void, receiver: CarrierReceiver) {
    this.#receiver = receiver;
    this.#writer = new RingWriter(out, defer);
    this.#reader = new RingReader(into, defer, (bytes) => this.#read(bytes));
  }

  send(signal: LinkSignal): void {
    switch (signal.t) {
      case "accept": {
        const info = { ...signal.info, routingId: signal.info.routingId && Array.from(signal.info.routingId) };
        const body = encoder.encode(JSON.stringify(info));
        return this.#writer.write([recordHead(Kind.Accept, body.byteLength), body]);
      }
      case "refuse": {
        const body = encoder.encode(signal.reason);
        return this.#writer.write([recordHead(Kind.Refuse, body.byteLength), body]);
      }
      case "credit": {
        const record = recordHead(Kind.Credit, 4, 4);
        new DataView(record.buffer).setUint32(5, signal.n, true);
        return this.#writer.write([record]);
      }
      case "end":
        return this.#writer.write([recordHead(Kind.End, 0)]);
      case "ack":
        return this.#writer.write([recordHead(Kind.Ack, 0)]);
    }
  }

  sendMessages(messages: readonly Message[]): void {
    let entries = 1;
    let small = 0;
    let large = 0;
    for (const message of messages) {
      entries += 1 + message.length;
      for (const frame of message) {
        if (frame.byteLength < LARGE_FRAME) small += frame.byteLength;
        else large += frame.byteLength;
      }
    }
    // Head, the entry count and small total, the lengths, the small frames: one buffer; large frames as they are.
    const fixed = 8 + 4 * entries + small;
    const record = recordHead(Kind.Data, fixed + large, fixed);
    const view = new DataView(record.buffer);
    view.setUint32(5, entries, true);
    view.setUint32(9, small, true);
    let at = 13;
    let bytesAt = 13 + 4 * entries;
    const chunks: Uint8Array[] = [record];
    view.setUint32(at, messages.length, true);
    at += 4;
    for (const message of messages) {
      view.setUint32(at, message.length, true);
      at += 4;
      for (const frame of message) {
        view.setUint32(at, frame.byteLength, true);
        at += 4;
        if (frame.byteLength < LARGE_FRAME) {
          record.set(frame, bytesAt);
          bytesAt += frame.byteLength;
        } else chunks.push(frame);
      }
    }
    this.#writer.write(chunks);
  }

  close(graceful: boolean): void {
    if (this.#closed) return;
    this.#closed = true;
    if (graceful) this.#writer.end();
    else this.#writer.close();
    this.#reader.close();
  }

  /** A chunk of the ring (a view of shared memory, valid during this call): copies it into the record. */
  #read(bytes: Uint8Array): void {
    let i = 0;
    while (i < bytes.byteLength && !this.#closed) {
      if (this.#payload === null) {
        const n = Math.min(5 - this.#headFilled, bytes.byteLength - i);
        this.#head.set(bytes.subarray(i, i + n), this.#headFilled);
        this.#headFilled += n;
        i += n;
        if (this.#headFilled < 5) return;
        this.#kind = this.#head[0];
        this.#payload = new Uint8Array(new DataView(this.#head.buffer).getUint32(1, true));
        this.#filled = 0;
      } else {
        const n = Math.min(this.#payload.byteLength - this.#filled, bytes.byteLength - i);
        this.#payload.set(bytes.subarray(i, i + n), this.#filled);
        this.#filled += n;
        i += n;
      }
      if (this.#filled === this.#payload.byteLength) {
        const payload = this.#payload;
        this.#payload = null;
        this.#headFilled = 0;
        try {
          this.#record(this.#kind, payload);
        } catch {
          this.#receiver.broken();
          return;
        }
      }
    }
  }

  #record(kind: number, payload: Uint8Array): void {
    const receiver = this.#receiver;
    const view = new DataView(payload.buffer);
    switch (kind) {
      case Kind.Data:
        return readBatch(view, payload, (m) => receiver.message(m));
      case Kind.Accept: {
        const info = JSON.parse(decoder.decode(payload)) as EndInfo & { routingId: number[] | null };
        const routingId = info.routingId === null ? null : Uint8Array.from(info.routingId);
        const checked = asLink({ t: "accept", info: { ...info, routingId } });
        if (checked === null || checked.t !== "accept") throw new RangeError("a malformed accept");
        return receiver.signal(checked);
      }
      case Kind.Refuse:
        return receiver.signal({ t: "refuse", reason: decoder.decode(payload) });
      case Kind.Credit:
        return receiver.signal({ t: "credit", n: view.getUint32(0, true) });
      case Kind.End:
        return receiver.signal({ t: "end" });
      case Kind.Ack:
        return receiver.signal({ t: "ack" });
    }
    throw new RangeError(`a record of kind ${kind}`);
  }
}

/** Hands over each message of a data record; frames are views of `payload`. */
function readBatch(view: DataView, payload: Uint8Array, deliver: (message: Message) => void): void {
  const entries = view.getUint32(0, true);
  const small = view.getUint32(4, true);
  let at = 8;
  let smallAt = 8 + 4 * entries;
  let largeAt = smallAt + small;
  if (largeAt > payload.byteLength) throw new RangeError("a record shorter than its lengths say");
  const messages = view.getUint32(at, true);
  at += 4;
  for (let m = 0; m < messages; m++) {
    const frames = view.getUint32(at, true);
    at += 4;
    const message: Message = new Array(frames);
    for (let f = 0; f < frames; f++) {
      const length = view.getUint32(at, true);
      at += 4;
      if (length < LARGE_FRAME) {
        message[f] = payload.subarray(smallAt, smallAt + length);
        smallAt += length;
      } else {
        message[f] = payload.subarray(largeAt, largeAt + length);
        largeAt += length;
      }
    }
    deliver(message);
  }
  if (at !== 8 + 4 * entries || largeAt !== payload.byteLength) {
    throw new RangeError("a record longer or shorter than its lengths say");
  }
}
