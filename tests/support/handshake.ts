/** Drives two security mechanisms against each other, as two engines would, with no I/O. */
import type { HandshakeStep, Mechanism } from "../../src/zmtp/mechanism.ts";

/** What one side ended with. */
export interface SideResult {
  /** The peer's metadata, once the handshake completed on this side. */
  ready?: HandshakeStep["ready"];
  /** Why the handshake failed on this side. */
  error?: HandshakeStep["error"];
  /** The commands this side sent, in order (as their names, for assertions). */
  sent: string[];
}

const commandName = (body: Uint8Array): string => String.fromCharCode(...body.subarray(1, 1 + body[0]));

/**
 * Runs the handshake to its end: both sides start, then each command one side sends is handed to
 * the other's `receive`, in order, until neither side has anything left to read.
 *
 * @example
 * ```ts
 * const [client, server] = await handshake(new NullMechanism(meta), new NullMechanism(meta));
 * assert.ok(client.ready && server.ready);
 * ```
 */
export async function handshake(a: Mechanism, b: Mechanism): Promise<[SideResult, SideResult]> {
  const sides = [a, b];
  const results: [SideResult, SideResult] = [{ sent: [] }, { sent: [] }];
  const inbox: Uint8Array[][] = [[], []];
  const take = (i: number, step: HandshakeStep) => {
    for (const body of step.send ?? []) {
      results[i].sent.push(commandName(body));
      inbox[1 - i].push(body);
    }
    if (step.ready) results[i].ready = step.ready;
    if (step.error) results[i].error = step.error;
  };
  take(0, await a.start());
  take(1, await b.start());
  // A side that failed or finished reads no more (its engine closed, or went on to messages);
  // a failing side's last command (ERROR) still reaches the other.
  const listening = (i: number) => inbox[i].length > 0 && !results[i].error && !results[i].ready;
  for (let rounds = 0; rounds < 20; rounds++) {
    const i = listening(0) ? 0 : listening(1) ? 1 : -1;
    if (i < 0) break;
    take(i, await sides[i].receive(inbox[i].shift()!));
  }
  return results;
}
