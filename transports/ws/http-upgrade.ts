/**
 * The HTTP/1.1 upgrade that opens a WebSocket (RFC 6455 §4), both sides, pure: reading a
 * request or response head, the accept key, and the bytes each side writes.
 *
 * @module
 */

/** The most header bytes read before a head is refused (a slow or hostile peer stops here). */
export const MAX_HEAD_BYTES = 8192;

/** RFC 6455 §1.3's GUID, appended to the client's key before hashing. */
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

const encoder = new TextEncoder();
const latin1 = new TextDecoder("latin1");

/** A request or response head: its first line and its headers (names lower-cased, repeats joined by ", "). */
export interface HttpHead {
  readonly startLine: string;
  readonly headers: ReadonlyMap<string, string>;
}

/**
 * Gathers a head from the bytes received so far: the head and what follows it (the first
 * WebSocket bytes), "more" while it is incomplete, "too long" past `MAX_HEAD_BYTES`.
 *
 * @example
 * ```ts
 * import { readHead } from "./http-upgrade.ts";
 * const got = readHead(new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
 * ```
 */
export function readHead(bytes: Uint8Array): { head: HttpHead; rest: Uint8Array } | "more" | "too long" {
  const end = headEnd(bytes);
  if (end < 0) return bytes.length > MAX_HEAD_BYTES ? "too long" : "more";
  const lines = latin1.decode(bytes.subarray(0, end)).split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const before = headers.get(name);
    headers.set(name, before === undefined ? value : `${before}, ${value}`);
  }
  return { head: { startLine: lines[0], headers }, rest: bytes.subarray(end + 4) };
}

function headEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

/** Whether a comma-separated header value lists `token` (case-insensitive). */
export function lists(value: string | undefined, token: string): boolean {
  return value !== undefined && value.split(",").some((v) => v.trim().toLowerCase() === token);
}

/** `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key` (§4.2.2): base64(SHA-1(key + GUID)). */
export async function acceptKey(key: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", encoder.encode(key + GUID)));
  return btoa(String.fromCharCode(...digest));
}

/** A response head with `headers`; a non-101 one also closes the connection and says `body`. */
export function responseBytes(status: number, reason: string, headers: Record<string, string>, body = ""): Uint8Array {
  const lines = [`HTTP/1.1 ${status} ${reason}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (status !== 101) {
    lines.push("Connection: close", "Content-Type: text/plain", `Content-Length: ${encoder.encode(body).length}`);
  }
  return encoder.encode(`${lines.join("\r\n")}\r\n\r\n${status === 101 ? "" : body}`);
}

/** A client's upgrade request for `path` at `host` (as "host:port"), offering `protocols`. */
export function requestBytes(host: string, path: string, key: string, protocols: readonly string[]): Uint8Array {
  return encoder.encode(
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Protocol: ${protocols.join(", ")}\r\n\r\n`,
  );
}

/** A fresh `Sec-WebSocket-Key`: 16 random bytes, base64. */
export function newKey(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
