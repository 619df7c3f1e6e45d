/**
 * A Context is the namespace of inproc endpoints (libzmq's ctx_t), with a
 * default one shared process-wide. inproc peers share pipes directly: a
 * message goes from one socket to the other as the same object.
 *
 * @module
 */
import { ZmqError } from "./errors.ts";
import { defineOptions, initialOptions } from "./options.ts";
import { Peer } from "./peer.ts";
import { Pipe } from "./pipe.ts";

/** Defaults for the sockets created in a context (zeromq.js's `Context` options). */
export interface ContextOptions {
  /** See {@linkcode Context.blocky}. */
  blocky?: boolean;
  /** See {@linkcode Context.ipv6}. */
  ipv6?: boolean;
  /** See {@linkcode Context.maxMessageSize}. */
  maxMessageSize?: number;
}

/** What a socket offers the context for inproc links. */
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
  readonly connector: InprocSocket;
  /** The binder's end, waiting for a bind. */
  readonly peer: Peer;
  readonly connectorPeer: Peer;
}

/** libzmq sums the writer's send and the reader's receive HWM for an inproc pipe; 0 on either side means no limit. */
function sumHwm(send: number, receive: number): number {
  return send === 0 || receive === 0 ? 0 : send + receive;
}

/**
 * A namespace for inproc endpoints, and defaults for the sockets created in it.
 * Sockets use the default `context` unless given another. Changing a default
 * affects sockets created afterwards, as in libzmq.
 *
 * @example
 * ```ts
 * const ctx = new Context({ blocky: false }); // its sockets' linger defaults to 0
 * const pull = new Pull({ context: ctx });
 * await pull.bind("inproc://work");
 * ```
 */
export class Context {
  /** Sockets created here keep unsent messages on close (linger -1); false makes their linger default 0 [ZMQ_BLOCKY]. */
  declare blocky: boolean;
  /** The `ipv6` sockets created here start with [ZMQ_IPV6]. */
  declare ipv6: boolean;
  /** The `maxMessageSize` sockets created here start with, in bytes; -1 for no limit [ZMQ_MAX_MSGSZ]. */
  declare maxMessageSize: number;
  /** @ignore */
  readonly options: Record<string, unknown>;
  #bound = new Map<string, InprocSocket>();
  #pending = new Map<string, PendingLink[]>();

  /** Creates a context; an unknown option or a bad value throws `TypeError`/`RangeError` naming it. */
  constructor(options?: ContextOptions) {
    this.options = initialOptions(this, options as Record<string, unknown> | undefined);
  }

  /** @ignore */
  optionChanged(): void {}

  /**
   * The option values a socket created in this context starts from (its own options override them).
   * @ignore
   */
  socketDefaults(): Record<string, unknown> {
    const defaults: Record<string, unknown> = { ipv6: this.ipv6, maxMessageSize: this.maxMessageSize };
    if (!this.blocky) defaults.linger = 0;
    return defaults;
  }

  /**
   * Registers `socket` at `inproc://name`; throws `EADDRINUSE` if taken. Links connectors that came first. @ignore
   * @ignore
   */
  bindInproc(name: string, socket: InprocSocket): void {
    if (this.#bound.has(name)) throw new ZmqError("EADDRINUSE", `inproc://${name} is already bound`);
    this.#bound.set(name, socket);
    const pending = this.#pending.get(name);
    this.#pending.delete(name);
    for (const link of pending ?? []) this.#complete(socket, link.peer);
  }

  /**
   * Removes the binding (existing links stay). @ignore
   * @ignore
   */
  unbindInproc(name: string, socket: InprocSocket): void {
    if (this.#bound.get(name) === socket) this.#bound.delete(name);
  }

  /**
   * Links `connector` to whatever binds `inproc://name`, now or later (libzmq
   * 4 lets connect come first). Returns the connector's end.
   * @ignore
   */
  connectInproc(name: string, connector: InprocSocket, assignedId: Uint8Array | null = null): Peer {
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
      list.push({ connector, peer: binderPeer, connectorPeer });
      this.#pending.set(name, list);
      connector.inprocAttach(connectorPeer);
    }
    return connectorPeer;
  }

  /** Whether a socket is bound at `inproc://name` (ZAP asks a handler only when one is bound, as libzmq). */
  isBound(name: string): boolean {
    return this.#bound.has(name);
  }

  /**
   * Forgets a connect that is still waiting for its bind.
   * @ignore
   */
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

defineOptions(Context, {
  blocky: { kind: "bool", default: true },
  ipv6: { kind: "bool", default: false },
  maxMessageSize: { kind: "int", default: -1, min: -1 },
});

/** The process-wide default context. */
export const context: Context = new Context();
