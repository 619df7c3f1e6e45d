// The subscription tries against a naive list of prefixes, on random sequences of subscribe,
// cancel, a peer leaving and match (fast-check, fixed seed; FUZZ_RUNS for more).
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import fc from "fast-check";
import { Peer } from "../../src/peer.ts";
import { CountedPrefixes, SubscriptionTrie } from "../../src/routing/trie.ts";
import { nodeFor, prune, TrieNode } from "../../src/routing/byte-trie.ts";

const runs = Number(process.env.FUZZ_RUNS ?? 300);
const seed = process.env.FUZZ_RUNS ? Date.now() : 20261207;
const params = { numRuns: runs, seed };

// Few distinct bytes, so prefixes collide, nest and share nodes; 0 and 255 stretch a node's table at both ends.
const byte = fc.constantFrom(0, 1, 2, 7, 200, 255);
const frame = fc.array(byte, { maxLength: 6 }).map((b) => Uint8Array.from(b));
const key = (b: Uint8Array): string => [...b].join(",");
const startsWith = (f: Uint8Array, p: Uint8Array): boolean => p.every((v, i) => f[i] === v);

type Op =
  | { op: "subscribe"; peer: number; prefix: number }
  | { op: "cancel"; peer: number; prefix: number }
  | { op: "leave"; peer: number }
  | { op: "match"; frame: Uint8Array };

const PEERS = 4;
const peerIndex = fc.integer({ min: 0, max: PEERS - 1 });
// Operations name prefixes from a small pool drawn per run, so that cancels hit what was subscribed.
const poolIndex = fc.nat({ max: 7 });
const scenario = fc.record({
  pool: fc.array(fc.array(byte, { maxLength: 5 }).map((b) => Uint8Array.from(b)), { minLength: 8, maxLength: 8 }),
  ops: fc.array(
    fc.oneof(
      fc.record({ op: fc.constant("subscribe" as const), peer: peerIndex, prefix: poolIndex }),
      fc.record({ op: fc.constant("cancel" as const), peer: peerIndex, prefix: poolIndex }),
      fc.record({ op: fc.constant("leave" as const), peer: peerIndex }),
      fc.record({ op: fc.constant("match" as const), frame }),
    ),
    { maxLength: 80 },
  ),
});

/** Every node reachable below `root` that holds nothing and leads to nothing: pruning left it behind. */
function deadNodes<V>(root: TrieNode<V>): number {
  let dead = 0;
  const visit = (node: TrieNode<V>, isRoot: boolean): boolean => {
    let below = false;
    for (const child of node.next ?? []) if (child !== null && visit(child, false)) below = true;
    const alive = node.value !== null || below;
    if (!alive && !isRoot) dead++;
    return alive;
  };
  visit(root, true);
  return dead;
}

test("SubscriptionTrie matches a naive prefix list: subscribe, cancel, a peer leaving, match", () => {
  fc.assert(
    fc.property(scenario, ({ pool, ops: sequence }: { pool: Uint8Array[]; ops: Op[] }) => {
      const peers = Array.from({ length: PEERS }, (_, i) => Peer.withPipes(1, 1, `peer-${i}`));
      const trie = new SubscriptionTrie();
      // The model: each peer's set of prefixes (the publisher keeps a peer once per prefix, as libzmq).
      const model = peers.map(() => new Map<string, Uint8Array>());
      const holders = (k: string) => model.filter((m) => m.has(k)).length;
      for (const step of sequence) {
        if (step.op === "subscribe") {
          const k = key(pool[step.prefix]);
          assert.equal(trie.add(pool[step.prefix], peers[step.peer]), holders(k) === 0, "add: new prefix");
          model[step.peer].set(k, pool[step.prefix]);
        } else if (step.op === "cancel") {
          const k = key(pool[step.prefix]);
          const had = model[step.peer].delete(k);
          const expected = !had ? "absent" : holders(k) === 0 ? "last" : "remain";
          assert.equal(trie.remove(pool[step.prefix], peers[step.peer]), expected);
        } else if (step.op === "leave") {
          const held = model[step.peer];
          model[step.peer] = new Map();
          const removed = trie.removePeer(peers[step.peer]);
          const got = removed.map((r) => `${key(r.prefix)}:${r.last}`).sort();
          const expected = [...held.keys()].map((k) => `${k}:${holders(k) === 0}`).sort();
          assert.deepEqual(got, expected, "removePeer reports each prefix of the peer once");
        } else {
          const out: Peer[] = [];
          trie.match(step.frame, out);
          const expected = peers.filter((_, i) => [...model[i].values()].some((p) => startsWith(step.frame, p)));
          assert.equal(new Set(out).size, out.length, "each peer once");
          assert.deepEqual(new Set(out), new Set(expected));
          const inverted: Peer[] = [];
          trie.matchInverted(step.frame, peers, inverted);
          assert.deepEqual(new Set(inverted), new Set(peers.filter((p) => !expected.includes(p))));
        }
      }
      // Everyone leaving leaves nothing to match.
      for (const p of peers) trie.removePeer(p);
      const out: Peer[] = [];
      trie.match(new Uint8Array([0, 1, 2, 7]), out);
      assert.deepEqual(out, []);
    }),
    params,
  );
});

test("CountedPrefixes matches a naive counted list: subscribing twice needs two cancels", () => {
  fc.assert(
    fc.property(scenario, ({ pool, ops: sequence }: { pool: Uint8Array[]; ops: Op[] }) => {
      const prefixes = new CountedPrefixes();
      const model = new Map<string, { prefix: Uint8Array; count: number }>();
      for (const step of sequence) {
        if (step.op === "subscribe") {
          const entry = model.get(key(pool[step.prefix]));
          assert.equal(prefixes.add(pool[step.prefix]), entry === undefined);
          if (entry) entry.count++;
          else model.set(key(pool[step.prefix]), { prefix: pool[step.prefix], count: 1 });
        } else if (step.op === "cancel") {
          const entry = model.get(key(pool[step.prefix]));
          const last = entry?.count === 1;
          assert.equal(prefixes.remove(pool[step.prefix]), last);
          if (entry && --entry.count === 0) model.delete(key(pool[step.prefix]));
        } else if (step.op === "match") {
          const expected = [...model.values()].some((e) => startsWith(step.frame, e.prefix));
          assert.equal(prefixes.matches(step.frame), expected);
        }
        assert.equal(prefixes.size, model.size);
        assert.deepEqual([...prefixes].map(key).sort(), [...model.keys()].sort(), "iteration lists each prefix once");
      }
    }),
    params,
  );
});

test("the byte trie keeps no node that leads to nothing, whatever order prefixes come and go in", () => {
  fc.assert(
    fc.property(scenario, ({ pool, ops: sequence }: { pool: Uint8Array[]; ops: Op[] }) => {
      const root = new TrieNode<number>(null, 0);
      for (const step of sequence) {
        if (step.op === "subscribe") nodeFor(root, pool[step.prefix], true)!.value = 1;
        else if (step.op === "cancel") {
          const node = nodeFor(root, pool[step.prefix], false);
          if (node === null) continue;
          node.value = null;
          prune(node);
        }
        assert.equal(deadNodes(root), 0);
        // Each node's table starts and ends with a child: no slot is kept for a byte that left.
        const check = (node: TrieNode<number>) => {
          if (node.next === null) return assert.equal(node.live, 0);
          assert.ok(node.next[0] !== null && node.next[node.next.length - 1] !== null);
          assert.equal(node.next.filter((c) => c !== null).length, node.live);
          for (const c of node.next) if (c) check(c);
        };
        check(root);
      }
    }),
    params,
  );
});

test("a SubscriptionTrie finds the one peer among 10,000 prefixes, and the empty prefix matches every message", () => {
  const trie = new SubscriptionTrie();
  const a = Peer.withPipes(1, 1, "a");
  const b = Peer.withPipes(1, 1, "b");
  const enc = new TextEncoder();
  for (let i = 0; i < 10_000; i++) trie.add(enc.encode(`topic-${String(i).padStart(6, "0")}.`), a);
  const out: Peer[] = [];
  trie.match(enc.encode("topic-004321.payload"), out);
  assert.deepEqual(out, [a]);
  out.length = 0;
  trie.match(enc.encode("topic-004321"), out);
  assert.deepEqual(out, [], "a frame shorter than every prefix matches none");
  trie.add(new Uint8Array(0), b);
  trie.match(undefined, out);
  assert.deepEqual(out, [b], "an empty message matches the empty prefix only");
  assert.equal(trie.removePeer(a).length, 10_000);
});
