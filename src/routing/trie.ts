/**
 * Prefix subscriptions of a publisher's peers (libzmq's `mtrie`): which peers
 * want messages whose first frame starts with a prefix. A peer subscribing to
 * the same prefix twice is kept once and one cancel removes it, as in libzmq:
 * the counting happens at the subscriber, which sends a cancel only for its
 * last unsubscribe (see `CountedPrefixes`).
 *
 * @module
 */
import type { Peer } from "../peer.ts";

const latin1 = (bytes: Uint8Array, length = bytes.byteLength): string => {
  let s = "";
  for (let i = 0; i < length; i++) s += String.fromCharCode(bytes[i]);
  return s;
};

/** Prefixes → peers, with matching of a message's first frame. */
export class SubscriptionTrie {
  #byPrefix = new Map<string, Set<Peer>>();
  #longest = 0;

  /** Adds `peer` to `prefix`; true when the prefix had no peer before. */
  add(prefix: Uint8Array, peer: Peer): boolean {
    const key = latin1(prefix);
    let peers = this.#byPrefix.get(key);
    const fresh = !peers;
    if (!peers) this.#byPrefix.set(key, peers = new Set());
    peers.add(peer);
    if (key.length > this.#longest) this.#longest = key.length;
    return fresh;
  }

  /**
   * Removes `peer` from `prefix`: "last" when no peer wants the prefix any more, "remain" when
   * others still do, "absent" when the peer had no such subscription (libzmq's `rm_result`).
   */
  remove(prefix: Uint8Array, peer: Peer): "last" | "remain" | "absent" {
    const key = latin1(prefix);
    const peers = this.#byPrefix.get(key);
    if (!peers || !peers.delete(peer)) return "absent";
    if (peers.size > 0) return "remain";
    this.#byPrefix.delete(key);
    return "last";
  }

  /** Removes a peer everywhere; returns each prefix it had and whether that was the last peer for it. */
  removePeer(peer: Peer): { prefix: Uint8Array; last: boolean }[] {
    const removed: { prefix: Uint8Array; last: boolean }[] = [];
    for (const [key, peers] of this.#byPrefix) {
      if (!peers.delete(peer)) continue;
      const last = peers.size === 0;
      if (last) this.#byPrefix.delete(key);
      removed.push({ prefix: Uint8Array.from(key, (c) => c.charCodeAt(0)), last });
    }
    return removed;
  }

  /** Calls `fn` once for each peer with a prefix of `frame`. */
  forEachMatch(frame: Uint8Array | undefined, fn: (peer: Peer) => void): void {
    if (this.#byPrefix.size === 0) return;
    const head = frame ? latin1(frame, Math.min(frame.byteLength, this.#longest)) : "";
    if (this.#byPrefix.size === 1) {
      const [[key, peers]] = this.#byPrefix;
      if (head.startsWith(key)) { for (const p of peers) fn(p); }
      return;
    }
    const seen = new Set<Peer>();
    for (const [key, peers] of this.#byPrefix) {
      if (!head.startsWith(key)) continue;
      for (const p of peers) {
        if (seen.has(p)) continue;
        seen.add(p);
        fn(p);
      }
    }
  }
}

/** A subscriber's own prefixes, counted: subscribing twice needs unsubscribing twice. */
export class CountedPrefixes {
  #counts = new Map<string, number>();
  #longest = 0;

  /** Counts one more; true when the prefix is new. */
  add(prefix: Uint8Array): boolean {
    const key = latin1(prefix);
    const n = this.#counts.get(key) ?? 0;
    this.#counts.set(key, n + 1);
    if (key.length > this.#longest) this.#longest = key.length;
    return n === 0;
  }

  /** Counts one less; true when it reached zero. */
  remove(prefix: Uint8Array): boolean {
    const key = latin1(prefix);
    const n = this.#counts.get(key);
    if (!n) return false;
    if (n === 1) this.#counts.delete(key);
    else this.#counts.set(key, n - 1);
    return n === 1;
  }

  /** Whether a message with this first frame matches some prefix. */
  matches(frame: Uint8Array | undefined): boolean {
    if (this.#counts.size === 0) return false;
    const head = frame ? latin1(frame, Math.min(frame.byteLength, this.#longest)) : "";
    for (const key of this.#counts.keys()) if (head.startsWith(key)) return true;
    return false;
  }

  /** Every prefix currently subscribed (each once). */
  *[Symbol.iterator](): IterableIterator<Uint8Array> {
    for (const key of this.#counts.keys()) yield Uint8Array.from(key, (c) => c.charCodeAt(0));
  }
}
