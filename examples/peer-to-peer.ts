/**
 * PEER (RFC 51, a libzmq draft type): peers address each other by routing
 * id. `connectPeer` gives the id of the peer connected to at once, so a
 * message can be sent before the connection is even made; the other side
 * learns our id from what we send.
 *
 *   node --import tsx examples/peer-to-peer.ts [endpoint]
 *   deno run -A examples/peer-to-peer.ts …   |   bun examples/peer-to-peer.ts …
 *
 * Default: tcp://127.0.0.1:5563.
 */
import process from "node:process";
import { Peer } from "../mod.ts";

const [endpoint = "tcp://127.0.0.1:5563"] = process.argv.slice(2);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const alice = new Peer();
await alice.bind(endpoint);
const bob = new Peer();
const aliceId = await bob.connectPeer(alice.lastEndpoint!);
console.log(`bob knows alice as routing id ${aliceId}`);

await bob.send("hi alice", { routingId: aliceId });
const [greeting, { routingId: bobId }] = await alice.receive();
console.log(`alice got "${decode(greeting)}" from routing id ${bobId}`);
await alice.send("hi bob", { routingId: bobId });
const [answer, { routingId: from }] = await bob.receive();
console.log(`bob got "${decode(answer)}" from routing id ${from}`);
await Promise.all([alice.close(), bob.close()]);
