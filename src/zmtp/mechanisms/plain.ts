/**
 * The PLAIN mechanism (RFC 24): the client sends a user name and password in
 * clear text, the server asks ZAP (RFC 27) whether to accept them. Then
 * INITIATE and READY exchange metadata as NULL's READY does.
 *
 *     C: HELLO username password    S: WELCOME (or ERROR)
 *     C: INITIATE metadata          S: READY metadata
 *
 * @module
 */
import {
  CommandError,
  decodeCommand,
  decodeError,
  decodeMetadata,
  encodeCommand,
  encodeError,
  encodeMetadata,
} from "../command.ts";
import { type HandshakeStep, type Mechanism, protocolError, type ProtocolErrorCode, refusal } from "../mechanism.ts";
import type { ZapAsk } from "../../zap.ts";

type Properties = readonly (readonly [string, Uint8Array | string])[];

const decoder = new TextDecoder();
const text = (b: Uint8Array): string => decoder.decode(b);

const protocol = (message: string, code: ProtocolErrorCode = "ERR_ZMTP_UNSPECIFIED"): HandshakeStep => ({
  error: protocolError(code, message),
});

/** An ERROR from the server: a ZAP status code (300/400/500) means refused credentials (libzmq's handle_error_reason). */
export function peerError(data: Uint8Array): HandshakeStep {
  const reason = decodeError(data);
  return { error: refusal(reason, `the server refused the handshake: ${reason}`) };
}

/** Runs `fn`, turning a malformed command into a protocol failure. */
function guarded(fn: () => HandshakeStep): HandshakeStep {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CommandError) return protocol(err.message, "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED");
    throw err;
  }
}

const WAIT_WELCOME = 0;
const WAIT_READY = 1;
const DONE = 2;

/** PLAIN client: sends the credentials, then its metadata. */
export class PlainClient implements Mechanism {
  readonly name = "PLAIN";
  readonly asServer = false;
  #metadata: Properties;
  #username: Uint8Array;
  #password: Uint8Array;
  #state = WAIT_WELCOME;

  constructor(metadata: Properties, username: Uint8Array, password: Uint8Array) {
    this.#metadata = metadata;
    this.#username = username;
    this.#password = password;
  }

  start(): HandshakeStep {
    const u = this.#username;
    const p = this.#password;
    const data = new Uint8Array(2 + u.byteLength + p.byteLength);
    data[0] = u.byteLength;
    data.set(u, 1);
    data[1 + u.byteLength] = p.byteLength;
    data.set(p, 2 + u.byteLength);
    return { send: [encodeCommand("HELLO", data)] };
  }

  receive(body: Uint8Array): HandshakeStep {
    return guarded(() => {
      // libzmq 4.3's PLAIN server writes its ERROR name as "\x05ERROR" in C, where "\x05E" is one
      // escape (0x5E): the command arrives as 0x5E "RROR" reason. Read it as the ERROR it means.
      if (this.#state !== DONE && body.byteLength >= 6 && body[0] === 0x5e && text(body.subarray(1, 5)) === "RROR") {
        return peerError(body.subarray(5));
      }
      const { name, data } = decodeCommand(body);
      if (name === "ERROR" && this.#state !== DONE) return peerError(data);
      if (name === "WELCOME" && this.#state === WAIT_WELCOME) {
        if (data.byteLength !== 0) return protocol("malformed WELCOME", "ERR_ZMTP_MALFORMED_COMMAND_WELCOME");
        this.#state = WAIT_READY;
        return { send: [encodeCommand("INITIATE", encodeMetadata(this.#metadata))] };
      }
      if (name === "READY" && this.#state === WAIT_READY) {
        this.#state = DONE;
        return { ready: decodeMetadata(data) };
      }
      return protocol(`unexpected ${name} command during the PLAIN handshake`, "ERR_ZMTP_UNEXPECTED_COMMAND");
    });
  }
}

const WAIT_HELLO = 0;
const WAIT_ZAP = 1;
const WAIT_INITIATE = 2;

/** PLAIN server: has ZAP judge the credentials, then exchanges metadata. */
export class PlainServer implements Mechanism {
  readonly name = "PLAIN";
  readonly asServer = true;
  #metadata: Properties;
  #zap: ZapAsk | null;
  #state = WAIT_HELLO;

  /** `zap` is null when no handler is bound: libzmq 4.3 then refuses every client. */
  constructor(metadata: Properties, zap: ZapAsk | null) {
    this.#metadata = metadata;
    this.#zap = zap;
  }

  start(): HandshakeStep {
    return {};
  }

  receive(body: Uint8Array): HandshakeStep | Promise<HandshakeStep> {
    let name: string;
    let data: Uint8Array;
    try {
      ({ name, data } = decodeCommand(body));
    } catch (err) {
      if (err instanceof CommandError) return protocol(err.message, "ERR_ZMTP_MALFORMED_COMMAND_UNSPECIFIED");
      throw err;
    }
    if (name === "HELLO" && this.#state === WAIT_HELLO) return this.#hello(data);
    if (name === "INITIATE" && this.#state === WAIT_INITIATE) {
      return guarded(() => {
        const metadata = decodeMetadata(data);
        this.#state = DONE;
        return { send: [encodeCommand("READY", encodeMetadata(this.#metadata))], ready: metadata };
      });
    }
    return protocol(`unexpected ${name} command during the PLAIN handshake`, "ERR_ZMTP_UNEXPECTED_COMMAND");
  }

  #hello(data: Uint8Array): HandshakeStep | Promise<HandshakeStep> {
    // RFC 24: username and password, each a length byte and that many bytes, nothing after.
    if (data.byteLength < 1) return protocol("malformed PLAIN HELLO", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
    const ulen = data[0];
    if (data.byteLength < 2 + ulen || data.byteLength !== 2 + ulen + data[1 + ulen]) {
      return protocol("malformed PLAIN HELLO", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
    }
    const username = data.slice(1, 1 + ulen);
    const password = data.slice(2 + ulen);
    if (!this.#zap) {
      return {
        error: {
          kind: "other",
          message: "PLAIN server without a ZAP handler at inproc://zeromq.zap.01 refuses every client",
        },
      };
    }
    this.#state = WAIT_ZAP;
    return this.#zap("PLAIN", [username, password]).then((outcome): HandshakeStep => {
      if (outcome.ok) {
        this.#state = WAIT_INITIATE;
        return { send: [encodeCommand("WELCOME")] };
      }
      // libzmq: a 300 (temporary failure) disconnects silently; 400 and 500 send ERROR with the code first.
      const send = outcome.statusCode && outcome.statusCode !== "300" ? [encodeError(outcome.statusCode)] : undefined;
      return { send, error: outcome.error };
    });
  }
}
