/**
 * The interface between the ZWS 2.0 transport (RFC 45) and each runtime's
 * WebSocket client and server. Runtime code lives in the adapters
 * (`node.ts`, `deno.ts`, `bun.ts`, `browser.ts`); everything here is web-standard.
 *
 * @module
 */
import type { ByteConnection } from "../runtime/types.ts";

/** Where a `ws://` or `wss://` endpoint listens or connects. */
export interface WsAddress {
  readonly kind: "ws";
  /** `wss://`: TLS, for connecting where the runtime's WebSocket client provides it. */
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** The resource path, "/" when the endpoint names none. */
  readonly path: string;
}

/** A listening WebSocket server for one endpoint. */
export interface WsListener {
  /** The bound address; for port 0 this carries the port the kernel chose. */
  readonly address: WsAddress;
  /** Stops accepting; connections already accepted stay. */
  close(): Promise<void>;
}

/**
 * What a WebSocket (client or server side) offers the ZWS connection. The
 * adapter calls the connection's `message`/`closed` for what arrives.
 */
export interface MessageSocket {
  /** Sends one binary message. */
  send(message: Uint8Array): void;
  /** Bytes queued by `send` and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** Closes after queued messages (close frame 1000). */
  close(): void;
  /** Closes at once where the runtime can (else as `close`). */
  terminate(): void;
  /** Holds the messages of one `write` for a single system call, where the runtime allows it. */
  cork?(): void;
  uncork?(): void;
  /** Stops reading from the network, where the runtime allows it. */
  pause?(): void;
  resume?(): void;
  /** Calls `fn` when the runtime says its send buffer drained; absent: the connection polls `bufferedAmount`. */
  onDrain?: ((fn: () => void) => void) | undefined;
}

/** A runtime's WebSocket client and server, as the ws transport needs them. */
export interface WsRuntime {
  /**
   * Serves WebSocket upgrades at `address.path`, accepting a client whose
   * `Sec-WebSocket-Protocol` list offers the subprotocol of `mechanism()` (read per connection,
   * so option changes apply).
   */
  listen(
    address: WsAddress,
    mechanism: () => string,
    onConnection: (conn: ByteConnection) => void,
  ): Promise<WsListener>;
  /** Opens a WebSocket offering `protocols`; resolves once open with the ZWS connection. */
  connect(address: WsAddress, protocols: readonly string[]): Promise<ByteConnection>;
}
