/**
 * The CURVE mechanism (RFC 25 ZMTP-CURVE, RFC 26 CurveZMQ), byte-compatible
 * with libzmq 4.3: short-term keys per connection, a cookie that the server
 * seals with a per-connection key, a vouch that binds the client's long-term
 * key to the connection, and afterwards every frame in a MESSAGE command.
 *
 *     C: HELLO    C', Box[64 zeros](C'->S)
 *     S: WELCOME  Box[S' + cookie](S->C')
 *     C: INITIATE cookie, Box[C + vouch + metadata](C'->S')
 *     S: READY    Box[metadata](S'->C')
 *
 * Short nonces are 64-bit big-endian counters (as libzmq's put_uint64); each
 * side checks that the peer's strictly increase, so a replayed or reordered
 * command or message drops the connection.
 *
 * The primitives are NaCl's crypto_box (X25519, HSalsa20, XSalsa20-Poly1305) from `boxCipher()`:
 * WebAssembly, or @noble/curves and @noble/ciphers where it is unavailable (or, in a browser's
 * main thread, still compiling); both give the same bytes, so a connection may switch.
 * MESSAGE nonces share a 16-byte prefix per direction, so its HSalsa20 step is done once per
 * connection, and frames are opened in place in the buffer they arrived in.
 *
 * @module
 */
import { boxCipher } from "../../crypto/box-cipher.ts";
import { decodeMetadata, encodeError, encodeMetadata } from "../command.ts";
import { COMMAND, MORE } from "../frame.ts";
import { type HandshakeStep, type Mechanism, protocolError, type ProtocolErrorCode } from "../mechanism.ts";
import type { ZapAsk } from "../../zap.ts";
import { peerError } from "./plain.ts";

type Properties = readonly (readonly [string, Uint8Array | string])[];

const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));
const ZERO_PREFIX = new Uint8Array(16);

/** crypto_box_beforenm: HSalsa20 of the X25519 shared secret. Throws for a low-order public key. */
export function beforenm(publicKey: Uint8Array, secretKey: Uint8Array): Uint8Array {
  const cipher = boxCipher();
  return cipher.subkey(cipher.x25519(secretKey, publicKey), ZERO_PREFIX);
}

/** crypto_box_afternm without the zero padding: MAC (16) then ciphertext. */
export function seal(key: Uint8Array, nonce: Uint8Array, plain: Uint8Array): Uint8Array {
  return boxCipher().seal(key, nonce, plain);
}

/** crypto_box_open_afternm; null when the box does not authenticate. */
export function open(key: Uint8Array, nonce: Uint8Array, box: Uint8Array): Uint8Array | null {
  return boxCipher().open(key, nonce, box);
}

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

function nonce(prefix: Uint8Array, suffix: Uint8Array): Uint8Array {
  const out = new Uint8Array(24);
  out.set(prefix);
  out.set(suffix, prefix.byteLength);
  return out;
}

function shortNonce(value: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, Math.floor(value / 0x1_0000_0000));
  view.setUint32(4, value >>> 0);
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

function startsWith(body: Uint8Array, prefix: Uint8Array): boolean {
  if (body.byteLength < prefix.byteLength) return false;
  for (let i = 0; i < prefix.byteLength; i++) if (body[i] !== prefix[i]) return false;
  return true;
}

const HELLO = ascii("\x05HELLO");
const WELCOME = ascii("\x07WELCOME");
const INITIATE = ascii("\x08INITIATE");
const READY = ascii("\x05READY");
const ERROR = ascii("\x05ERROR");
const MESSAGE = ascii("\x07MESSAGE");
const HELLO_NONCE = ascii("CurveZMQHELLO---");
const WELCOME_NONCE = ascii("WELCOME-");
const COOKIE_NONCE = ascii("COOKIE--");
const VOUCH_NONCE = ascii("VOUCH---");
const INITIATE_NONCE = ascii("CurveZMQINITIATE");
const READY_NONCE = ascii("CurveZMQREADY---");
const MESSAGE_C = ascii("CurveZMQMESSAGEC");
const MESSAGE_S = ascii("CurveZMQMESSAGES");

/** RFC 26 MESSAGE flags byte. */
const FLAG_MORE = 0x01;
const FLAG_COMMAND = 0x02;

const HELLO_SIZE = 200;
const WELCOME_SIZE = 168;
const INITIATE_MIN = 257;
const READY_MIN = 30;
const MESSAGE_MIN = 33;

class CurveError extends Error {}

const protocol = (message: string, code: ProtocolErrorCode = "ERR_ZMTP_UNSPECIFIED"): HandshakeStep => ({
  error: protocolError(code, message),
});

/** What both sides share once the handshake is done: the connection key and the nonce counters. */
abstract class CurveBase implements Mechanism {
  readonly name = "CURVE";
  abstract readonly asServer: boolean;
  protected metadata: Properties;
  /** Our short-term key pair (C' or S'). */
  protected shortSecret: Uint8Array = new Uint8Array(0);
  protected shortPublic: Uint8Array = new Uint8Array(0);
  /** Box key of the connection, C' with S'. */
  protected key: Uint8Array = new Uint8Array(0);
  /** Our next short nonce. */
  protected nonce = 1;
  #peerHi = 0;
  #peerLo = 0;
  #ours: Uint8Array;
  #theirs: Uint8Array;
  /** Salsa20 keys of our MESSAGE boxes and of the peer's: `key` with each direction's nonce prefix. */
  #sendKey: Uint8Array = new Uint8Array(0);
  #receiveKey: Uint8Array = new Uint8Array(0);
  /** What `decode` returns, reused: the engine reads it before the next frame. */
  #opened: { flags: number; body: Uint8Array } = { flags: 0, body: new Uint8Array(0) };

  constructor(metadata: Properties, ours: Uint8Array, theirs: Uint8Array) {
    this.metadata = metadata;
    this.#ours = ours;
    this.#theirs = theirs;
  }

  /** Sets the connection's box key (C' with S') and the MESSAGE keys derived from it. */
  protected setKey(key: Uint8Array): void {
    this.key = key;
    this.#sendKey = boxCipher().subkey(key, this.#ours);
    this.#receiveKey = boxCipher().subkey(key, this.#theirs);
  }

  abstract start(): HandshakeStep;
  protected abstract step(body: Uint8Array): HandshakeStep | Promise<HandshakeStep>;

  receive(body: Uint8Array): HandshakeStep | Promise<HandshakeStep> {
    try {
      return this.step(body);
    } catch (err) {
      // Malformed metadata, low-order keys (noble throws), replayed nonces: the peer's fault, never thrown at the host.
      return protocol(err instanceof Error ? err.message : String(err));
    }
  }

  protected newShortKeys(): void {
    this.shortSecret = random(32);
    this.shortPublic = boxCipher().publicKey(this.shortSecret);
  }

  /** Takes the next short nonce, as the 8 bytes to send. */
  protected nextNonce(): Uint8Array {
    return shortNonce(this.nonce++);
  }

  /** Accepts the peer's short nonce at `at` only if it is above every one seen (RFC 26: never reused). */
  protected checkPeerNonce(body: Uint8Array, at: number): Uint8Array {
    this.#checkPeerNonce(body, at);
    return body.subarray(at, at + 8);
  }

  #checkPeerNonce(body: Uint8Array, at: number): void {
    const hi = ((body[at] << 24) | (body[at + 1] << 16) | (body[at + 2] << 8) | body[at + 3]) >>> 0;
    const lo = ((body[at + 4] << 24) | (body[at + 5] << 16) | (body[at + 6] << 8) | body[at + 7]) >>> 0;
    if (hi < this.#peerHi || (hi === this.#peerHi && lo <= this.#peerLo)) {
      throw new CurveError("CURVE short nonce did not increase (replayed or reordered command)");
    }
    this.#peerHi = hi;
    this.#peerLo = lo;
  }

  encode(body: Uint8Array, flags: number): Uint8Array {
    const f = (flags & MORE ? FLAG_MORE : 0) | (flags & COMMAND ? FLAG_COMMAND : 0);
    return boxCipher().sealMessage(this.#sendKey, this.nonce++, f, body);
  }

  /** Opens a MESSAGE in place; the result is valid until the next call. */
  decode(command: Uint8Array): { flags: number; body: Uint8Array } {
    if (command.byteLength < MESSAGE_MIN || !startsWith(command, MESSAGE)) {
      throw new CurveError("CURVE peer sent something other than a MESSAGE command");
    }
    this.#checkPeerNonce(command, 8);
    if (!boxCipher().openMessage(this.#receiveKey, command)) {
      throw new CurveError("CURVE MESSAGE box does not authenticate");
    }
    const f = command[32];
    const opened = this.#opened;
    opened.flags = (f & FLAG_MORE ? MORE : 0) | (f & FLAG_COMMAND ? COMMAND : 0);
    opened.body = command.subarray(33);
    return opened;
  }
}

const C_WELCOME = 0;
const C_READY = 1;
const C_DONE = 2;

/** CURVE client: knows the server's long-term public key and has its own key pair. */
export class CurveClient extends CurveBase {
  readonly asServer = false;
  #serverKey: Uint8Array;
  #publicKey: Uint8Array | null;
  #secretKey: Uint8Array | null;
  /** Box key of C' with S: HELLO out, WELCOME in. */
  #helloKey: Uint8Array = new Uint8Array(0);
  #state = C_WELCOME;

  constructor(metadata: Properties, serverKey: Uint8Array, publicKey: Uint8Array | null, secretKey: Uint8Array | null) {
    super(metadata, MESSAGE_C, MESSAGE_S);
    this.#serverKey = serverKey;
    this.#publicKey = publicKey;
    this.#secretKey = secretKey;
  }

  start(): HandshakeStep {
    if (!this.#publicKey || !this.#secretKey) {
      return { error: { kind: "other", message: "a CURVE client needs curvePublicKey and curveSecretKey" } };
    }
    this.newShortKeys();
    try {
      this.#helloKey = beforenm(this.#serverKey, this.shortSecret);
    } catch (err) {
      return { error: { kind: "other", message: `curveServerKey is unusable: ${(err as Error).message}` } };
    }
    const short = this.nextNonce();
    const hello = new Uint8Array(HELLO_SIZE);
    hello.set(HELLO, 0);
    hello[6] = 1; // version 1.0; 72 bytes of padding follow so HELLO is as long as WELCOME's box (anti-amplification)
    hello.set(this.shortPublic, 80);
    hello.set(short, 112);
    hello.set(seal(this.#helloKey, nonce(HELLO_NONCE, short), new Uint8Array(64)), 120);
    return { send: [hello] };
  }

  protected step(body: Uint8Array): HandshakeStep {
    if (startsWith(body, WELCOME) && this.#state === C_WELCOME) return this.#welcome(body);
    if (startsWith(body, READY) && this.#state === C_READY) return this.#ready(body);
    if (startsWith(body, ERROR) && this.#state !== C_DONE) {
      if (body.byteLength < 7 || body[6] > body.byteLength - 7) {
        return protocol("malformed ERROR", "ERR_ZMTP_MALFORMED_COMMAND_ERROR");
      }
      return peerError(body.subarray(6));
    }
    return protocol("unexpected command during the CURVE handshake", "ERR_ZMTP_UNEXPECTED_COMMAND");
  }

  #welcome(body: Uint8Array): HandshakeStep {
    if (body.byteLength !== WELCOME_SIZE) return protocol("malformed WELCOME", "ERR_ZMTP_MALFORMED_COMMAND_WELCOME");
    const plain = open(this.#helloKey, nonce(WELCOME_NONCE, body.subarray(8, 24)), body.subarray(24));
    if (!plain) return protocol("cannot open the WELCOME box (wrong curveServerKey?)", "ERR_ZMTP_CRYPTOGRAPHIC");
    const serverShort = plain.subarray(0, 32);
    const cookie = plain.subarray(32, 128);
    this.setKey(beforenm(serverShort, this.shortSecret));
    // Vouch: Box[C' + S](C->S') proves we hold the long-term secret key of C for this connection.
    const vouchNonce = random(16);
    const vouchPlain = new Uint8Array(64);
    vouchPlain.set(this.shortPublic, 0);
    vouchPlain.set(this.#serverKey, 32);
    const vouch = seal(beforenm(serverShort, this.#secretKey!), nonce(VOUCH_NONCE, vouchNonce), vouchPlain);
    const metadata = encodeMetadata(this.metadata);
    const inner = new Uint8Array(128 + metadata.byteLength);
    inner.set(this.#publicKey!, 0);
    inner.set(vouchNonce, 32);
    inner.set(vouch, 48);
    inner.set(metadata, 128);
    const short = this.nextNonce();
    const box = seal(this.key, nonce(INITIATE_NONCE, short), inner);
    const initiate = new Uint8Array(113 + box.byteLength);
    initiate.set(INITIATE, 0);
    initiate.set(cookie, 9);
    initiate.set(short, 105);
    initiate.set(box, 113);
    this.#state = C_READY;
    return { send: [initiate] };
  }

  #ready(body: Uint8Array): HandshakeStep {
    if (body.byteLength < READY_MIN) return protocol("malformed READY", "ERR_ZMTP_MALFORMED_COMMAND_READY");
    const short = this.checkPeerNonce(body, 6);
    const plain = open(this.key, nonce(READY_NONCE, short), body.subarray(14));
    if (!plain) return protocol("cannot open the READY box", "ERR_ZMTP_CRYPTOGRAPHIC");
    const metadata = decodeMetadata(plain);
    this.#state = C_DONE;
    return { ready: metadata };
  }

  closedDuringHandshake(): HandshakeStep["error"] {
    // libzmq's server drops a HELLO it cannot open without a word; by far the likeliest cause is our key for it.
    if (this.#state !== C_WELCOME) return undefined;
    return {
      kind: "protocol",
      message: "the CURVE server closed the connection after HELLO (is curveServerKey right?)",
    };
  }
}

const S_HELLO = 0;
const S_INITIATE = 1;
const S_ZAP = 2;
const S_DONE = 3;

/** CURVE server: has the long-term secret key S; asks ZAP about each client's long-term key, if a handler is bound. */
export class CurveServer extends CurveBase {
  readonly asServer = true;
  #secretKey: Uint8Array | null;
  #zap: ZapAsk | null;
  #clientShort: Uint8Array = new Uint8Array(0);
  #helloKey: Uint8Array = new Uint8Array(0);
  #cookieKey: Uint8Array = new Uint8Array(0);
  #state = S_HELLO;

  /** `zap` is null when no handler is bound: libzmq 4.3 then accepts any client that knows our public key. */
  constructor(metadata: Properties, secretKey: Uint8Array | null, zap: ZapAsk | null) {
    super(metadata, MESSAGE_S, MESSAGE_C);
    this.#secretKey = secretKey;
    this.#zap = zap;
  }

  start(): HandshakeStep {
    if (!this.#secretKey) return { error: { kind: "other", message: "a CURVE server needs curveSecretKey" } };
    this.newShortKeys();
    return {};
  }

  protected step(body: Uint8Array): HandshakeStep | Promise<HandshakeStep> {
    if (startsWith(body, HELLO) && this.#state === S_HELLO) return this.#hello(body);
    if (startsWith(body, INITIATE) && this.#state === S_INITIATE) return this.#initiate(body);
    return protocol("unexpected command during the CURVE handshake", "ERR_ZMTP_UNEXPECTED_COMMAND");
  }

  #hello(body: Uint8Array): HandshakeStep {
    if (body.byteLength !== HELLO_SIZE) return protocol("malformed HELLO", "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
    if (body[6] !== 1 || body[7] !== 0) {
      return protocol(`unknown CURVE version ${body[6]}.${body[7]}`, "ERR_ZMTP_MALFORMED_COMMAND_HELLO");
    }
    this.#clientShort = body.slice(80, 112);
    const short = this.checkPeerNonce(body, 112);
    this.#helloKey = beforenm(this.#clientShort, this.#secretKey!);
    if (!open(this.#helloKey, nonce(HELLO_NONCE, short), body.subarray(120, 200))) {
      return protocol("cannot open the HELLO box (the client has the wrong server key?)", "ERR_ZMTP_CRYPTOGRAPHIC");
    }
    // Cookie: Box[C' + s'](K) under a key only this connection knows, returned to us in INITIATE.
    this.#cookieKey = random(32);
    const cookieNonce = random(16);
    const cookiePlain = new Uint8Array(64);
    cookiePlain.set(this.#clientShort, 0);
    cookiePlain.set(this.shortSecret, 32);
    const cookieBox = seal(this.#cookieKey, nonce(COOKIE_NONCE, cookieNonce), cookiePlain);
    const plain = new Uint8Array(128);
    plain.set(this.shortPublic, 0);
    plain.set(cookieNonce, 32);
    plain.set(cookieBox, 48);
    const welcomeNonce = random(16);
    const welcome = new Uint8Array(WELCOME_SIZE);
    welcome.set(WELCOME, 0);
    welcome.set(welcomeNonce, 8);
    welcome.set(seal(this.#helloKey, nonce(WELCOME_NONCE, welcomeNonce), plain), 24);
    this.#state = S_INITIATE;
    return { send: [welcome] };
  }

  #initiate(body: Uint8Array): HandshakeStep | Promise<HandshakeStep> {
    if (body.byteLength < INITIATE_MIN) return protocol("malformed INITIATE", "ERR_ZMTP_MALFORMED_COMMAND_INITIATE");
    const cookie = open(this.#cookieKey, nonce(COOKIE_NONCE, body.subarray(9, 25)), body.subarray(25, 105));
    if (
      !cookie || !equal(cookie.subarray(0, 32), this.#clientShort) || !equal(cookie.subarray(32, 64), this.shortSecret)
    ) {
      return protocol("INITIATE carries an invalid cookie", "ERR_ZMTP_CRYPTOGRAPHIC");
    }
    const short = this.checkPeerNonce(body, 105);
    const key = beforenm(this.#clientShort, this.shortSecret);
    const plain = open(key, nonce(INITIATE_NONCE, short), body.subarray(113));
    if (!plain) return protocol("cannot open the INITIATE box", "ERR_ZMTP_CRYPTOGRAPHIC");
    const clientKey = plain.slice(0, 32);
    const vouch = open(
      beforenm(clientKey, this.shortSecret),
      nonce(VOUCH_NONCE, plain.subarray(32, 48)),
      plain.subarray(48, 128),
    );
    const ourPublic = boxCipher().publicKey(this.#secretKey!);
    if (!vouch || !equal(vouch.subarray(0, 32), this.#clientShort) || !equal(vouch.subarray(32, 64), ourPublic)) {
      return protocol("INITIATE carries an invalid vouch", "ERR_ZMTP_KEY_EXCHANGE");
    }
    const metadata = decodeMetadata(plain.subarray(128));
    this.setKey(key);
    if (!this.#zap) return this.#readyStep(metadata);
    this.#state = S_ZAP;
    return this.#zap("CURVE", [clientKey]).then((outcome): HandshakeStep => {
      if (outcome.ok) return this.#readyStep(metadata);
      // libzmq: a 300 (temporary failure) disconnects silently; 400 and 500 send ERROR with the code first.
      const send = outcome.statusCode && outcome.statusCode !== "300" ? [encodeError(outcome.statusCode)] : undefined;
      return { send, error: outcome.error };
    });
  }

  #readyStep(metadata: ReturnType<typeof decodeMetadata>): HandshakeStep {
    const short = this.nextNonce();
    const box = seal(this.key, nonce(READY_NONCE, short), encodeMetadata(this.metadata));
    const ready = new Uint8Array(14 + box.byteLength);
    ready.set(READY, 0);
    ready.set(short, 6);
    ready.set(box, 14);
    this.#state = S_DONE;
    return { send: [ready], ready: metadata };
  }
}
