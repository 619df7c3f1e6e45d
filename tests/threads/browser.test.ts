/**
 * inproc between a page and its Web Worker in a real browser: headless Chromium (Debian's
 * `chromium`, driven by playwright-core) loads a page that binds, starts a Web Worker that
 * connects over inproc (and binds in turn), then terminates it. The page and the worker are
 * bundled with esbuild and omq's browser plugin (examples/browser/build.ts). What runs here is
 * the browser's threads, whatever the runtime serving the files: it runs once, in Node's leg.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { findChromium, HEADLESS_ARGS } from "../../scripts/chromium.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };

async function bundle(fixture: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url).href)],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "silent",
    // The package's `browser` import conditions pick the browser adapters, as for any bundler.
    conditions: ["browser"],
  });
  return result.outputFiles[0].text;
}

test("browser: a page and its Web Worker talk over inproc, both ways; terminating the worker ends its links", {
  skip: g.Deno || g.Bun
    ? "the browser's threads are under test, not the server's runtime: it runs in Node's leg"
    : false,
}, async () => {
  const chrome = await findChromium();
  const files: Record<string, [string, string]> = {
    "/": ["text/html", '<!doctype html><html><body><script type="module" src="./page.js"></script></body></html>'],
    "/page.js": ["text/javascript", await bundle("threads-page.ts")],
    "/worker.js": ["text/javascript", await bundle("threads-worker.ts")],
  };
  await esbuild.stop?.();
  const http = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://page").pathname];
    if (file) res.writeHead(200, { "content-type": file[0] }).end(file[1]);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const port = (http.address() as { port: number }).port;
  const profile = mkdtempSync(join(tmpdir(), "omq-chromium-"));
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chrome.executablePath,
      env: { ...process.env, ...chrome.env },
      headless: true,
      args: [...HEADLESS_ARGS],
      timeout: 30000,
    });
    const page = context.pages()[0] ?? await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(String(err)));
    // localhost is a secure context: Web Locks are there, as BroadcastChannel is everywhere.
    await page.goto(`http://localhost:${port}/`, { timeout: 20000 });
    await page.waitForFunction("document.body.dataset.result !== undefined", undefined, { timeout: 30000 });
    const result = JSON.parse(await page.evaluate("document.body.dataset.result") as string);
    assert.deepEqual(result, {
      pushed: 100,
      question: "a question from the worker",
      answer: "an answer from the page / a question from the page answered by the worker",
      disconnect: "inproc://page-pull",
    });
    assert.deepEqual(errors, []);
  } finally {
    await context?.close().catch(() => {});
    http.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
