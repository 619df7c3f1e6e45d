/**
 * omq in headless Chromium over wss://: the page (tests/fixtures/wss-page.ts, bundled for the
 * browser) sends a Request to a Reply that this runtime binds on wss:// with the test certificate.
 * Chromium trusts that certificate through its public key's hash
 * (--ignore-certificate-errors-spki-list), as a browser's own store would trust a real one.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { Reply } from "../../mod.ts";
import { bundle } from "../../examples/browser/build.ts";
import { type BrowserPage, openChromiumPage, serveFiles } from "../support/browser-page.ts";
import { testCertificates } from "../support/tls-cert.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const here = g.Bun ? "bun" : g.Deno ? "deno" : "node";

test(`browser: Chromium's Request reaches a Reply bound on wss:// by omq on ${here}`, async () => {
  const { certPem, keyPem, spkiHash } = await testCertificates();
  const script = await bundle(fileURLToPath(new URL("../fixtures/wss-page.ts", import.meta.url).href));
  const rep = new Reply({ linger: 0, wssCertPem: certPem, wssKeyPem: keyPem });
  await rep.bind("wss://127.0.0.1:*/rep");
  const serving = (async () => {
    for await (const [request] of rep) await rep.send(`${new TextDecoder().decode(request)}, answered on ${here}`);
  })().catch(() => {});
  const http = await serveFiles({
    "/": ["text/html", '<!doctype html><script type="module" src="/app.js"></script>'],
    "/app.js": ["text/javascript", script],
  });
  let browser: BrowserPage | undefined;
  try {
    browser = await openChromiumPage({ args: [`--ignore-certificate-errors-spki-list=${spkiHash}`] });
    const { page, errors } = browser;
    await page.goto(`http://127.0.0.1:${http.port}/#${encodeURIComponent(rep.lastEndpoint!)}`, { timeout: 20000 });
    await page.waitForFunction("document.body.dataset.reply || document.body.dataset.error", undefined, {
      timeout: 20000,
    });
    assert.equal(await page.evaluate("document.body.dataset.error ?? null"), null);
    assert.equal(await page.evaluate("document.body.dataset.reply"), `hello over wss, answered on ${here}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    http.close();
    await rep.close();
    await serving;
  }
});
