/**
 * ZMTP socket types and which may talk to which (RFC 23, RFC 37 §"Socket
 * compatibility"). libzmq refuses an incompatible peer at handshake.
 *
 * @module
 */

/** The socket type names as they appear in the READY command. */
export type SocketType =
  | "PAIR"
  | "PUB"
  | "SUB"
  | "REQ"
  | "REP"
  | "DEALER"
  | "ROUTER"
  | "PULL"
  | "PUSH"
  | "XPUB"
  | "XSUB"
  | "STREAM";

const PEERS: Record<SocketType, readonly SocketType[]> = {
  PAIR: ["PAIR"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PULL: ["PUSH"],
  PUSH: ["PULL"],
  XPUB: ["SUB", "XSUB"],
  XSUB: ["PUB", "XPUB"],
  STREAM: [],
};

/** Whether a socket of type `ours` accepts a peer that says it is `theirs`. */
export function compatible(ours: SocketType, theirs: string): boolean {
  return (PEERS[ours] as readonly string[]).includes(theirs);
}
