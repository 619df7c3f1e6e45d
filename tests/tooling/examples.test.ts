// Runs each example set end to end as child processes of this same runtime, on ipc
// endpoints in a temp dir (no port races), and checks what they print.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { eventually, runtimeCommand, tempIpcPath } from "../support/util.ts";
import { finished, killAll, type Run, startProcess } from "../support/processes.ts";

function start(example: string, ...args: string[]): Run {
  const script = fileURLToPath(new URL(`../../examples/${example}.ts`, import.meta.url).href);
  const [cmd, ...rest] = runtimeCommand(script);
  return startProcess(cmd, [...rest, ...args]);
}

test("hello-world: client and server (REQ/REP)", async () => {
  try {
    const endpoint = tempIpcPath();
    const server = start("hello-server", endpoint, "3");
    const client = start("hello-client", endpoint, "3");
    const out = await finished(client, "hello-client");
    assert.match(out, /Received reply 2: World/);
    assert.match(await finished(server, "hello-server"), /Received request: Hello/);
  } finally {
    killAll();
  }
});

test("weather: a client averages the updates for its zip code (PUB/SUB)", async () => {
  try {
    const endpoint = tempIpcPath();
    start("weather-server", endpoint, "60");
    const client = start("weather-client", endpoint, "10001", "5");
    assert.match(await finished(client, "weather-client"), /Average temperature for zipcode '10001' was -?\d+\.\dF/);
  } finally {
    killAll();
  }
});

test("pipeline: ventilator, two workers and a sink (PUSH/PULL)", async () => {
  try {
    const tasks = tempIpcPath("tasks");
    const results = tempIpcPath("results");
    const sink = start("sink", results);
    const workers = [start("worker", tasks, results, "1500"), start("worker", tasks, results, "1500")];
    const ventilator = start("ventilator", tasks, results, "40");
    assert.match(await finished(ventilator, "ventilator"), /Total expected cost: \d+ ms/);
    assert.match(await finished(sink, "sink"), /Received 40 results/);
    const done = await Promise.all(workers.map((w, k) => finished(w, `worker ${k}`)));
    const counts = done.map((o) => Number(/did (\d+) tasks/.exec(o)![1]));
    assert.equal(counts[0] + counts[1], 40);
  } finally {
    killAll();
  }
});

test("queue device: clients and workers through a Router/Dealer proxy", async () => {
  try {
    const front = tempIpcPath("front");
    const back = tempIpcPath("back");
    start("queue-device", front, back, "60");
    // Workers serve until killed: the Dealer may hand one worker more than its share while the other connects.
    const workers = [
      start("hello-server", back, "1000", "--connect"),
      start("hello-server", back, "1000", "--connect"),
    ];
    const clients = [start("hello-client", front, "3"), start("hello-client", front, "3")];
    for (const [k, c] of clients.entries()) assert.match(await finished(c, `client ${k}`), /Received reply 2: World/);
    // A worker prints before it replies, but its output may reach us after the client's exit.
    const served = () => workers.reduce((n, w) => n + w.output().split("Received request").length - 1, 0);
    await eventually(() => served() === 6, { timeout: 5000 });
  } finally {
    killAll();
  }
});
