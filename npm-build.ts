/**
 * Builds the npm package into `npm/`: ESM `.js` + `.d.ts` compiled by tsc from
 * the same sources Deno and Bun import directly, and a package.json with
 * `exports`, `imports` (the runtime selectors, with their `browser` condition),
 * `engines` and no dev dependency.
 *
 *   npm run build
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url).href);
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

const pkg = {
  name: source.name,
  version: source.version,
  description: source.description,
  license: source.license,
  type: "module",
  main: "./esm/mod.js",
  bin: { omq: "./esm/cli/omq.js" },
  types: "./esm/mod.d.ts",
  exports: { ".": { types: "./esm/mod.d.ts", import: "./esm/mod.js" } },
  imports,
  engines: { node: ">=20" },
  sideEffects: false,
  dependencies: source.dependencies ?? {},
  // `ws` serves the ws:// transport on Node only; everything else works without it.
  optionalDependencies: source.optionalDependencies ?? {},
  files: ["esm", "README.md", "LICENSE", "CHANGELOG.md"],
};
writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
for (const file of ["README.md", "LICENSE", "CHANGELOG.md"]) copyFileSync(join(root, file), join(out, file));
chmodSync(join(out, "esm/cli/omq.js"), 0o755);
console.log(`built ${pkg.name}@${pkg.version} in npm/`);
