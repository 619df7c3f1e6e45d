/**
 * The node of a byte trie, as libzmq's `trie_t`/`mtrie_t` lay it out: each
 * node keeps its children in a dense table from its lowest to its highest
 * byte, so a lookup is one subtraction and one index, and a topic space such
 * as `topic-000123.` costs ten slots per digit rather than 256. Matching a
 * message walks only the bytes of its first frame, whatever the number of
 * prefixes held.
 *
 * @module
 */

/** One node: what is stored for the prefix that leads here, and the children. */
export class TrieNode<V> {
  /** What is held for this exact prefix; null for none. */
  value: V | null = null;
  /** The byte of `next[0]`. */
  min = 0;
  /** Children by `byte - min`; null when there are none. */
  next: (TrieNode<V> | null)[] | null = null;
  /** Non-null entries of `next`. */
  live = 0;
  /** The node one byte up (null at the root), for pruning and for reading a prefix back. */
  readonly parent: TrieNode<V> | null;
  /** The byte leading here from `parent`. */
  readonly byte: number;
  /** Length of the prefix that leads here. */
  readonly depth: number;

  constructor(parent: TrieNode<V> | null, byte: number) {
    this.parent = parent;
    this.byte = byte;
    this.depth = parent === null ? 0 : parent.depth + 1;
  }
}

/** The child of `node` for `byte`, if any. */
export function childOf<V>(node: TrieNode<V>, byte: number): TrieNode<V> | null {
  const next = node.next;
  if (next === null) return null;
  const i = byte - node.min;
  return i >= 0 && i < next.length ? next[i] : null;
}

/** The node for `prefix` below `root`; made (with the nodes on the way) when `create`, else null if absent. */
export function nodeFor<V>(root: TrieNode<V>, prefix: Uint8Array, create: boolean): TrieNode<V> | null {
  let node = root;
  for (let i = 0; i < prefix.byteLength; i++) {
    const byte = prefix[i];
    const child = childOf(node, byte);
    if (child !== null) node = child;
    else if (create) node = addChild(node, byte);
    else return null;
  }
  return node;
}

function addChild<V>(node: TrieNode<V>, byte: number): TrieNode<V> {
  let next = node.next;
  if (next === null) {
    node.min = byte;
    node.next = next = [null];
  } else if (byte < node.min) {
    // Grow at the front: a packed array of nulls, so lookups stay on V8's fast path.
    const shift = node.min - byte;
    const grown = new Array<TrieNode<V> | null>(shift + next.length).fill(null);
    for (let i = 0; i < next.length; i++) grown[shift + i] = next[i];
    node.next = next = grown;
    node.min = byte;
  } else {
    while (next.length <= byte - node.min) next.push(null);
  }
  const child = new TrieNode<V>(node, byte);
  next[byte - node.min] = child;
  node.live++;
  return child;
}

function removeChild<V>(node: TrieNode<V>, byte: number): void {
  const next = node.next!;
  next[byte - node.min] = null;
  if (--node.live === 0) {
    node.next = null;
    return;
  }
  // Keep the table as narrow as the children left, as libzmq compacts its tables.
  while (next[next.length - 1] === null) next.pop();
  let first = 0;
  while (next[first] === null) first++;
  if (first > 0) {
    node.next = next.slice(first);
    node.min += first;
  }
}

/** Removes `node` and its ancestors while they hold nothing, so memory follows the prefixes held. */
export function prune<V>(node: TrieNode<V>): void {
  let at = node;
  while (at.parent !== null && at.value === null && at.live === 0) {
    removeChild(at.parent, at.byte);
    at = at.parent;
  }
}

/** The prefix that leads to `node`, as new bytes. */
export function prefixOf<V>(node: TrieNode<V>): Uint8Array {
  const prefix = new Uint8Array(node.depth);
  for (let at: TrieNode<V> = node; at.parent !== null; at = at.parent) prefix[at.depth - 1] = at.byte;
  return prefix;
}

/** Every node below `root` (itself included) that holds a value, in byte order. */
export function* nodesWithValues<V>(root: TrieNode<V>): IterableIterator<TrieNode<V>> {
  const stack: TrieNode<V>[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.value !== null) yield node;
    const next = node.next;
    if (next === null) continue;
    for (let i = next.length - 1; i >= 0; i--) if (next[i] !== null) stack.push(next[i]!);
  }
}
