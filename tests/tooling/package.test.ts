// The packages users install, tried as a new user would: each runtime's leg installs omq
// its own way into an empty folder and uses it there.
//   Node: `npm run build`, `npm pack`, `npm install ./omq-x.y.z.tgz`, then interop with libzmq,
//         the types under `tsc --strict`, the `omq` bin, and the libzmq interop suites run
//         against the installed package.
//   Bun:  the same tarball through `bun add`, then Push/Pull over tcp and the `omq` bin.
//   Deno: `deno publish --dry-run` (what JSR would get: no slow types, every file resolves).
// And on every runtime, quickly: package.json is the one version source, and deno.json,
// src/version.ts (the exported `version`) and the CHANGELOG agree with it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { nodeBinary } from "../support/libzmq.ts";
import { buildAndPack, emptyProject, root, run } from "../support/pack.ts";
import { version } from "../../mod.ts";

const g = globalThis as { Deno?: { execPath(): string }; Bun?: unknown };
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";
/** The version in package.json: the one source the others must repeat. */
const VERSION: string = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
const INTEROP_SUITES = [
  "pipeline.test.ts",
  "reqrep.test.ts",
  "pubsub.test.ts",
  "security.test.ts",
];

const NODE_CHECK = `
import { createRequire } from "node:module";
import { Pull, Push, Request, Reply, version } from "omq";
const zmq = createRequire(${JSON.stringify(join(root, "package.json"))})("zeromq");

// omq Pull bound, libzmq Push connected: a multipart message arrives whole.
const pull = new Pull({ linger: 0 });
await pull.bind("tcp://127.0.0.1:*");
const push = new zmq.Push();
push.connect(pull.lastEndpoint);
await push.send(["from", "libzmq"]);
const got = (await pull.receive()).map((f) => new TextDecoder().decode(f));

// libzmq Reply bound, omq Request connected.
const rep = new zmq.Reply();
await rep.bind("tcp://127.0.0.1:*");
const req = new Request({ linger: 0 });
req.connect(rep.lastEndpoint);
await req.send("ping");
const [question] = await rep.receive();
await rep.send("pong:" + question.toString());
const [answer] = await req.receive();

push.close(); rep.close(); pull.close(); req.close();
// omq and omq/zeromq are separate entry points of one bundle: they share the default context's inproc names.
const { Push: CompatPush } = await import("omq/zeromq");
const stuck = setTimeout(() => { console.error("inproc message not received across the entry points"); process.exit(1); }, 10000);
const inproc = new Pull({ linger: 0 });
await inproc.bind("inproc://package-check");
const compatPush = new CompatPush();
compatPush.connect("inproc://package-check");
await compatPush.send("across the entry points");
const [across] = await inproc.receive();
compatPush.close(); inproc.close(); clearTimeout(stuck);
console.log(JSON.stringify({ version, got, answer: new TextDecoder().decode(answer), across: new TextDecoder().decode(across) }));
`;

const TYPES_CHECK = `
import { Pull, Push, type Message, ZmqError } from "omq";
const push: Push = new Push({ sendHighWaterMark: 10 });
const pull = new Pull();
push.connect("tcp://127.0.0.1:5555");
const message: Message = await pull.receive();
const first: Uint8Array = message[0]!;
const code: string = new ZmqError("EAGAIN", "x").code;
// @ts-expect-error -- options are typed
new Push({ sendHighWaterMark: "ten" });
export { first, code };
`;

const BUN_CHECK = `
import { Pull, Push } from "omq";
await using pull = new Pull();
await pull.bind("tcp://127.0.0.1:*");
await using push = new Push();
push.connect(pull.lastEndpoint!);
await push.send(["hello", "bun"]);
const message = await pull.receive();
console.log(JSON.stringify(message.map((f) => new TextDecoder().decode(f))));
`;

test("one version: deno.json, the exported version and the CHANGELOG's latest release repeat package.json's", () => {
  assert.match(VERSION, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, "package.json's version is semver");
  const deno = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  assert.equal(deno.version, VERSION, "deno.json (what JSR publishes)");
  assert.equal(version, VERSION, "src/version.ts (the exported version, and `omq --version`)");
  const released = readFileSync(join(root, "CHANGELOG.md"), "utf8").match(/^## \[(\d[^\]]*)\]/m)?.[1];
  assert.equal(released, VERSION, "the CHANGELOG's latest release heading");
});

test("npm: the packed tarball installs in an empty project; it talks to libzmq, its types check, its bin runs", {
  skip: runtime !== "node",
  timeout: 600_000,
}, async () => {
  const { tarball, dir } = await buildAndPack();
  try {
    const project = emptyProject(dir);
    await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", tarball], project);
    // Only omq and its runtime dependencies: no dev dependency leaked into the package.
    const installed = readdirSync(join(project, "node_modules")).filter((n) => !n.startsWith("."));
    assert.deepEqual(installed.filter((n) => !["omq", "@noble", "ws"].includes(n)), [], `installed: ${installed}`);

    writeFileSync(join(project, "check.mjs"), NODE_CHECK);
    const out = JSON.parse((await run(nodeBinary(), ["check.mjs"], project)).trim());
    assert.deepEqual(out, {
      version: VERSION,
      got: ["from", "libzmq"],
      answer: "pong:ping",
      across: "across the entry points",
    });

    writeFileSync(join(project, "check.ts"), TYPES_CHECK);
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: "nodenext",
          target: "es2022",
          // The API speaks Web Streams and AbortSignal: DOM's lib (or @types/node) declares them.
          lib: ["es2022", "esnext.disposable", "dom"],
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ["check.ts"],
      }),
    );
    await run(nodeBinary(), [join(root, "node_modules/typescript/bin/tsc"), "-p", "."], project);

    const keys = await run(join(project, "node_modules/.bin/omq"), ["keygen"], project);
    assert.match(keys, /^public: .{40}\nsecret: .{40}\n$/);

    // The interop suites, unchanged but for importing the installed package instead of the sources.
    mkdirSync(join(project, "tests"));
    const suites = INTEROP_SUITES.map((name) => {
      const source = readFileSync(join(root, "tests/interop", name), "utf8")
        .replaceAll('from "../../mod.ts"', 'from "omq"')
        .replaceAll('from "../support/', `from "${join(root, "tests/support")}/`);
      assert.match(source, /from "omq"/, `${name} imports the package`);
      writeFileSync(join(project, "tests", name), source);
      return join("tests", name);
    });
    const tsx = pathToFileURL(join(root, "node_modules/tsx/dist/loader.mjs")).href;
    const report = await run(nodeBinary(), ["--import", tsx, "--test", "--test-reporter=spec", ...suites], project);
    const passed = Number(report.match(/^ℹ pass (\d+)$/m)?.[1]);
    assert.match(report, /^ℹ fail 0$/m, report);
    assert.ok(passed >= 50, `the interop suites ran against the package (${passed} passed)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bun: `bun add ./omq-x.y.z.tgz` in an empty project, then Push/Pull over tcp and the omq bin", {
  skip: runtime !== "bun",
  timeout: 600_000,
}, async () => {
  const { tarball, dir } = await buildAndPack();
  try {
    const project = emptyProject(dir);
    await run(process.execPath, ["add", tarball], project);
    writeFileSync(join(project, "check.ts"), BUN_CHECK);
    assert.equal((await run(process.execPath, ["check.ts"], project)).trim(), '["hello","bun"]');
    const keys = await run(process.execPath, ["node_modules/.bin/omq", "keygen"], project);
    assert.match(keys, /^public: .{40}\nsecret: .{40}\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("deno: `deno publish --dry-run` accepts the package (JSR: no slow types, every import resolves)", {
  skip: runtime !== "deno",
  timeout: 300_000,
}, async () => {
  const out = await run(g.Deno!.execPath(), ["publish", "--dry-run", "--allow-dirty"], root);
  assert.match(out, /Checking for slow types/);
  assert.match(out, /Success Dry run complete/);
});
