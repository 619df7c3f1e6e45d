/**
 * The headless Chromium the browser tests drive, with nothing installed by hand: on Linux x64 the
 * build shipped inside the `@sparticuz/chromium` npm package (a dev dependency: the browser, the NSS
 * libraries it links, SwiftShader and a font, all brotli-compressed in the tarball), unpacked once
 * into `node_modules/.cache/`; elsewhere Debian's `chromium`, installed when the machine allows it.
 *
 *   node --import tsx scripts/chromium.ts     unpacks it and prints where it is
 *
 * @module
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { brotliDecompressSync } from "node:zlib";
import { readTar } from "./tar.ts";
import { requireDebianPackages } from "./system-packages.ts";

/** How to start the browser: hand these to playwright-core's `launch`/`launchPersistentContext`. */
export interface Chromium {
  executablePath: string;
  /** Variables to add to the browser's environment (the libraries and fonts it ships with). */
  env: Record<string, string>;
  /** Where it came from, for messages: "CHROMIUM_PATH", "@sparticuz/chromium@x.y.z" or "Debian". */
  source: string;
}

const root = fileURLToPath(new URL("..", import.meta.url).href);
const PACKAGE = join(root, "node_modules", "@sparticuz", "chromium");
const DEBIAN_CHROMIUM = "/usr/bin/chromium";

/**
 * Finds (and on first use unpacks) a headless Chromium: `$CHROMIUM_PATH` if set, the npm package's
 * build on Linux x64, else Debian's package (installed as root, or an error naming the command).
 *
 * @example
 * ```ts
 * const chrome = await findChromium();
 * const browser = await chromium.launch({ executablePath: chrome.executablePath, env: { ...process.env, ...chrome.env } });
 * ```
 */
export async function findChromium(): Promise<Chromium> {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist`);
    return { executablePath: given, env: {}, source: "CHROMIUM_PATH" };
  }
  if (platform() === "linux" && arch() === "x64" && existsSync(join(PACKAGE, "bin", "chromium.br"))) {
    return unpackPackaged();
  }
  // The npm build is Linux x64 only (and missing if dev dependencies were skipped).
  await requireDebianPackages([{ name: "chromium", present: () => existsSync(DEBIAN_CHROMIUM) }]);
  return { executablePath: DEBIAN_CHROMIUM, env: {}, source: "Debian" };
}

function unpackPackaged(): Chromium {
  const version: string = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")).version;
  const dir = join(root, "node_modules", ".cache", `omq-chromium-${version}`);
  const chromium: Chromium = {
    executablePath: join(dir, "chromium"),
    env: {
      // The package's NSS build, so the browser runs where Debian's libnss3 is not installed.
      LD_LIBRARY_PATH: [join(dir, "lib"), process.env.LD_LIBRARY_PATH].filter(Boolean).join(":"),
      FONTCONFIG_PATH: dir,
    },
    source: `@sparticuz/chromium@${version}`,
  };
  if (existsSync(chromium.executablePath)) return chromium;
  // Unpack beside the final folder, then rename: a concurrent run sees all of it or none.
  mkdirSync(dirname(dir), { recursive: true });
  const staging = mkdtempSync(`${dir}.partial-`);
  chmodSync(staging, 0o755);
  try {
    const bin = join(PACKAGE, "bin");
    writeFileSync(join(staging, "chromium"), brotliDecompressSync(readFileSync(join(bin, "chromium.br"))), {
      mode: 0o755,
    });
    for (const archive of ["al2023.tar.br", "swiftshader.tar.br", "fonts.tar.br"]) {
      for (const entry of readTar(brotliDecompressSync(readFileSync(join(bin, archive))))) {
        const path = join(staging, entry.path);
        if (entry.data === null) mkdirSync(path, { recursive: true });
        else {
          mkdirSync(dirname(path), { recursive: true });
          writeFileSync(path, entry.data, { mode: entry.mode || 0o644 });
        }
      }
    }
    // The package's fonts.conf names Lambda's folders; this one names the system's and ours.
    writeFileSync(
      join(staging, "fonts.conf"),
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
        `  <dir>/usr/share/fonts</dir>\n  <dir>${join(dir, "fonts")}</dir>\n` +
        `  <cachedir>${join(dir, "fontconfig-cache")}</cachedir>\n</fontconfig>\n`,
    );
    try {
      renameSync(staging, dir);
    } catch (err) {
      if (!existsSync(chromium.executablePath)) throw err; // another run finished first otherwise
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return chromium;
}

if (import.meta.url === new URL(process.argv[1] ?? "", "file://").href) {
  const chromium = await findChromium();
  console.log(`${chromium.executablePath} (${chromium.source})`);
}

/** Chromium's switches for a quiet headless run in a test: no sandbox (root in CI), GPU, QUIC or background traffic. */
export const HEADLESS_ARGS: readonly string[] = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
