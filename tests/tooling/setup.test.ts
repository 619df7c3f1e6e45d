// The test setup's decisions (scripts/system-packages.ts, scripts/tar.ts): a Debian package a test
// needs is present, installed (root with apt-get), or named in an error with the one command to run;
// and the tar reader that unpacks the npm package's Chromium.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dpkgInstalled, planSetup, requireDebianPackages } from "../../scripts/system-packages.ts";
import { readTar } from "../../scripts/tar.ts";

const root = { root: true, aptGet: true };
const user = { root: false, aptGet: true };
const elsewhere = { root: true, aptGet: false };

test("setup: nothing to do when every package is present", () => {
  assert.deepEqual(planSetup([], root), { action: "none" });
  assert.deepEqual(planSetup([], user), { action: "none" });
});

test("setup: root with apt-get installs the missing packages", () => {
  assert.deepEqual(planSetup(["python3-zmq", "nftables"], root), {
    action: "install",
    packages: ["python3-zmq", "nftables"],
  });
});

test("setup: without root the error names the one command to run", () => {
  assert.deepEqual(planSetup(["python3-zmq", "nftables"], user), {
    action: "fail",
    message: "missing Debian packages python3-zmq nftables: run `sudo apt-get install -y python3-zmq nftables`",
  });
});

test("setup: without apt-get the error still names the Debian command, and says to translate it", () => {
  const plan = planSetup(["nftables"], elsewhere);
  assert.equal(plan.action, "fail");
  assert.match(plan.action === "fail" ? plan.message : "", /^missing Debian package nftables: run `sudo apt-get/);
  assert.match(plan.action === "fail" ? plan.message : "", /no apt-get here/);
});

test("setup: requireDebianPackages resolves for present packages and never runs apt-get", async () => {
  // Host says "not root": had it tried to install, it would have rejected.
  await requireDebianPackages([{ name: "a", present: () => true }, { name: "b", present: () => true }], user);
});

test("setup: requireDebianPackages rejects a missing package with the command when it cannot install", async () => {
  await assert.rejects(
    requireDebianPackages([{ name: "here", present: () => true }, { name: "nftables", present: () => false }], user),
    { message: "missing Debian package nftables: run `sudo apt-get install -y nftables`" },
  );
});

test("setup: dpkg's answer is the default presence check", () => {
  assert.equal(dpkgInstalled("omq-no-such-package"), false);
});

test("tar: files (with their modes and bytes) and folders of a GNU tar archive, as `tar` writes it", () => {
  const dir = mkdtempSync(join(tmpdir(), "omq-tar-"));
  try {
    mkdirSync(join(dir, "in/lib/deeper"), { recursive: true });
    writeFileSync(join(dir, "in/lib/deeper/a.so"), "shared object");
    writeFileSync(join(dir, "in/run"), "x".repeat(1000), { mode: 0o755 });
    writeFileSync(join(dir, "in/empty"), "");
    const long = "n".repeat(120); // longer than the header's 100 bytes: GNU's "L" entry
    writeFileSync(join(dir, "in", long), "long");
    execFileSync("tar", ["--format=gnu", "-cf", join(dir, "t.tar"), "-C", join(dir, "in"), "."]);
    const entries = readTar(new Uint8Array(readFileSync(join(dir, "t.tar"))));
    const files = Object.fromEntries(
      entries.filter((e) => e.data).map((e) => [e.path, new TextDecoder().decode(e.data!)]),
    );
    assert.deepEqual(files, {
      "lib/deeper/a.so": "shared object",
      run: "x".repeat(1000),
      empty: "",
      [long]: "long",
    });
    assert.equal(entries.find((e) => e.path === "run")!.mode, 0o755);
    assert.deepEqual(entries.filter((e) => !e.data).map((e) => e.path).sort(), ["lib", "lib/deeper"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
