/**
 * Bundles the example page's script (app.ts, and omq with it) for a browser
 * with esbuild: `platform: "browser"`, no Node shims. omq's two runtime pickers
 * (`transports/runtime/mod.ts`, `transports/ws/mod.ts`) are swapped for their
 * `mod.browser.ts`, so no `node:*`, `Deno` or `Bun` code reaches the page.
 *
 *   node --import tsx examples/browser/build.ts [out.js]   (default: print the size)
 */
import * as esbuild from "esbuild";
import process from "node:process";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The esbuild plugin that picks omq's browser adapters; use it in your own build. */
export const omqBrowserPlugin: esbuild.Plugin = {
  name: "omq-browser",
  setup(build) {
    build.onResolve({ filter: /mod\.ts$/ }, (args) => {
      const resolved = resolve(args.resolveDir, args.path);
      if (!/[\\/]transports[\\/](runtime|ws)[\\/]mod\.ts$/.test(resolved)) return undefined;
      return { path: resolved.replace(/mod\.ts$/, "mod.browser.ts") };
    });
  },
};

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
    plugins: [omqBrowserPlugin],
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
