/** Small helpers for tests on Node, Deno and Bun. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export const bytes = (s: string): Uint8Array => encoder.encode(s);
/** UTF-8 text of bytes. */
export const text = (b: Uint8Array): string => decoder.decode(b);
/** A message's frames as strings, for assertions: `assert.deepEqual(texts(msg), ["a", "b"])`. */
export const texts = (message: Uint8Array[]): string[] => message.map(text);

/** The bytes of `parts`, one after another, in a new buffer. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with "<what> timed out after <ms> ms" unless `promise` settles first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what = "operation"): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Calls `fn` until it returns without throwing (and not `false`); returns its result.
 * After `timeout` ms rethrows the last error.
 */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  { timeout = 5000, interval = 20 }: { timeout?: number; interval?: number } = {},
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeout;
  for (;;) {
    let error: unknown;
    try {
      const value = await fn();
      if (value !== false) return value as Exclude<T, false>;
      error = new Error(`condition still false after ${timeout} ms`);
    } catch (err) {
      error = err;
    }
    if (Date.now() >= deadline) throw error;
    await sleep(interval);
  }
}

/** Directories made by `tempIpcPath`, removed when the test process exits. */
const tempDirs: string[] = [];

/** A fresh `ipc:///tmp/omq-XXXXXX/<name>` endpoint (new directory each call, removed at exit). */
export function tempIpcPath(name = "sock"): string {
  if (tempDirs.length === 0) {
    const removeAll = () => {
      for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    };
    process.once("exit", removeAll);
    // `deno test` ends without Node's exit event; Deno fires `unload` on the global scope.
    if ("Deno" in globalThis) globalThis.addEventListener("unload", removeAll);
  }
  const dir = mkdtempSync(join(tmpdir(), "omq-"));
  tempDirs.push(dir);
  return `ipc://${join(dir, name)}`;
}

/** The command that runs a TypeScript file on the runtime running this test (Node via tsx). */
export function runtimeCommand(script: string): string[] {
  const g = globalThis as { Deno?: { execPath(): string }; Bun?: unknown; process?: { execPath: string } };
  if (g.Deno) return [g.Deno.execPath(), "run", "-A", script];
  if (g.Bun) return [g.process!.execPath, script];
  return [g.process!.execPath, "--import", "tsx", script];
}
