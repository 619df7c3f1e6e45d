// Round-robin over peers with messages (src/routing/fair-queue.ts, libzmq's fq_t).
import { test } from "node:test";
import assert from "node:assert/strict";
import { FairQueue } from "../../src/routing/fair-queue.ts";
import { Peer } from "../../src/peer.ts";
import { text } from "../support/util.ts";

const peer = (name: string) => Peer.withPipes(0, 0, `inproc://${name}`);
const put = (p: Peer, ...bodies: string[]) => {
  for (const s of bodies) p.inbound.write([new TextEncoder().encode(s)]);
};
/** Everything the queue hands out until it is empty, as text. */
const drain = (fq: FairQueue) => {
  const out: string[] = [];
  for (let x; (x = fq.receive());) out.push(text(x[0]));
  return out;
};

test("one message from each peer in turn: a busy peer cannot starve the others", () => {
  const fq = new FairQueue();
  const [a, b, c] = [peer("a"), peer("b"), peer("c")];
  fq.add(a);
  fq.add(b);
  fq.add(c);
  put(a, "a1", "a2", "a3");
  put(b, "b1");
  put(c, "c1", "c2");
  assert.deepEqual(drain(fq), ["a1", "b1", "c1", "a2", "c2", "a3"]);
});

test("receive is undefined with no peers or only empty ones", () => {
  const fq = new FairQueue();
  assert.equal(fq.receive(), undefined);
  fq.add(peer("a"));
  assert.equal(fq.receive(), undefined);
});

test("lastPeer names the peer the last message came from", () => {
  const fq = new FairQueue();
  const [a, b] = [peer("a"), peer("b")];
  fq.add(a);
  fq.add(b);
  put(b, "b1");
  assert.equal(fq.lastPeer, null);
  fq.receive();
  assert.equal(fq.lastPeer, b);
  put(a, "a1");
  fq.receive();
  assert.equal(fq.lastPeer, a);
});

test("the turn resumes after the peer last read, not from the first", () => {
  const fq = new FairQueue();
  const [a, b] = [peer("a"), peer("b")];
  fq.add(a);
  fq.add(b);
  put(a, "a1");
  assert.equal(text(fq.receive()![0]), "a1");
  put(a, "a2");
  put(b, "b1");
  assert.deepEqual(drain(fq), ["b1", "a2"]);
});

test("a peer that ended delivers what it had queued, then is forgotten", () => {
  const fq = new FairQueue();
  const [a, b] = [peer("a"), peer("b")];
  fq.add(a);
  fq.add(b);
  put(a, "a1", "a2");
  a.inbound.end();
  assert.deepEqual(drain(fq), ["a1", "a2"]);
  // Forgotten: anything appearing on its pipe now is not read (libzmq terminates the pipe).
  put(a, "late");
  put(b, "b1");
  assert.deepEqual(drain(fq), ["b1"]);
});

test("removing a peer drops it from the turn at once, with what it had queued", () => {
  const fq = new FairQueue();
  const [a, b, c] = [peer("a"), peer("b"), peer("c")];
  fq.add(a);
  fq.add(b);
  fq.add(c);
  put(a, "a1", "a2");
  put(b, "b1", "b2");
  put(c, "c1", "c2");
  assert.equal(text(fq.receive()![0]), "a1"); // b is next
  fq.remove(a);
  assert.deepEqual(drain(fq), ["b1", "c1", "b2", "c2"]);
});

test("a receive reads only peers that may have messages: idle peers cost nothing once found empty", () => {
  const fq = new FairQueue();
  const peers = Array.from({ length: 1000 }, (_, i) => peer(`p${i}`));
  let reads = 0;
  for (const p of peers) {
    fq.add(p);
    const read = p.inbound.read.bind(p.inbound);
    p.inbound.read = () => {
      reads++;
      return read();
    };
  }
  // Every new peer may hold messages, so the first receive finds each empty once.
  assert.equal(fq.receive(), undefined);
  assert.equal(reads, 1000);
  reads = 0;
  put(peers[500], "x");
  put(peers[7], "y");
  assert.deepEqual(drain(fq), ["x", "y"]);
  // Two messages and the two reads that found their peers empty again: no other peer was read.
  assert.equal(reads, 4);
  reads = 0;
  assert.equal(fq.receive(), undefined);
  assert.equal(reads, 0);
});
