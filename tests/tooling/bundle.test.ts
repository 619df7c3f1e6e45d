// The npm package in a web page, tried as a web developer would: the packed tarball installed into
// an empty project, `import { Subscriber, Request } from "omq"` bundled for the browser by esbuild
// (`--bundle --platform=browser`) and by Vite (`vite build`), neither with a plugin or a config file,
// each bundle loaded in headless Chromium, talking over ws:// to omq served by this process.
// The package's `imports` conditions (`#omq/runtime`, `#omq/ws` → `browser`) make that work.
// Node only (the bundlers are Node programs; tests/ws/browser.test.ts serves a page from each runtime),
// but the check that deno.json maps the selectors as package.json does runs everywhere.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import process from "node:process";
import { chromium } from "playwright-core";
import { Publisher, Reply } from "../../mod.ts";
import { nodeBinary } from "../support/libzmq.ts";
import { buildAndPack, emptyProject, root, run } from "../support/pack.ts";
import { findChromium } from "../../scripts/chromium.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";

// The page's script, as a user writes it. The endpoints come in the page's query string.
const MAIN = `
import { Request, Subscriber } from "omq";
const text = (b) => new TextDecoder().decode(b);
const query = new URLSearchParams(location.search);
try {
  const subscriber = new Subscriber();
  subscriber.subscribe("weather");
  subscriber.connect(query.get("pub"));
  const request = new Request();
  request.connect(query.get("rep"));
  await request.send("hello from " + query.get("via"));
  const [reply] = await request.receive();
  const [update] = await subscriber.receive();
  let tcp = "accepted";
  try { new Request().connect("tcp://127.0.0.1:5555"); } catch (err) { tcp = err.code; }
  globalThis.omqResult = { reply: text(reply), update: text(update), tcp };
  subscriber.close();
  request.close();
} catch (err) {
  globalThis.omqResult = { error: String(err && err.stack || err) };
}
`;

const PAGE = (script: string) =>
  `<!doctype html>\n<html><head><meta charset="utf-8"><title>omq</title></head>\n` +
  `<body><script type="module" src="${script}"></script></body></html>\n`;

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript" };

/** Serves the files of `dir` on 127.0.0.1 at an ephemeral port. */
async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = normalize(new URL(req.url ?? "/", "http://page").pathname).replace(/^\/+/, "") || "index.html";
    try {
      const file = join(dir, path);
      if (!statSync(file).isFile()) throw new Error("not a file");
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/`, server };
}

/**
 * The first match of `pattern` in `code` with a few lines around it, or null. Asserting on this
 * rather than on the whole bundle keeps a failure's report short: Node's test runner took minutes
 * (at full CPU) to pass on a failure that quoted a 450 KB bundle.
 */
function around(code: string, pattern: RegExp): string | null {
  const at = code.search(pattern);
  return at < 0 ? null : code.slice(Math.max(0, at - 300), at + 200);
}

/** Every .js file under `dir`, concatenated. */
function scripts(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".js"))
    .map((f) => readFileSync(join(dir, f), "utf8"))
    .join("\n");
}

test("deno.json maps the runtime selectors as package.json's imports do by default (what JSR publishes)", () => {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  const selectors = Object.keys(pkg.imports);
  assert.deepEqual(selectors.sort(), ["#omq/runtime", "#omq/udp", "#omq/ws"]);
  for (const name of selectors) {
    assert.equal(deno.imports[name], pkg.imports[name].default, `deno.json imports["${name}"]`);
    assert.match(pkg.imports[name].browser, /\/(mod|udp)\.browser\.ts$/, `package.json imports["${name}"].browser`);
  }
});

test(
  "browser bundle: the packed tarball, bundled by esbuild and by Vite with no plugin, talks to omq over ws:// in Chromium",
  {
    skip: runtime !== "node",
    timeout: 600_000,
  },
  async () => {
    const chrome = await findChromium();
    const { tarball, dir } = await buildAndPack();
    const publisher = new Publisher({ linger: 0 });
    const reply = new Reply({ linger: 0 });
    const servers: Server[] = [];
    let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
    let publishing: ReturnType<typeof setInterval> | undefined;
    try {
      const project = emptyProject(dir);
      await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], project);
      writeFileSync(join(project, "main.js"), MAIN);

      // esbuild, exactly as the issue ran it.
      const esbuildOut = join(project, "esbuild-out");
      mkdirSync(esbuildOut);
      await run(
        join(root, "node_modules/.bin/esbuild"),
        ["main.js", "--bundle", "--platform=browser", "--format=esm", `--outfile=${join(esbuildOut, "app.js")}`],
        project,
      );
      writeFileSync(join(esbuildOut, "index.html"), PAGE("./app.js"));

      // Vite: an index.html beside main.js and `vite build`, no vite.config.
      writeFileSync(join(project, "index.html"), PAGE("/main.js"));
      const vite = await run(
        nodeBinary(),
        [join(root, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn"],
        project,
      );
      // Without the browser condition Vite still builds, stubbing node:* out with this warning.
      assert.doesNotMatch(vite, /externalized for browser compatibility/, "vite: no node:* module reached");
      const viteOut = join(project, "dist");

      for (const [name, out] of [["esbuild", esbuildOut], ["vite", viteOut]]) {
        const code = scripts(out!);
        assert.ok(code.includes("EPROTONOSUPPORT"), `${name}: omq is in the bundle`);
        assert.equal(around(code, /["'`]node:[a-z_/]+["'`]/), null, `${name}: no node:* module in the bundle`);
        assert.equal(
          around(code, /\bDeno\.(listen|connect)|\bBun\.(listen|connect)/),
          null,
          `${name}: no Deno or Bun adapter`,
        );
      }

      await publisher.bind("ws://127.0.0.1:*/pub");
      await reply.bind("ws://127.0.0.1:*/rep");
      void (async () => {
        for await (const [question] of reply) await reply.send(`${new TextDecoder().decode(question)}: answered`);
      })();
      // A subscriber joins whenever its page loads; the publisher keeps a stream going until then.
      publishing = setInterval(() => void publisher.send("weather 21").catch(() => {}), 20);

      browser = await chromium.launch({
        executablePath: chrome.executablePath,
        env: { ...process.env, ...chrome.env },
        headless: true,
        args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        timeout: 30_000,
      });
      for (const [via, out] of [["esbuild", esbuildOut], ["vite", viteOut]] as const) {
        const { url, server } = await serve(out);
        servers.push(server);
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on("pageerror", (err) => errors.push(String(err)));
        const query = new URLSearchParams({ pub: publisher.lastEndpoint!, rep: reply.lastEndpoint!, via });
        await page.goto(`${url}?${query}`, { timeout: 20_000 });
        await page.waitForFunction("globalThis.omqResult !== undefined", undefined, { timeout: 20_000 })
          .catch((err) => {
            throw new Error(`${via}: the page never finished (errors: ${errors.join("; ") || "none"}): ${err}`);
          });
        const result = await page.evaluate("globalThis.omqResult");
        assert.deepEqual(
          result,
          { reply: `hello from ${via}: answered`, update: "weather 21", tcp: "EPROTONOSUPPORT" },
          via,
        );
        assert.deepEqual(errors, [], `${via}: page errors`);
        await page.close();
      }
    } finally {
      clearInterval(publishing);
      await browser?.close().catch(() => {});
      for (const server of servers) server.close();
      await Promise.all([publisher.close(), reply.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
