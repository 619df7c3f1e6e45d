/**
 * Builds the npm package into `npm/`: ESM `.js` + `.d.ts` compiled by tsc from
 * the same sources Deno and Bun import directly (`esm/`, what bundlers and
 * browsers take), the same bundled per entry point for Node, Bun and Deno
 * (`node/`), and a package.json with `exports`, `imports` (the runtime
 * selectors, with their `browser` condition), `engines` and no dev dependency.
 *
 *   npm run build
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { build } from "esbuild";
import { chmodSync, copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url).href);
/** zeromq.js's APIs on omq (issue 25): subpath -> module under esm/, without extension. */
const ZEROMQ = { "./zeromq": "compat/zeromq", "./zeromq/draft": "compat/draft", "./zeromq/v5-compat": "compat/v5" };
const out = join(root, "npm");
const source = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

rmSync(out, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [join(root, "node_modules/typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")],
  {
    stdio: "inherit",
  },
);

/** `./src/x.ts` (a source path in package.json) as the path of its build in the package. */
const built = (path: string, ext: ".js" | ".d.ts"): string => path.replace(/^\.\//, "./esm/").replace(/\.ts$/, ext);

/**
 * The runtime selectors (`#omq/runtime`, `#omq/ws`) with their `browser` condition, as in the
 * source package.json: bundlers targeting a browser (esbuild, Vite, webpack, Rollup's
 * node-resolve with `browser: true`) pick the browser adapters with no configuration.
 */
const imports = Object.fromEntries(
  Object.entries(source.imports as Record<string, Record<string, string>>).map(([name, targets]) => [name, {
    types: built(targets.default!, ".d.ts"),
    ...Object.fromEntries(Object.entries(targets).map(([condition, path]) => [condition, built(path, ".js")])),
  }]),
);

// Only the types the entry points reach stay: the runtime selectors' and those mod.d.ts and the bin import.
pruneTypes(join(out, "esm"), [
  "mod.d.ts",
  "cli/omq.d.ts",
  ...Object.values(ZEROMQ).map((file) => `${file}.d.ts`),
  ...Object.values(imports).map((targets) => targets.types.replace(/^\.\/esm\//, "")),
]);

/**
 * Deletes the `.d.ts` files the public entry points do not reach: the internal modules
 * (session, engines, inproc registry, ...) have no types a user could import or autocomplete.
 */
function pruneTypes(dir: string, entries: string[]): void {
  const keep = new Set<string>();
  const visit = (file: string) => {
    if (keep.has(file)) return;
    keep.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from |import\()"(\.{1,2}\/[^"]+)\.(?:js|ts)"/g)) {
      visit(join(dirname(file), `${m[1]}.d.ts`));
    }
  };
  for (const entry of entries) visit(join(dir, entry));
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, e.name);
      if (e.isDirectory()) walk(path);
      else if (e.name.endsWith(".d.ts") && !keep.has(path)) rmSync(path);
    }
  };
  walk(dir);
}

/**
 * An entry point's `exports` conditions: Node, Bun and Deno (its `npm:` specifiers) load the
 * bundle (`node` comes after `browser`, which bundlers targeting a browser match first).
 */
const entry = (file: string) => ({
  types: `./esm/${file}.d.ts`,
  browser: `./esm/${file}.js`,
  node: `./node/${file}.js`,
  import: `./esm/${file}.js`,
});

const pkg = {
  name: source.name,
  version: source.version,
  description: source.description,
  license: source.license,
  type: "module",
  main: "./node/mod.js",
  bin: { omq: "./node/cli/omq.js" },
  types: "./esm/mod.d.ts",
  exports: { ".": entry("mod") } as Record<string, unknown>,
  imports,
  engines: { node: ">=20" },
  sideEffects: false,
  dependencies: source.dependencies ?? {},
  // `ws` serves the ws:// transport on Node only; everything else works without it.
  optionalDependencies: source.optionalDependencies ?? {},
  files: ["esm", "node", "README.md", "LICENSE", "CHANGELOG.md"],
};
for (const [subpath, file] of Object.entries(ZEROMQ)) pkg.exports[subpath] = entry(file);
writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
for (const file of ["README.md", "LICENSE", "CHANGELOG.md"]) copyFileSync(join(root, file), join(out, file));

/**
 * `node/`: each entry point bundled from `esm/`, the modules they share in common chunks (so
 * `omq` and `omq/zeromq` share one default context, as they must). About 190 modules loaded one
 * by one made `import "omq"` take 117 ms on Node (median of 8 runs); bundled, 47. The runtime adapters
 * are still picked when the code runs, so the one bundle serves Node, Bun and Deno; the
 * dependencies (@noble, ws) stay imports.
 */
await build({
  entryPoints: Object.fromEntries(
    ["mod", "cli/omq", ...Object.values(ZEROMQ)].map((file) => [file, join(out, "esm", `${file}.js`)]),
  ),
  outdir: join(out, "node"),
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  // Stack traces can point at esm/'s modules (with --enable-source-maps on Node), which ship too.
  sourcemap: "linked",
  sourcesContent: false,
  logLevel: "warning",
});
chmodSync(join(out, "node/cli/omq.js"), 0o755);
console.log(`built ${pkg.name}@${pkg.version} in npm/`);
