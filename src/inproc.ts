/**
 * The inproc endpoints of one Context (libzmq's ctx_t endpoint registry):
 * bind and connect in either order, and a link is two pipes shared by the
 * two sockets, so a message goes from one to the other as the same object.
 *
 * @module
 */
import type { Context } from "./context.ts";
import { ZmqError } from "./errors.ts";
import { Peer } from "./peer.ts";
import { Pipe } from "./pipe.ts";

/** What a socket's session offers the registry for inproc links. */
export interface InprocSocket {
  readonly socketType: string;
  /** High-water marks and routing id, read when a link is made. */
  inprocOptions(): {
    sendHighWaterMark: number;
    receiveHighWaterMark: number;
    routingId: Uint8Array | null;
    conflate: boolean;
  };
  /** Takes one end of a new link. */
  inprocAttach(peer: Peer): void;
}

interface PendingLink {
  /** The binder's end, waiting for a bind. */
  readonly peer: Peer;
  readonly connectorPeer: Peer;
}

/** libzmq sums the writer's send and the reader's receive HWM for an inproc pipe; 0 on either side means no limit. */
function sumHwm(send: number, receive: number): number {
  return send === 0 || receive === 0 ? 0 : send + receive;
}

/** The inproc names bound in one Context, and the connects waiting for a bind. */
export class InprocRegistry {
  #bound = new Map<string, InprocSocket>();
  #pending = new Map<string, PendingLink[]>();

  /** Registers `socket` at `inproc://name`; throws `EADDRINUSE` if taken. Links connectors that came first. */
  bind(name: string, socket: InprocSocket): void {
    if (this.#bound.has(name)) throw new ZmqError("EADDRINUSE", `inproc://${name} is already bound`);
    this.#bound.set(name, socket);
    const pending = this.#pending.get(name);
    this.#pending.delete(name);
    for (const link of pending ?? []) this.#complete(socket, link.peer);
  }

  /** Removes the binding (existing links stay). */
  unbind(name: string, socket: InprocSocket): void {
    if (this.#bound.get(name) === socket) this.#bound.delete(name);
  }

  /** Whether a socket is bound at `inproc://name` (ZAP asks a handler only when one is bound, as libzmq). */
  isBound(name: string): boolean {
    return this.#bound.has(name);
  }

  /**
   * Links `connector` to whatever binds `inproc://name`, now or later (libzmq 4 lets
   * connect come first). Returns the connector's end.
   */
  connect(name: string, connector: InprocSocket, assignedId: Uint8Array | null = null): Peer {
    const binder = this.#bound.get(name);
    const c = connector.inprocOptions();
    const b = binder?.inprocOptions() ?? c;
    // Either end asking for conflation makes the shared pipe keep only the newest message.
    const conflate = c.conflate || (binder !== undefined && b.conflate);
    const toBinder = new Pipe(sumHwm(c.sendHighWaterMark, b.receiveHighWaterMark), conflate);
    const toConnector = new Pipe(sumHwm(b.sendHighWaterMark, c.receiveHighWaterMark), conflate);
    const endpoint = `inproc://${name}`;
    const connectorPeer = new Peer(toBinder, toConnector, endpoint);
    connectorPeer.assignedId = assignedId;
    const binderPeer = new Peer(toConnector, toBinder, endpoint);
    connectorPeer.link = binderPeer;
    binderPeer.link = connectorPeer;
    binderPeer.socketType = connector.socketType;
    binderPeer.announcedId = c.routingId;
    if (binder) {
      connectorPeer.socketType = binder.socketType;
      connectorPeer.announcedId = b.routingId;
      connector.inprocAttach(connectorPeer);
      binder.inprocAttach(binderPeer);
    } else {
      const list = this.#pending.get(name) ?? [];
      list.push({ peer: binderPeer, connectorPeer });
      this.#pending.set(name, list);
      connector.inprocAttach(connectorPeer);
    }
    return connectorPeer;
  }

  /** Forgets a connect that is still waiting for its bind. */
  cancelPending(peer: Peer): void {
    for (const [name, list] of this.#pending) {
      const rest = list.filter((l) => l.connectorPeer !== peer);
      if (rest.length === 0) this.#pending.delete(name);
      else this.#pending.set(name, rest);
    }
  }

  #complete(binder: InprocSocket, binderPeer: Peer): void {
    const connectorPeer = binderPeer.link!;
    const b = binder.inprocOptions();
    connectorPeer.socketType = binder.socketType;
    connectorPeer.announcedId = b.routingId;
    binder.inprocAttach(binderPeer);
  }
}

const registries = new WeakMap<Context, InprocRegistry>();

/** The inproc endpoints of `context`. */
export function inprocOf(context: Context): InprocRegistry {
  let registry = registries.get(context);
  if (!registry) registries.set(context, registry = new InprocRegistry());
  return registry;
}
