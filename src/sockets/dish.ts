/**
 * DISH (RFC 48): receives the single-part messages a RADIO sends to the
 * groups it joined. Joins go to every RADIO peer (again after a reconnect, as
 * libzmq does on a pipe "hiccup"); a message for a group not joined is
 * dropped here too, as libzmq's `dish_t` filters as well as the radio.
 *
 * @module
 */
import type { Frame, Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { ZmqError } from "../errors.ts";
import { FairQueue } from "../routing/fair-queue.ts";
import type { SocketOptions } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";
import { groupKey, membership } from "../zmtp/group.ts";
import { DraftSocket, useDraftRules } from "./draft-socket.ts";
import { type GroupLike, toGroup } from "./groups.ts";

/** The group a DISH message was sent to. */
export interface DishGroupOptions {
  /** The group's bytes. */
  group: Uint8Array;
}

/**
 * Receives what RADIO sockets send to the groups it joins (a libzmq draft type).
 *
 * @example
 * ```ts
 * await using dish = new Dish();
 * dish.connect("tcp://127.0.0.1:5556");
 * dish.join("weather");
 * const [report, { group }] = await dish.receive();
 * ```
 */
export class Dish extends DraftSocket<DishGroupOptions, never> {
  readonly #rules: DishRules;

  /** Creates a Dish; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions) {
    // libzmq's dish sets ZMQ_LINGER to 0: pending joins are not worth waiting for at close.
    super("DISH", options?.linger === undefined ? { ...options, linger: 0 } : options);
    this.#rules = useDraftRules(this, (core) => new DishRules(core));
  }

  /**
   * Joins groups: messages sent to them arrive from now on. EINVAL for a group joined
   * already or longer than 255 bytes (as `zmq_join`); the groups before it are joined.
   *
   * @example
   * ```ts
   * dish.join("weather", "traffic");
   * ```
   */
  join(...groups: GroupLike[]): void {
    for (const group of groups) this.#rules.change(toGroup(group, "Dish.join"), true);
  }

  /**
   * Leaves groups joined before; EINVAL for a group not joined (as `zmq_leave`).
   *
   * @example
   * ```ts
   * dish.leave("traffic");
   * ```
   */
  leave(...groups: GroupLike[]): void {
    for (const group of groups) this.#rules.change(toGroup(group, "Dish.leave"), false);
  }
}

/** Dish's routing rules (see `SocketRules`). */
class DishRules implements SocketRules {
  readonly #core: SocketCore;
  #in = new FairQueue();
  #peers = new Set<Peer>();
  /** Joined groups by key, with their bytes. */
  #groups = new Map<string, Uint8Array>();
  /** Peers that have completed a handshake (a connected endpoint's peer is attached before its first). */
  #handshaken = new WeakSet<Peer>();

  constructor(core: SocketCore) {
    this.#core = core;
  }

  attach(peer: Peer): boolean {
    this.#in.add(peer);
    this.#peers.add(peer);
    this.#joinAll(peer);
    return true;
  }

  handshake(peer: Peer): void {
    // A connected endpoint's first handshake: its joins are already queued from attach.
    if (!this.#handshaken.has(peer)) {
      this.#handshaken.add(peer);
      return;
    }
    // A reconnect: what was queued is dropped and every join sent again (libzmq's xhiccuped).
    peer.outbound.clear();
    this.#joinAll(peer);
  }

  detach(peer: Peer): void {
    this.#peers.delete(peer);
  }

  /** Joins (or leaves) a group and tells every radio. */
  change(group: Uint8Array, join: boolean): void {
    const key = groupKey(group);
    if (this.#groups.has(key) === join) {
      throw new ZmqError(
        "EINVAL",
        `Dish.${join ? "join" : "leave"}: group "${key}" is ${join ? "joined already" : "not joined"}`,
      );
    }
    if (join) this.#groups.set(key, group.slice());
    else this.#groups.delete(key);
    const message = membership(group, join);
    // Past the high-water mark if need be: a join is never dropped (a dish sends nothing else).
    for (const peer of this.#peers) peer.outbound.write([message]);
  }

  receive(): Message | undefined {
    let message: Message | undefined;
    while ((message = this.#in.receive()) !== undefined) {
      // `[group, body]`; anything else, or a group not joined (left meanwhile), is dropped.
      if (message.length !== 2 || !this.#groups.has(groupKey(message[0]))) {
        this.#core.dropped(1);
        continue;
      }
      const received: [Frame, DishGroupOptions] = [message[1], { group: message[0] }];
      return received as unknown as Message;
    }
    return undefined;
  }

  #joinAll(peer: Peer): void {
    for (const group of this.#groups.values()) peer.outbound.write([membership(group, true)]);
  }
}
