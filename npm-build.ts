/**
 * Builds the npm package into `npm/`: ESM `.js` + `.d.ts` compiled by tsc from
 * the same sources Deno and Bun import directly, and a package.json with
 * `exports`, `engines` and no dev dependency.
 *
 *   npm run build
 *
 * @module
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

const pkg = {
  name: source.name,
  version: source.version,
  description: source.description,
  license: source.license,
  type: "module",
  main: "./esm/mod.js",
  types: "./esm/mod.d.ts",
  exports: { ".": { types: "./esm/mod.d.ts", import: "./esm/mod.js" } },
  engines: { node: ">=20" },
  sideEffects: false,
  dependencies: source.dependencies ?? {},
  files: ["esm", "README.md"],
};
writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
copyFileSync(join(root, "README.md"), join(out, "README.md"));
console.log(`built ${pkg.name}@${pkg.version} in npm/`);
