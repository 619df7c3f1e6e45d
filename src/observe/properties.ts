/**
 * Message properties, as libzmq's `zmq_msg_gets` reads them: what the peer a
 * message came from announced in its handshake (Socket-Type, Identity, the
 * application's X- properties), what the ZAP handler said of it (User-Id and
 * the metadata of its reply), and where it connected from (Peer-Address).
 *
 * @module
 */
import type { Peer } from "../peer.ts";

const decoder = new TextDecoder();

/**
 * The properties of a received message: those of the connection it came in on. Names are
 * case-insensitive, as ZMTP's; values are text (`bytes` gives them raw).
 *
 * @example
 * ```ts
 * const router = new Router({ receiveProperties: true });
 * const message = await router.receive();
 * const props = router.propertiesOf(message);
 * props?.get("Socket-Type"); // "DEALER"
 * props?.get("X-Service"); // what the dealer set with its `metadata` option
 * ```
 */
export class MessageProperties {
  readonly #values = new Map<string, Uint8Array>();

  /** @internal Built by the socket from the peer the message came from. */
  constructor(peer: Peer) {
    const values = this.#values;
    if (peer.metadata) { for (const [name, value] of peer.metadata) values.set(name, value); }
    if (peer.socketType !== null && !values.has("socket-type")) values.set("socket-type", encode(peer.socketType));
    // libzmq 4.3 names the peer's Identity "Routing-Id" too (ZMTP 3.1 calls it so).
    const identity = values.get("identity") ?? peer.announcedId;
    if (identity && identity.byteLength > 0) {
      values.set("routing-id", identity);
      values.set("identity", identity);
    }
    // libzmq's precedence: Peer-Address, then what ZAP said (User-Id, the reply's metadata), then the peer's READY.
    if (peer.zapMetadata) { for (const [name, value] of peer.zapMetadata) values.set(name, value); }
    if (peer.userId !== null) values.set("user-id", peer.userId);
    const address = peerAddress(peer);
    if (address !== null) values.set("peer-address", encode(address));
  }

  /** A property as text (UTF-8), by any case of its name; null when the connection has none such. */
  get(name: string): string | null {
    const value = this.#values.get(name.toLowerCase());
    return value === undefined ? null : decoder.decode(value);
  }

  /** A property's bytes (a binary routing id), by any case of its name; null when absent. */
  bytes(name: string): Uint8Array | null {
    return this.#values.get(name.toLowerCase())?.slice() ?? null;
  }

  /** Every property's name, in lower case. */
  names(): string[] {
    return [...this.#values.keys()];
  }
}

/** libzmq's Peer-Address: the peer's IP address for tcp (no port), the path or URL otherwise; none for inproc. */
function peerAddress(peer: Peer): string | null {
  const address = peer.remoteAddress;
  if (address === null || address === "" || peer.link) return null;
  if (!peer.endpoint.startsWith("tcp:")) return address;
  const m = /^\[?(.*?)\]?:\d+$/.exec(address);
  return m ? m[1] : address;
}

const encoder = new TextEncoder();
function encode(text: string): Uint8Array {
  return encoder.encode(text);
}
