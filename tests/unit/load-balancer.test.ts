// Round-robin over peers with room (src/routing/load-balancer.ts, libzmq's lb_t).
import { test } from "node:test";
import assert from "node:assert/strict";
import { LoadBalancer } from "../../src/routing/load-balancer.ts";
import { Peer } from "../../src/peer.ts";
import { text } from "../support/util.ts";

const peer = (name: string, hwm = 0) => Peer.withPipes(hwm, 0, `inproc://${name}`);
const m = (s: string) => [new TextEncoder().encode(s)];
/** The first frames queued on each peer, as text. */
const queued = (...peers: Peer[]) =>
  peers.map((p) => {
    const out: string[] = [];
    for (let x; (x = p.outbound.read());) out.push(text(x[0]));
    return out;
  });

test("messages go to each peer in turn", () => {
  const lb = new LoadBalancer();
  const [a, b, c] = [peer("a"), peer("b"), peer("c")];
  lb.add(a);
  lb.add(b);
  lb.add(c);
  for (const s of ["1", "2", "3", "4", "5"]) assert.equal(lb.send(m(s)), true);
  assert.deepEqual(queued(a, b, c), [["1", "4"], ["2", "5"], ["3"]]);
});

test("a full peer is skipped; its turn passes to the next", () => {
  const lb = new LoadBalancer();
  const [a, b] = [peer("a", 1), peer("b")];
  lb.add(a);
  lb.add(b);
  lb.send(m("1")); // a is full now
  lb.send(m("2"));
  lb.send(m("3"));
  assert.deepEqual(queued(a, b), [["1"], ["2", "3"]]);
});

test("send is false when every peer is full, or there is none", () => {
  const lb = new LoadBalancer();
  assert.equal(lb.send(m("x")), false);
  const a = peer("a", 1);
  lb.add(a);
  assert.equal(lb.send(m("1")), true);
  assert.equal(lb.send(m("2")), false);
  assert.equal(a.outbound.size, 1);
});

test("lastPeer names the peer the last message went to", () => {
  const lb = new LoadBalancer();
  const [a, b] = [peer("a"), peer("b")];
  lb.add(a);
  lb.add(b);
  assert.equal(lb.lastPeer, null);
  lb.send(m("1"));
  assert.equal(lb.lastPeer, a);
  lb.send(m("2"));
  assert.equal(lb.lastPeer, b);
});

test("removing a peer before the turn keeps the turn on the same next peer", () => {
  const lb = new LoadBalancer();
  const [a, b, c] = [peer("a"), peer("b"), peer("c")];
  lb.add(a);
  lb.add(b);
  lb.add(c);
  lb.send(m("1")); // to a; b is next
  lb.remove(a);
  lb.send(m("2"));
  lb.send(m("3"));
  assert.deepEqual(queued(a, b, c), [["1"], ["2"], ["3"]]);
});

test("removing the last peer while it is next wraps the turn to the first", () => {
  const lb = new LoadBalancer();
  const [a, b, c] = [peer("a"), peer("b"), peer("c")];
  lb.add(a);
  lb.add(b);
  lb.add(c);
  lb.send(m("1"));
  lb.send(m("2")); // c is next
  lb.remove(c);
  lb.send(m("3"));
  assert.deepEqual(queued(a, b, c), [["1", "3"], ["2"], []]);
});

test("removing a peer that was never added changes nothing", () => {
  const lb = new LoadBalancer();
  const [a, b] = [peer("a"), peer("b")];
  lb.add(a);
  lb.add(b);
  lb.send(m("1"));
  lb.remove(peer("stranger"));
  lb.send(m("2"));
  assert.deepEqual(queued(a, b), [["1"], ["2"]]);
});
