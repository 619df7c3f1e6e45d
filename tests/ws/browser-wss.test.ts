/**
 * omq in headless Chromium over wss://: the page (tests/fixtures/wss-page.ts, bundled for the
 * browser) sends a Request to a Reply that this runtime binds on wss:// with the test certificate.
 * Chromium trusts that certificate through its public key's hash
 * (--ignore-certificate-errors-spki-list), as a browser's own store would trust a real one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { Reply } from "../../mod.ts";
import { bundle } from "../../examples/browser/build.ts";
import { findChromium, HEADLESS_ARGS } from "../../scripts/chromium.ts";
import { testCertificates } from "../support/tls-cert.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const here = g.Bun ? "bun" : g.Deno ? "deno" : "node";

test(`browser: Chromium's Request reaches a Reply bound on wss:// by omq on ${here}`, async () => {
  const chrome = await findChromium();
  const { certPem, keyPem, spkiHash } = await testCertificates();
  const script = await bundle(fileURLToPath(new URL("../fixtures/wss-page.ts", import.meta.url).href));
  const rep = new Reply({ linger: 0, wssCertPem: certPem, wssKeyPem: keyPem });
  await rep.bind("wss://127.0.0.1:*/rep");
  const serving = (async () => {
    for await (const [request] of rep) await rep.send(`${new TextDecoder().decode(request)}, answered on ${here}`);
  })().catch(() => {});
  const http = createServer((req, res) => {
    if (req.url === "/app.js") res.writeHead(200, { "content-type": "text/javascript" }).end(script);
    else {res.writeHead(200, { "content-type": "text/html" }).end(
        '<!doctype html><script type="module" src="/app.js"></script>',
      );}
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
      args: [
        ...HEADLESS_ARGS,
        `--ignore-certificate-errors-spki-list=${spkiHash}`,
      ],
      timeout: 30000,
    });
    const page = context.pages()[0] ?? await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(String(err)));
    await page.goto(`http://127.0.0.1:${port}/#${encodeURIComponent(rep.lastEndpoint!)}`, { timeout: 20000 });
    await page.waitForFunction("document.body.dataset.reply || document.body.dataset.error", undefined, {
      timeout: 20000,
    });
    assert.equal(await page.evaluate("document.body.dataset.error ?? null"), null);
    assert.equal(await page.evaluate("document.body.dataset.reply"), `hello over wss, answered on ${here}`);
    assert.deepEqual(errors, []);
  } finally {
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    http.close();
    await rep.close();
    await serving;
  }
});
