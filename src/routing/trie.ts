/**
 * Prefix subscriptions on both sides of publish/subscribe, as byte tries
 * (libzmq's `mtrie_t` at the publisher, `trie_t` at the subscriber): matching
 * a message walks the bytes of its first frame, so its cost does not grow with
 * the number of subscriptions, and allocates nothing.
 *
 * At the publisher a peer subscribing to the same prefix twice is kept once and
 * one cancel removes it, as in libzmq: the counting happens at the subscriber,
 * which sends a cancel only for its last unsubscribe (see `CountedPrefixes`).
 *
 * @module
 */
import type { Peer } from "../peer.ts";
import { childOf, nodeFor, nodesWithValues, prefixOf, prune, TrieNode } from "./byte-trie.ts";

/** What the publisher's trie keeps of one peer. */
class PeerEntry {
  readonly peer: Peer;
  /** The nodes (prefixes) this peer is subscribed to, so that its leaving costs its own prefixes only. */
  readonly nodes = new Set<TrieNode<PeerEntry[]>>();
  /** The match in which this peer was last collected: one delivery per message however many prefixes match. */
  mark = 0;

  constructor(peer: Peer) {
    this.peer = peer;
  }
}

/** Marks wrap here, staying small integers (V8's fast representation). */
const MARK_LIMIT = 0x3fffffff;

/** One removed subscription of a peer: its prefix, and whether no other peer holds it. */
export interface RemovedSubscription {
  prefix: Uint8Array;
  last: boolean;
}

/** Prefixes → peers, with matching of a message's first frame. */
export class SubscriptionTrie {
  #root = new TrieNode<PeerEntry[]>(null, 0);
  #entries = new Map<Peer, PeerEntry>();
  #mark = 0;
  #size = 0;

  /** How many distinct prefixes some peer holds (libzmq's `num_prefixes`, ZMQ_TOPICS_COUNT). */
  get size(): number {
    return this.#size;
  }

  /** Adds `peer` to `prefix`; true when the prefix had no peer before. */
  add(prefix: Uint8Array, peer: Peer): boolean {
    let entry = this.#entries.get(peer);
    if (entry === undefined) this.#entries.set(peer, entry = new PeerEntry(peer));
    const node = nodeFor(this.#root, prefix, true)!;
    const fresh = node.value === null;
    if (entry.nodes.has(node)) return fresh;
    entry.nodes.add(node);
    if (node.value === null) {
      node.value = [entry];
      this.#size++;
    } else node.value.push(entry);
    return fresh;
  }

  /**
   * Removes `peer` from `prefix`: "last" when no peer wants the prefix any more, "remain" when
   * others still do, "absent" when the peer had no such subscription (libzmq's `rm_result`).
   */
  remove(prefix: Uint8Array, peer: Peer): "last" | "remain" | "absent" {
    const entry = this.#entries.get(peer);
    if (entry === undefined) return "absent";
    const node = nodeFor(this.#root, prefix, false);
    if (node === null || !entry.nodes.delete(node)) return "absent";
    if (entry.nodes.size === 0) this.#entries.delete(peer);
    return this.#drop(node, entry) ? "last" : "remain";
  }

  /** Removes a peer everywhere; returns each prefix it had and whether that was the last peer for it. */
  removePeer(peer: Peer): RemovedSubscription[] {
    const entry = this.#entries.get(peer);
    if (entry === undefined) return [];
    this.#entries.delete(peer);
    const removed: RemovedSubscription[] = [];
    // Read every prefix before pruning any: a pruned node no longer knows its way up.
    for (const node of entry.nodes) removed.push({ prefix: prefixOf(node), last: node.value!.length === 1 });
    for (const node of entry.nodes) this.#drop(node, entry);
    return removed;
  }

  /** Takes `entry` off `node`; true when that was the node's last peer (the node is then pruned). */
  #drop(node: TrieNode<PeerEntry[]>, entry: PeerEntry): boolean {
    const entries = node.value!;
    const at = entries.indexOf(entry);
    entries[at] = entries[entries.length - 1];
    entries.pop();
    if (entries.length > 0) return false;
    node.value = null;
    this.#size--;
    prune(node);
    return true;
  }

  /**
   * Appends to `out` each peer with a prefix of `frame`, once. Walks the frame's bytes only.
   *
   * @example
   * ```ts
   * const targets: Peer[] = [];
   * trie.match(message[0], targets);
   * ```
   */
  match(frame: Uint8Array | undefined, out: Peer[]): void {
    const mark = this.#nextMark();
    const length = frame === undefined ? 0 : frame.byteLength;
    let node = this.#root;
    for (let i = 0;; i++) {
      const entries = node.value;
      if (entries !== null) {
        for (let k = 0; k < entries.length; k++) {
          const entry = entries[k];
          if (entry.mark === mark) continue;
          entry.mark = mark;
          out.push(entry.peer);
        }
      }
      if (i === length) return;
      const child = childOf(node, frame![i]);
      if (child === null) return;
      node = child;
    }
  }

  /** Appends to `out` each of `peers` with no prefix of `frame` (ZMQ_INVERT_MATCHING). */
  matchInverted(frame: Uint8Array | undefined, peers: Iterable<Peer>, out: Peer[]): void {
    const matched = out.length;
    this.match(frame, out);
    out.length = matched;
    const mark = this.#mark;
    for (const peer of peers) if (this.#entries.get(peer)?.mark !== mark) out.push(peer);
  }

  #nextMark(): number {
    if (this.#mark === MARK_LIMIT) {
      for (const entry of this.#entries.values()) entry.mark = 0;
      this.#mark = 0;
    }
    return ++this.#mark;
  }
}

/**
 * A subscriber's own prefixes, counted: subscribing twice needs unsubscribing twice.
 *
 * @example
 * ```ts
 * const prefixes = new CountedPrefixes();
 * prefixes.add(new TextEncoder().encode("weather")); // true: new
 * prefixes.matches(new TextEncoder().encode("weather/paris")); // true
 * ```
 */
export class CountedPrefixes {
  #root = new TrieNode<number>(null, 0);
  #size = 0;
  #count = 0;

  /** Counts one more; true when the prefix is new. */
  add(prefix: Uint8Array): boolean {
    const node = nodeFor(this.#root, prefix, true)!;
    const n = node.value ?? 0;
    node.value = n + 1;
    this.#count++;
    if (n === 0) this.#size++;
    return n === 0;
  }

  /** Counts one less; true when it reached zero. */
  remove(prefix: Uint8Array): boolean {
    const node = nodeFor(this.#root, prefix, false);
    if (node === null || node.value === null) return false;
    this.#count--;
    if (node.value > 1) {
      node.value--;
      return false;
    }
    node.value = null;
    this.#size--;
    prune(node);
    return true;
  }

  /** How many distinct prefixes are held. */
  get size(): number {
    return this.#size;
  }

  /** How many subscriptions are held, each repeat of a prefix counted (libzmq's radix tree `size`). */
  get count(): number {
    return this.#count;
  }

  /** Whether a message with this first frame matches some prefix. Walks the frame's bytes only. */
  matches(frame: Uint8Array | undefined): boolean {
    const length = frame === undefined ? 0 : frame.byteLength;
    let node = this.#root;
    for (let i = 0;; i++) {
      if (node.value !== null) return true;
      if (i === length) return false;
      const child = childOf(node, frame![i]);
      if (child === null) return false;
      node = child;
    }
  }

  /** Every prefix currently subscribed (each once), in byte order. */
  *[Symbol.iterator](): IterableIterator<Uint8Array> {
    for (const node of nodesWithValues(this.#root)) yield prefixOf(node);
  }
}
