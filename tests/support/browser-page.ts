/**
 * A page in headless Chromium (scripts/chromium.ts finds or unpacks it) for the browser tests, and
 * a tiny HTTP server for the files it loads. The page collects its uncaught errors; `close()`
 * ends the browser and removes its temporary profile.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { chromium, type Page } from "playwright-core";
import { findChromium, HEADLESS_ARGS } from "../../scripts/chromium.ts";

/** An open page, the errors it has thrown so far, and how to end it all. */
export interface BrowserPage {
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

/** Starts Chromium with HEADLESS_ARGS and `args`, in a profile of its own, and gives its first page. */
export async function openChromiumPage(
  options: { args?: string[]; viewport?: { width: number; height: number } } = {},
): Promise<BrowserPage> {
  const chrome = await findChromium();
  const profile = mkdtempSync(join(tmpdir(), "omq-chromium-"));
  const removeProfile = () => rmSync(profile, { recursive: true, force: true });
  let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>>;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: chrome.executablePath,
      env: { ...process.env, ...chrome.env },
      headless: true,
      args: [...HEADLESS_ARGS, ...options.args ?? []],
      ...(options.viewport ? { viewport: options.viewport } : {}),
      timeout: 30000,
    });
  } catch (err) {
    removeProfile();
    throw err;
  }
  const page = context.pages()[0] ?? await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  return {
    page,
    errors,
    async close() {
      await context.close().catch(() => {});
      removeProfile();
    },
  };
}

/** Serves `files` (path → [content type, body]) on 127.0.0.1; 404 for anything else. */
export async function serveFiles(
  files: Record<string, [string, string]>,
): Promise<{ readonly port: number; close(): void }> {
  const http = createServer((req, res) => {
    const file = files[new URL(req.url ?? "/", "http://page").pathname];
    if (file) res.writeHead(200, { "content-type": file[0] }).end(file[1]);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  return { port: (http.address() as { port: number }).port, close: () => http.close() };
}
