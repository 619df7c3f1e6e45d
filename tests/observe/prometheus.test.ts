// examples/prometheus.ts: started as a child process of this runtime, scraped twice over HTTP.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { eventually, runtimeCommand, withTimeout } from "../support/util.ts";

/** The value of the sample `name{labels}` in a scrape. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(series + " "));
  assert.ok(line, `no sample ${series} in:\n${text}`);
  return Number(line.slice(series.length + 1));
}

test("the Prometheus example serves counters in the text format, and they move between scrapes", async () => {
  const script = fileURLToPath(new URL("../../examples/prometheus.ts", import.meta.url).href);
  const [cmd, ...args] = runtimeCommand(script);
  const child = spawn(cmd, [...args, "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  try {
    const url = await eventually(() => /(http:\/\/\S+\/metrics)/.exec(out)?.[1] ?? false, { timeout: 30_000 });
    const scrape = async () => {
      const response = await withTimeout(fetch(url), 10_000, "scrape");
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type")!, /^text\/plain; version=0\.0\.4/);
      return await response.text();
    };
    const first = await scrape();
    assert.match(first, /^# HELP omq_messages_sent_total .+\n# TYPE omq_messages_sent_total counter\n/m);
    assert.match(first, /^# TYPE omq_connections gauge$/m);
    assert.match(first, /^# TYPE omq_peer_queued_messages gauge$/m);
    // Every line is a comment or a sample: name{labels} value.
    for (const line of first.trimEnd().split("\n")) {
      assert.match(line, /^(# (HELP|TYPE) \w+ .+|[a-z_]+\{[^}]*\} \d+(\.\d+)?)$/, line);
    }
    const sent = 'omq_messages_sent_total{socket="push",type="PUSH"}';
    const received = 'omq_messages_received_total{socket="pull",type="PULL"}';
    const before = sample(first, sent);
    const second = await eventually(async () => {
      const text = await scrape();
      return sample(text, sent) > before && sample(text, received) > 0 ? text : false;
    }, { timeout: 10_000 });
    assert.equal(sample(second, 'omq_connections{socket="push",type="PUSH"}'), 1);
    assert.equal(sample(second, 'omq_connections_accepted_total{socket="pull",type="PULL"}'), 1);
    assert.ok(sample(second, 'omq_bytes_sent_total{socket="push",type="PUSH"}') >= 67 * sample(second, sent));
  } finally {
    child.kill("SIGTERM");
    await withTimeout(exited, 10_000, "example exit").catch(() => child.kill("SIGKILL"));
  }
});
