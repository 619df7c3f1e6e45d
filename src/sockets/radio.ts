/**
 * RADIO (RFC 48): sends single-part messages to groups. Each message goes to
 * the DISH peers that joined its group and to no other (libzmq filters at the
 * radio); a peer whose queue is full misses it, so the radio never blocks.
 * Over ZMTP a message is two frames, the group (with MORE) and the body, as
 * libzmq's `radio_session` writes it; joins arrive as JOIN/LEAVE commands,
 * which the engine hands over as `[0x01|0x00, ...group]` messages.
 *
 * Over udp:// (libzmq's group and body in one datagram, `engine/udp.ts`) a
 * radio connects: each udp endpoint is a peer that takes every message, as
 * libzmq's `udp_pipes`, since the dishes behind it (any number, for a
 * multicast group) filter for themselves.
 *
 * @module
 */
import type { FrameLike, Message } from "../message.ts";
import type { Peer } from "../peer.ts";
import { Distributor } from "../routing/distributor.ts";
import type { SocketOptions } from "../socket.ts";
import type { SocketCore, SocketRules } from "../socket-rules.ts";
import { type MulticastOptions, offerMulticast } from "../multicast-options.ts";
import { groupKey } from "../zmtp/group.ts";
import { DraftSocket, onlyFrame, pairWritable, sendRouted, useDraftRules } from "./draft-socket.ts";
import { type GroupLike, toGroup } from "./groups.ts";

/** The group a RADIO message is sent to. */
export interface RadioGroupOptions {
  /** The group: UTF-8 text or bytes, at most 255 bytes. */
  group: GroupLike;
}

/**
 * Publishes single-part messages to groups that DISH sockets join (a libzmq draft type).
 *
 * @example
 * ```ts
 * await using radio = new Radio();
 * await radio.bind("tcp://127.0.0.1:5556");
 * await radio.send("21 degrees", { group: "weather" });
 * ```
 */
export class Radio extends DraftSocket<never, RadioGroupOptions> {
  /** The TTL of the multicast it sends over udp://; 1 stays on the local network [ZMQ_MULTICAST_HOPS]. */
  declare multicastHops: number;
  /** Whether sockets on this host receive the multicast it sends over udp:// [ZMQ_MULTICAST_LOOP]. */
  declare multicastLoop: boolean;
  #writable: WritableStream<[FrameLike, RadioGroupOptions]> | null = null;
  /** The last group sent to, and its bytes: a loop sending to one group encodes it once. */
  #lastGroup: GroupLike | null = null;
  #lastBytes: Uint8Array = new Uint8Array(0);

  /** Creates a Radio; every option can also be set later as a property of the same name. */
  constructor(options?: SocketOptions & MulticastOptions) {
    super("RADIO", options);
    useDraftRules(this, (core) => new RadioRules(core));
  }

  /**
   * Sends a single-part message to the DISH peers that joined `group`; resolves at once (a
   * peer whose queue is full misses it). EINVAL for a multipart message or a group longer
   * than 255 bytes.
   *
   * @example
   * ```ts
   * await radio.send("goal!", { group: "match-42" });
   * ```
   */
  override send(message: FrameLike | readonly FrameLike[], options: RadioGroupOptions): Promise<void> {
    let frame: FrameLike;
    let group: Uint8Array;
    try {
      frame = onlyFrame(message, "RADIO");
      group = this.#group(options?.group);
    } catch (err) {
      return Promise.reject(err);
    }
    return sendRouted(this, [group, frame]);
  }

  /** Outgoing `[frame, { group }]` pairs as a Web `WritableStream` (each goes through `send`). */
  override get writable(): WritableStream<[FrameLike, RadioGroupOptions]> {
    return this.#writable ??= pairWritable(this);
  }

  #group(group: GroupLike | undefined): Uint8Array {
    if (group === this.#lastGroup) return this.#lastBytes;
    const bytes = toGroup(group, "Radio.send");
    this.#lastGroup = group!;
    this.#lastBytes = bytes;
    return bytes;
  }
}

/** Radio's routing rules (see `SocketRules`): `[group, body]` to the peers that joined the group. */
class RadioRules implements SocketRules {
  readonly #core: SocketCore;
  #out = new Distributor();
  #members = new Map<string, Set<Peer>>();
  /** udp endpoints: every message goes to them (libzmq's `udp_pipes`). */
  #all = new Set<Peer>();
  /** The last group frame routed and its key: `Radio` hands the same bytes for the same group. */
  #lastGroup: Uint8Array | null = null;
  #lastKey = "";

  constructor(core: SocketCore) {
    this.#core = core;
  }

  attach(peer: Peer): boolean {
    if (peer.endpoint.startsWith("udp://")) this.#all.add(peer);
    else this.#out.add(peer);
    return true;
  }

  /** A dish's joins and leaves (libzmq's `xread_activated`); anything else from it is dropped. */
  readable(peer: Peer): void {
    const inbound = peer.inbound;
    if (peer.detached) return inbound.clear();
    let message: Message | undefined;
    while ((message = inbound.read()) !== undefined) {
      const m = message[0];
      if (message.length !== 1 || m.byteLength === 0 || m[0] > 1) continue;
      const key = groupKey(m, 1);
      let peers = this.#members.get(key);
      if (m[0] === 1) {
        if (!peers) this.#members.set(key, peers = new Set());
        peers.add(peer);
      } else if (peers?.delete(peer) && peers.size === 0) this.#members.delete(key);
    }
  }

  detach(peer: Peer): void {
    this.#out.remove(peer);
    this.#all.delete(peer);
    for (const [key, peers] of this.#members) if (peers.delete(peer) && peers.size === 0) this.#members.delete(key);
  }

  send(message: Message): boolean {
    const group = message[0];
    if (group !== this.#lastGroup) {
      this.#lastGroup = group;
      this.#lastKey = groupKey(group);
    }
    const peers = this.#members.get(this.#lastKey);
    let missed = peers === undefined ? 0 : peers.size - this.#out.send(message, peers);
    // Not through the distributor, which would encode the message for ZMTP once more.
    for (const peer of this.#all) {
      if (peer.detached || peer.outbound.full) missed++;
      else peer.outbound.write(message);
    }
    if (missed > 0) this.#core.dropped(missed);
    return true;
  }
}

offerMulticast(Radio);
