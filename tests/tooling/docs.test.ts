// Keeps docs/ true: each page's quoted code is the example file it names (the whole file after its
// header comment, or a `// #region name` of it), each page's one-command run works on the runtime
// running this test and prints what it should, links between the pages resolve, and
// docs/options.md lists every option the sockets define, with its sockets, default and libzmq name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import * as omq from "../../mod.ts";
import { type OptionSpec, optionSpecsOf } from "../../src/options.ts";
import { SOCKET_OPTIONS } from "../../src/socket-options.ts";
import { finished, killAll, startProcess } from "../support/processes.ts";
import { RemoteSocket } from "../support/threads.ts";
import { tempIpcPath, withTimeout } from "../support/util.ts";

const root = fileURLToPath(new URL("../..", import.meta.url).href);
const docsDir = join(root, "docs");
const pages = readdirSync(docsDir).filter((f) => f.endsWith(".md")).sort();
const read = (path: string) => readFileSync(join(root, path), "utf8");

/** What `<!-- example: path[#region] -->` quotes: the file after its leading doc comment, or one region. */
function quoted(spec: string): string {
  const [path, region] = spec.split("#");
  const text = read(path);
  if (region) {
    const lines = text.split("\n");
    const from = lines.indexOf(`// #region ${region}`);
    const to = lines.indexOf(`// #endregion ${region}`);
    assert.ok(from >= 0 && to > from, `${path} has no region "${region}"`);
    return trimLines(lines.slice(from + 1, to).join("\n"));
  }
  return trimLines(text.replace(/^\/\*\*[\s\S]*?\*\/\n/, ""));
}

const trimLines = (s: string) => s.replace(/^\n+|\n+$/g, "");

/** The fenced blocks of a page, each with the HTML comment right before it (if any). */
function blocks(page: string): { marker: string | null; lang: string; body: string }[] {
  const found = [];
  const fence = /(?:<!-- ([^>]*?) -->\n\n?)?```(\w*)\n([\s\S]*?)```/g;
  for (const m of read(`docs/${page}`).matchAll(fence)) found.push({ marker: m[1] ?? null, lang: m[2], body: m[3] });
  return found;
}

test("docs: each page's TypeScript is quoted from the example it names", () => {
  let count = 0;
  for (const page of pages) {
    for (const block of blocks(page).filter((b) => b.lang === "ts")) {
      const spec = /^example: (\S+)$/.exec(block.marker ?? "")?.[1];
      assert.ok(spec, `${page}: a ts block without <!-- example: file --> before it:\n${block.body.slice(0, 200)}`);
      assert.equal(trimLines(block.body), quoted(spec), `${page}: the block quoting ${spec} differs from the file`);
      count++;
    }
  }
  assert.ok(count >= 10, `only ${count} quoted examples`);
});

test("docs: relative links between the pages and the README resolve", () => {
  const readme = read("README.md");
  for (const page of pages) assert.ok(readme.includes(`](docs/${page})`), `README does not link docs/${page}`);
  for (const page of pages) {
    for (const [, target] of read(`docs/${page}`).matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)) {
      assert.ok(existsSync(join(docsDir, target)), `${page} links ${target}, which does not exist`);
    }
  }
});

// What each page's one command prints, by the example it runs.
const expected: Record<string, (out: string) => void> = {
  "examples/hello.ts": (out) => {
    assert.match(out, /client \| Received reply 4: World/);
    assert.equal(out.split("server | Received request: Hello").length - 1, 5);
  },
  "examples/weather.ts": (out) => {
    assert.match(out, /client 10001 \| Average temperature for zipcode '10001' was -?\d+\.\dF/);
    assert.match(out, /client 10002 \| Average temperature for zipcode '10002' was -?\d+\.\dF/);
  },
  "examples/divide-and-conquer.ts": (out) => {
    assert.match(out, /sink +\| Received 40 results/);
    const counts = [...out.matchAll(/worker \d +\| Worker did (\d+) tasks/g)].map((m) => Number(m[1]));
    assert.equal(counts.length, 2, out);
    assert.equal(counts[0] + counts[1], 40);
    assert.ok(counts.every((n) => n > 0), `a worker did nothing: ${counts}`);
  },
  "examples/queue.ts": (out) => {
    assert.match(out, /client 1 \| Received reply 2: World/);
    assert.match(out, /client 2 \| Received reply 2: World/);
    // Both workers were connected before the clients started: the Dealer spreads the six requests over both.
    assert.match(out, /worker 1 \| Received request: Hello/);
    assert.match(out, /worker 2 \| Received request: Hello/);
  },
  "examples/mtrelay.ts": (out) => assert.match(out, /^Test successful: step 1 ready, step 2 ready$/m),
  "examples/mtserver.ts": (out) => {
    assert.match(out, /Received reply 4: World from worker \d/);
    assert.match(out, /World from worker 1/);
    assert.match(out, /World from worker 2/);
  },
  "examples/client-server.ts": (out) => {
    for (let i = 0; i < 3; i++) assert.match(out, new RegExp(`client ${i}: "hello, client ${i}"`));
    assert.match(out, /server: "client 0" from routing id \d+/);
  },
  "examples/radio-dish.ts": (out) => {
    assert.match(out, /weather: 19 degrees/);
    assert.match(out, /traffic: jam on road 4/);
    assert.doesNotMatch(out, /sport|goal/);
  },
  "examples/radio-dish-udp.ts": (out) => {
    assert.match(out, /^dish bound at udp:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(out, /traffic: jam on road 4/);
    assert.doesNotMatch(out, /sport|goal/);
  },
  "examples/scatter-gather.ts": (out) => {
    assert.match(out, /worker 0: task \d, task \d/);
    assert.match(out, /worker 1: task \d, task \d/);
  },
  "examples/peer-to-peer.ts": (out) => assert.match(out, /bob got "hi bob" from routing id \d+/),
  "examples/channel.ts": (out) => assert.equal(out, "pong 0\npong 1\npong 2\n"),
};

const g = globalThis as { Deno?: { execPath(): string }; Bun?: unknown };
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";
const executable = g.Deno ? g.Deno.execPath() : process.execPath;

/** Shell words of a documented command: plain words and '…' or "…" quoted ones. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]);
}

const runs = pages.flatMap((page) =>
  blocks(page).filter((b) => b.marker === "run").map((b) => ({ page, lines: b.body.trim().split("\n") }))
);

test("docs: every page with an example has a command for each runtime", () => {
  assert.ok(runs.length >= 6, `only ${runs.length} run blocks`);
  for (const { page, lines } of runs) {
    assert.deepEqual(lines.map((l) => words(l)[0]), ["node", "deno", "bun"], `${page}: one line per runtime`);
    const scripts = new Set(lines.map((l) => words(l).find((w) => w.endsWith(".ts"))));
    assert.equal(scripts.size, 1, `${page}: the three lines run different files`);
    const [script] = scripts;
    assert.ok(script && expected[script], `${page}: no expected output for ${script} in this test`);
  }
});

for (const { page, lines } of runs) {
  const [name, ...args] = words(lines.find((l) => l.startsWith(`${runtime} `))!);
  const script = args.find((w) => w.endsWith(".ts"))!;
  test(`docs/${page}: ${runtime} ${args.join(" ")}`, { timeout: 120_000 }, async () => {
    assert.equal(name, runtime);
    try {
      const out = await finished(startProcess(executable, args, root), script, 90_000);
      expected[script](out);
    } finally {
      killAll();
    }
  });
}

// --- README's runtime table: a worker thread has its runtime's sockets ---

test("README: in a worker thread, tcp, ipc and ws bind and connect as in the main thread", async () => {
  const pull = await RemoteSocket.start("Pull");
  const push = await RemoteSocket.start("Push");
  const here = { pull: new omq.Pull({ linger: 0 }), push: new omq.Push({ linger: 0 }) };
  try {
    for (const [k, endpoint] of ["tcp://127.0.0.1:*", tempIpcPath("docs"), "ws://127.0.0.1:*/docs"].entries()) {
      // Bound in the worker, connected from here.
      await pull.bind(endpoint);
      const bound = (await pull.event("bind", k + 1) as { address: string }[])[k].address;
      here.push.connect(bound);
      await here.push.send(`to ${bound}`);
      assert.deepEqual(await pull.receive(), [`to ${bound}`]);
      here.push.disconnect(bound);
      // Bound here, connected from the worker.
      await here.pull.bind(endpoint.replace("docs", "docs-main"));
      await push.connect(here.pull.lastEndpoint!);
      await push.send([`from ${endpoint.split(":")[0]}`]);
      const [got] = await withTimeout(here.pull.receive(), 10_000, endpoint);
      assert.equal(new TextDecoder().decode(got), `from ${endpoint.split(":")[0]}`);
    }
  } finally {
    await Promise.all([pull.terminate(), push.terminate(), here.pull.close(), here.push.close()]);
  }
});

// --- docs/options.md against the option definitions ---

/** Options and where they are, as the table says: name → set of "every socket", "Context" or class names. */
function optionsTable(): Map<string, { on: Set<string>; libzmq: string; default: string }[]> {
  const rows = new Map<string, { on: Set<string>; libzmq: string; default: string }[]>();
  for (const line of read("docs/options.md").split("\n")) {
    const cells = line.split("|").slice(1, -1).map((c) => c.trim());
    const name = /^`(\w+)`$/.exec(cells[0] ?? "")?.[1];
    if (!name || cells.length !== 5) continue;
    const on = cells[1].startsWith("every socket")
      ? new Set(["every socket"])
      : new Set([...cells[1].matchAll(/`(\w+)`/g)].map((m) => m[1]));
    rows.set(name, [...(rows.get(name) ?? []), { on, libzmq: cells[2], default: cells[3] }]);
  }
  return rows;
}

/** Options with no definition of their own: accepted by constructors, or read-only properties. */
const NOT_DEFINED = new Set(["context", "verbosity", "topicsCount"]);
/** Old names of other classes, with the same options. */
const ALIASES = new Set(["XREQ", "XREP"]);

/** The definitions: option → where (as in the table) → its spec there. */
function definedOptions(): Map<string, Map<string, OptionSpec>> {
  const defined = new Map<string, Map<string, OptionSpec>>();
  const add = (name: string, on: string, spec: OptionSpec) =>
    (defined.get(name) ?? defined.set(name, new Map()).get(name)!).set(on, spec);
  for (const [name, spec] of Object.entries(SOCKET_OPTIONS)) add(name, "every socket", spec);
  for (const [cls, value] of Object.entries(omq)) {
    if (typeof value !== "function" || !value.prototype || ALIASES.has(cls)) continue;
    for (const [name, spec] of optionSpecsOf(Object.create(value.prototype))) {
      if (cls === "Context" || !(name in SOCKET_OPTIONS)) add(name, cls, spec);
    }
  }
  return defined;
}

test("docs/options.md lists every option, on the sockets that have it, with its default and libzmq name", () => {
  const table = optionsTable();
  const defined = definedOptions();
  assert.ok(defined.size > 60 && defined.has("sendHighWaterMark") && defined.has("blocky"), "definitions not found");
  const listed = [...table.keys()].filter((n) => !NOT_DEFINED.has(n)).sort();
  assert.deepEqual(listed, [...defined.keys()].sort(), "options in the table vs. options defined");
  for (const [name, places] of defined) {
    const rows = table.get(name)!;
    const tableOn = new Set(rows.flatMap((r) => [...r.on]));
    assert.deepEqual([...tableOn].sort(), [...places.keys()].sort(), `where ${name} is`);
    for (const row of rows) {
      const spec = places.get([...row.on][0])!;
      assert.equal(row.default, String(spec.default), `${name}'s default`);
      const sameSpecs = [...row.on].map((on) => places.get(on)!.default);
      assert.ok(sameSpecs.every((d) => d === spec.default), `${name} has different defaults on ${[...row.on]}`);
    }
  }
  const source = readdirSync(join(root, "src"), { recursive: true })
    .filter((f) => String(f).endsWith(".ts"))
    .map((f) => read(join("src", String(f))))
    .join("\n");
  for (const [name, rows] of table) {
    for (const { libzmq } of rows) {
      if (libzmq === "—") continue;
      assert.match(libzmq, /^ZMQ_[A-Z0-9_]+$/, `${name}'s libzmq name`);
      // The doc comments name it too, in brackets: the table and the API docs agree.
      assert.ok(source.includes(`[${libzmq}]`), `${name}: no doc comment in src/ says [${libzmq}]`);
    }
  }
});
