/**
 * What the threads of a process say to each other about the default
 * Context's inproc endpoints. One control channel carries the directory of
 * bound names and link requests; each link then has a channel of its own,
 * named by a random id only its two ends know. Everything is plain
 * structured-clone data, checked on arrival: a BroadcastChannel in a browser
 * reaches every page of the origin, whatever code it runs.
 *
 * @module
 */
import type { Batch } from "./batch.ts";
import { isRingMemory, type RingMemory } from "./ring.ts";

/** Bumped when the messages change: threads of different omq versions then do not see each other. */
const VERSION = 1;

/** The control channel of the process. */
export const CONTROL_CHANNEL: string = `omq:inproc:v${VERSION}`;

/** The channel of one link. */
export function linkChannel(link: string): string {
  return `${CONTROL_CHANNEL}:link:${link}`;
}

/** What each end of a link announces: what a same-thread link reads from the other socket. */
export interface EndInfo {
  readonly socketType: string;
  readonly routingId: Uint8Array | null;
  readonly sendHighWaterMark: number;
  readonly receiveHighWaterMark: number;
  readonly conflate: boolean;
}

/** On the control channel. `from` is the sending thread's name. */
export type ControlMessage =
  /** A thread starts taking part: the others announce what they bind. */
  | { readonly t: "hello"; readonly from: string }
  /** A thread stops taking part (it has no bindings, links or waiting connects left). */
  | { readonly t: "bye"; readonly from: string }
  /** `name` is bound in `from` since `stamp` (ms since the epoch; ties go to the smaller thread name). */
  | { readonly t: "bound"; readonly from: string; readonly name: string; readonly stamp: number }
  | { readonly t: "unbound"; readonly from: string; readonly name: string }
  /** Whoever binds `name`, say so. */
  | { readonly t: "who"; readonly from: string; readonly name: string }
  /**
   * A connect asks `to`, which binds `name`, for a link; the answer comes over the link: on its
   * channel, or in `rings` (to the binder, to the connector) where links are carried in shared memory.
   */
  | {
    readonly t: "link";
    readonly from: string;
    readonly to: string;
    readonly name: string;
    readonly link: string;
    readonly info: EndInfo;
    readonly rings?: readonly [RingMemory, RingMemory];
  }
  /** The connect gave up on a link before it was answered. */
  | { readonly t: "unlink"; readonly from: string; readonly to: string; readonly link: string }
  /** `thread` has ended (said by a thread that saw it, on runtimes without Web Locks). */
  | { readonly t: "gone"; readonly from: string; readonly thread: string };

/** What the ends of a link say to each other besides messages (threads/carrier.ts carries both). */
export type LinkSignal =
  | { readonly t: "accept"; readonly info: EndInfo }
  | { readonly t: "refuse"; readonly reason: string }
  /** Room for `n` more messages. */
  | { readonly t: "credit"; readonly n: number }
  /** No more messages: the sending socket let go of the link. */
  | { readonly t: "end" }
  /** Answers `end`: everything before it has arrived. */
  | { readonly t: "ack" };

/** On a link's BroadcastChannel: signals, and batches of messages. */
export type LinkMessage = LinkSignal | { readonly t: "data"; readonly batch: Batch };

const isString = (v: unknown): v is string => typeof v === "string";

function isEndInfo(v: unknown): v is EndInfo {
  const i = v as EndInfo;
  return typeof v === "object" && v !== null && isString(i.socketType) &&
    (i.routingId === null || i.routingId instanceof Uint8Array) &&
    Number.isInteger(i.sendHighWaterMark) && i.sendHighWaterMark >= 0 &&
    Number.isInteger(i.receiveHighWaterMark) && i.receiveHighWaterMark >= 0 && typeof i.conflate === "boolean";
}

function isRings(v: unknown): v is readonly [RingMemory, RingMemory] {
  return Array.isArray(v) && v.length === 2 && isRingMemory(v[0]) && isRingMemory(v[1]);
}

/** `data` as a control message, or null when it is not one. */
export function asControl(data: unknown): ControlMessage | null {
  const m = data as Record<string, unknown>;
  if (typeof data !== "object" || data === null || !isString(m.from)) return null;
  switch (m.t) {
    case "hello":
    case "bye":
      return m as ControlMessage;
    case "bound":
      return isString(m.name) && typeof m.stamp === "number" ? m as ControlMessage : null;
    case "unbound":
    case "who":
      return isString(m.name) ? m as ControlMessage : null;
    case "link":
      return isString(m.to) && isString(m.name) && isString(m.link) && isEndInfo(m.info) &&
          (m.rings === undefined || isRings(m.rings))
        ? m as ControlMessage
        : null;
    case "unlink":
      return isString(m.to) && isString(m.link) ? m as ControlMessage : null;
    case "gone":
      return isString(m.thread) ? m as ControlMessage : null;
  }
  return null;
}

function isBatch(v: unknown): v is Batch {
  const b = v as Batch;
  return typeof v === "object" && v !== null && b.lengths instanceof Uint32Array && typeof b.shared === "boolean" &&
    (b.bytes === null || typeof b.bytes === "object") && (b.large === null || Array.isArray(b.large));
}

/** `data` as a link message, or null when it is not one. */
export function asLink(data: unknown): LinkMessage | null {
  const m = data as Record<string, unknown>;
  if (typeof data !== "object" || data === null) return null;
  switch (m.t) {
    case "accept":
      return isEndInfo(m.info) ? m as LinkMessage : null;
    case "refuse":
      return isString(m.reason) ? m as LinkMessage : null;
    case "data":
      return isBatch(m.batch) ? m as LinkMessage : null;
    case "credit":
      return Number.isInteger(m.n) && (m.n as number) > 0 ? m as LinkMessage : null;
    case "end":
    case "ack":
      return m as LinkMessage;
  }
  return null;
}

/** `data` as a link signal (not a batch), or null when it is not one. */
export function asSignal(data: unknown): LinkSignal | null {
  const m = asLink(data);
  return m === null || m.t === "data" ? null : m;
}
