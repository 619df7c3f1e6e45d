/**
 * omq in a real browser: headless Chromium (the npm package's build, see scripts/chromium.ts;
 * driven by playwright-core) loads examples/browser, whose page subscribes over ws:// to a
 * Publisher and sends a Request to a Reply served by omq on this runtime. Fails if the page shows nothing.
 * Leaves a screenshot at $OMQ_SCREENSHOT (default /tmp/omq-browser-<runtime>.png).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type BrowserPage, openChromiumPage } from "../support/browser-page.ts";
import { runtimeCommand, withTimeout } from "../support/util.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const here = g.Bun ? "bun" : g.Deno ? "deno" : "node";

test(`browser: Chromium shows live weather and a reply from omq on ${here} over ws://`, async () => {
  const script = fileURLToPath(new URL("../../examples/browser/server.ts", import.meta.url).href);
  const [cmd, ...args] = runtimeCommand(script);
  const server = spawn(cmd, [...args, "0"], { stdio: ["ignore", "pipe", "inherit"] });
  let browser: BrowserPage | undefined;
  try {
    const url = await withTimeout(
      new Promise<string>((resolve, reject) => {
        let out = "";
        server.stdout!.on("data", (d) => {
          out += d;
          const m = /page: (\S+)/.exec(out);
          if (m) resolve(m[1]);
        });
        server.on("exit", (code) => reject(new Error(`example server exited with ${code}`)));
      }),
      30000,
      "example server start",
    );
    browser = await openChromiumPage({ viewport: { width: 900, height: 760 } });
    const { page, errors } = browser;
    await page.goto(url, { timeout: 20000 });
    // Live updates: at least 5 weather lines, and the request answered by this runtime.
    await page.waitForFunction('document.querySelectorAll("#weather li").length >= 5', undefined, {
      timeout: 20000,
    }).catch((err) => {
      throw new Error(`no weather updates on the page (errors: ${errors.join("; ") || "none"}): ${err}`);
    });
    const firstReply = await page.locator("#replies li").first().textContent({ timeout: 20000 });
    assert.match(firstReply ?? "", new RegExp(`hello from the browser — answered by omq on ${here}`));
    // A second request from the form.
    await page.fill("#question", "second question");
    // Enter, not a click: the weather list above keeps growing and moves the button, and a click
    // aimed at where it was can land beside it (CI saw the second request never sent).
    await page.press("#question", "Enter");
    await page.waitForFunction('document.querySelectorAll("#replies li").length >= 2', undefined, {
      timeout: 10000,
    });
    assert.match(await page.locator("#replies li").first().textContent() ?? "", /second question/);
    assert.equal(await page.locator("#check").textContent(), "tcp:// in a browser → EPROTONOSUPPORT");
    assert.equal(await page.locator("#status").textContent(), "live");
    assert.ok(Number(await page.locator("#count").textContent()) >= 5);
    await page.screenshot({ path: process.env.OMQ_SCREENSHOT ?? join(tmpdir(), `omq-browser-${here}.png`) });
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    server.kill("SIGTERM");
  }
});
