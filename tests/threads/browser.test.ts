/**
 * inproc between a page and its Web Worker in a real browser: headless Chromium (Debian's
 * `chromium`, driven by playwright-core) loads a page that binds, starts a Web Worker that
 * connects over inproc (and binds in turn), then terminates it. The page and the worker are
 * bundled with esbuild and omq's browser plugin (examples/browser/build.ts). What runs here is
 * the browser's threads, whatever the runtime serving the files: it runs once, in Node's leg.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { type BrowserPage, openChromiumPage, serveFiles } from "../support/browser-page.ts";

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
  const files: Record<string, [string, string]> = {
    "/": ["text/html", '<!doctype html><html><body><script type="module" src="./page.js"></script></body></html>'],
    "/page.js": ["text/javascript", await bundle("threads-page.ts")],
    "/worker.js": ["text/javascript", await bundle("threads-worker.ts")],
  };
  await esbuild.stop?.();
  const http = await serveFiles(files);
  let browser: BrowserPage | undefined;
  try {
    browser = await openChromiumPage();
    const { page, errors } = browser;
    // localhost is a secure context: Web Locks are there, as BroadcastChannel is everywhere.
    await page.goto(`http://localhost:${http.port}/`, { timeout: 20000 });
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
    await browser?.close();
    http.close();
  }
});
