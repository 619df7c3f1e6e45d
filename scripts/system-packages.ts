/**
 * Debian packages some tests need (python3-zmq, nftables; chromium where the npm build does not
 * run): present, installed by the test setup when it can (root and apt-get), or an error that
 * names the one command to run.
 *
 * @module
 */
import { execFile, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";

/** A Debian package and how to tell it is there. */
export interface DebianPackage {
  /** The package name, as apt-get takes it. */
  name: string;
  /** Whether it is usable; default: dpkg says it is installed. */
  present?: () => boolean;
}

/** What the machine allows. */
export interface Host {
  /** Running as root (uid 0). */
  root: boolean;
  /** apt-get is on this machine. */
  aptGet: boolean;
}

/** What to do about the missing packages. */
export type SetupPlan =
  | { action: "none" }
  | { action: "install"; packages: string[] }
  | { action: "fail"; message: string };

/** The command a person runs to install `packages`. */
export function installCommand(packages: readonly string[]): string {
  return `sudo apt-get install -y ${packages.join(" ")}`;
}

/**
 * Decides what to do about `missing` packages on `host`: nothing, install them, or fail with the
 * one command to run.
 *
 * @example
 * ```ts
 * planSetup(["nftables"], { root: false, aptGet: true });
 * // { action: "fail", message: "missing Debian package nftables: run `sudo apt-get install -y nftables`" }
 * ```
 */
export function planSetup(missing: readonly string[], host: Host): SetupPlan {
  if (missing.length === 0) return { action: "none" };
  if (host.root && host.aptGet) return { action: "install", packages: [...missing] };
  const what = `missing Debian package${missing.length > 1 ? "s" : ""} ${missing.join(" ")}`;
  const why = host.aptGet ? "" : " (no apt-get here: install the same with this system's package manager)";
  return { action: "fail", message: `${what}: run \`${installCommand(missing)}\`${why}` };
}

/** Whether dpkg lists `name` as installed. */
export function dpkgInstalled(name: string): boolean {
  const result = spawnSync("dpkg-query", ["-W", "-f=${Status}", name], { encoding: "utf8" });
  return result.status === 0 && /\binstalled$/.test(result.stdout);
}

/** This machine's facts. */
export function thisHost(): Host {
  return {
    root: typeof process.getuid === "function" && process.getuid() === 0,
    aptGet: ["/usr/bin/apt-get", "/bin/apt-get"].some((p) => existsSync(p)),
  };
}

/**
 * Makes sure `packages` are there: installs the missing ones as root with apt-get, else throws
 * with the command to run. Tests call it before they need the package.
 *
 * @example
 * ```ts
 * await requireDebianPackages([{ name: "python3-zmq" }, { name: "nftables" }]);
 * ```
 */
export async function requireDebianPackages(
  packages: readonly DebianPackage[],
  host: Host = thisHost(),
): Promise<void> {
  const isPresent = (p: DebianPackage) => (p.present ?? (() => dpkgInstalled(p.name)))();
  const missing = packages.filter((p) => !isPresent(p));
  const plan = planSetup(missing.map((p) => p.name), host);
  if (plan.action === "fail") throw new Error(plan.message);
  if (plan.action === "none") return;
  // Wait for another apt run (another test run on this machine) rather than fail at its lock.
  const lock = ["-o", "DPkg::Lock::Timeout=600"];
  try {
    // A fresh machine has empty package lists: without an update, install finds nothing.
    await aptGet([...lock, "update"]);
    await aptGet([...lock, "install", "-y", "--no-install-recommends", ...plan.packages]);
  } catch (err) {
    throw new Error(`${(err as Error).message}\nrun \`${installCommand(plan.packages)}\``);
  }
  const still = missing.filter((p) => !isPresent(p)).map((p) => p.name);
  if (still.length) throw new Error(`apt-get installed ${still.join(" ")}, yet it is still missing`);
}

function aptGet(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile("apt-get", args, {
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
      maxBuffer: 64 << 20,
    }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      const tail = String(stderr).trim().split("\n").slice(-5).join("\n");
      reject(new Error(`apt-get ${args.join(" ")} failed: ${tail || error.message}`));
    });
  });
}
