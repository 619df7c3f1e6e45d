/**
 * Bundles the example page's script (app.ts, and omq with it) for a browser
 * with esbuild: `platform: "browser"`, no Node shims and no plugin. omq's two
 * runtime selectors are package.json `imports` (`#omq/runtime`, `#omq/ws`) whose
 * `browser` condition names their `mod.browser.ts`, so no `node:*`, `Deno` or
 * `Bun` code reaches the page; any bundler that targets a browser does the same.
 *
 *   node --import tsx examples/browser/build.ts [out.js]   (default: print the size)
 */
import * as esbuild from "esbuild";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** Bundles `entry` (default: this example's app.ts) into one ES module for a web page; returns its text. */
export async function bundle(entry = fileURLToPath(new URL("./app.ts", import.meta.url).href)): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0].text;
}

if (import.meta.url === new URL(process.argv[1] ?? "", "file://").href) {
  const code = await bundle();
  const out = process.argv[2];
  if (out) (await import("node:fs")).writeFileSync(out, code);
  console.log(`${out ?? "bundle"}: ${code.length} bytes`);
  await esbuild.stop?.();
}
