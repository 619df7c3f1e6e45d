// Routing ids of a ROUTER's peers (src/routing/routing-table.ts): where an id comes from, and what
// happens when a second peer arrives with an id in use (libzmq ignores it; with ZMQ_ROUTER_HANDOVER
// it takes the id over and the old peer is retired).
import { test } from "node:test";
import assert from "node:assert/strict";
import { RoutingTable } from "../../src/routing/routing-table.ts";
import { Peer } from "../../src/peer.ts";
import { bytes, text } from "../support/util.ts";

/** A table whose host records what it is told. */
function table(handover = false) {
  const identified: Peer[] = [];
  const retired: Peer[] = [];
  const routing = new RoutingTable({
    handover: () => handover,
    identified: (p) => void identified.push(p),
    retired: (p) => void retired.push(p),
  });
  return { routing, identified, retired };
}

/** A peer as the socket makes it; `announced` is its Identity, `handshaken` whether its handshake is done. */
function peer({ announced, assigned, handshaken = true }: {
  announced?: string;
  assigned?: string;
  handshaken?: boolean;
} = {}): Peer {
  const p = Peer.withPipes(0, 0, "tcp://127.0.0.1:5555");
  if (handshaken) p.socketType = "DEALER";
  if (announced !== undefined) p.announcedId = bytes(announced);
  if (assigned !== undefined) p.assignedId = bytes(assigned);
  return p;
}

test("a handshaken peer is known by the Identity it announced", () => {
  const { routing, identified } = table();
  const p = peer({ announced: "alice" });
  assert.equal(routing.attach(p), true);
  assert.deepEqual(identified, [p]);
  assert.equal(text(p.routingId!), "alice");
  assert.equal(routing.lookup(bytes("alice")), p);
});

test("the id given to connect wins over the one the peer announces", () => {
  const { routing } = table();
  const p = peer({ assigned: "mine", announced: "theirs" });
  routing.attach(p);
  assert.equal(text(p.routingId!), "mine");
  assert.equal(routing.lookup(bytes("theirs")), undefined);
});

test("a peer without an id gets a generated one: 5 bytes, a zero first, unique", () => {
  const { routing } = table();
  const a = peer();
  const b = peer();
  routing.attach(a);
  routing.attach(b);
  assert.equal(a.routingId!.byteLength, 5);
  assert.equal(a.routingId![0], 0);
  assert.notDeepEqual(a.routingId, b.routingId);
  assert.equal(routing.lookup(a.routingId!), a);
  assert.equal(routing.lookup(b.routingId!), b);
});

test("a connected peer waits for its handshake before it is routable", () => {
  const { routing, identified } = table();
  const p = peer({ handshaken: false });
  assert.equal(routing.attach(p), true);
  assert.deepEqual(identified, []);
  assert.equal(p.routingId, null);
  p.socketType = "DEALER";
  p.announcedId = bytes("late");
  routing.handshake(p);
  assert.deepEqual(identified, [p]);
  assert.equal(routing.lookup(bytes("late")), p);
});

test("a reconnected peer keeps its id, whatever it announces the second time", () => {
  const { routing, identified } = table();
  const p = peer({ announced: "first" });
  routing.attach(p);
  p.announcedId = bytes("second");
  routing.handshake(p);
  assert.equal(identified.length, 1);
  assert.equal(routing.lookup(bytes("first")), p);
  assert.equal(routing.lookup(bytes("second")), undefined);
});

test("an inproc peer whose binder came later is identified on the next lookup", () => {
  const { routing, identified } = table();
  const p = peer({ handshaken: false });
  routing.attach(p);
  p.socketType = "DEALER"; // the binder arrived
  p.announcedId = bytes("binder");
  assert.equal(routing.lookup(bytes("binder")), p);
  assert.deepEqual(identified, [p]);
});

test("without handover, a newcomer with an id in use is ignored and the first peer keeps it", () => {
  const { routing, identified, retired } = table(false);
  const first = peer({ announced: "dup" });
  const second = peer({ announced: "dup" });
  routing.attach(first);
  assert.equal(routing.attach(second), true);
  assert.deepEqual(identified, [first]);
  assert.deepEqual(retired, []);
  assert.equal(routing.ignores(second), true);
  assert.equal(routing.ignores(first), false);
  assert.equal(routing.lookup(bytes("dup")), first);
  assert.equal(second.routingId, null);
});

test("with handover, the newcomer takes the id; the old peer is retired under a generated id", () => {
  const { routing, identified, retired } = table(true);
  const first = peer({ announced: "dup" });
  const second = peer({ announced: "dup" });
  routing.attach(first);
  routing.attach(second);
  assert.deepEqual(identified, [first, second]);
  assert.deepEqual(retired, [first]);
  assert.equal(routing.lookup(bytes("dup")), second);
  assert.equal(routing.ignores(first), true);
  assert.equal(routing.ignores(second), false);
  assert.equal(first.routingId![0], 0, "the retired peer's id is a generated one");
  assert.equal(routing.lookup(first.routingId!), undefined, "and nothing is routed to it");
});

test("after handover, the retired peer leaving does not free the newcomer's id", () => {
  const { routing } = table(true);
  const first = peer({ announced: "dup" });
  const second = peer({ announced: "dup" });
  routing.attach(first);
  routing.attach(second);
  routing.detach(first);
  assert.equal(routing.lookup(bytes("dup")), second);
  assert.equal(routing.ignores(first), false);
});

test("an id given to connect that is in use refuses the attach", () => {
  const { routing, identified } = table(true);
  routing.attach(peer({ announced: "taken" }));
  const p = peer({ assigned: "taken" });
  assert.equal(routing.attach(p), false);
  assert.equal(identified.length, 1);
});

test("a peer that leaves frees its id for the next one", () => {
  const { routing, retired } = table(false);
  const first = peer({ announced: "id" });
  routing.attach(first);
  routing.detach(first);
  assert.equal(routing.lookup(bytes("id")), undefined);
  const second = peer({ announced: "id" });
  routing.attach(second);
  assert.equal(routing.lookup(bytes("id")), second);
  assert.equal(routing.ignores(second), false);
  assert.deepEqual(retired, []);
});

test("an ignored duplicate that leaves is forgotten", () => {
  const { routing } = table(false);
  routing.attach(peer({ announced: "dup" }));
  const dup = peer({ announced: "dup" });
  routing.attach(dup);
  routing.detach(dup);
  assert.equal(routing.ignores(dup), false);
});
