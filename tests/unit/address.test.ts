// The one host:port rule every transport and runtime adapter prints addresses with.
import { test } from "node:test";
import assert from "node:assert/strict";
import { hostPort } from "../../transports/address.ts";
import { formatEndpoint, parseEndpoint } from "../../transports/endpoint.ts";

test("hostPort brackets an IPv6 host and leaves names and IPv4 as they are", () => {
  assert.equal(hostPort("127.0.0.1", 5555), "127.0.0.1:5555");
  assert.equal(hostPort("localhost", 80), "localhost:80");
  assert.equal(hostPort("::1", 5555), "[::1]:5555");
  assert.equal(hostPort("fe80::1%eth0", 1), "[fe80::1%eth0]:1");
});

test("a bound endpoint prints its IPv6 host in brackets, for tcp and ws alike", () => {
  const tcp = parseEndpoint("tcp://[::1]:*", true);
  assert.equal(formatEndpoint(tcp, { kind: "tcp", host: "::1", port: 4000 }), "tcp://[::1]:4000");
  const ws = parseEndpoint("ws://[::1]:*/zmq", true);
  assert.equal(
    formatEndpoint(ws, { kind: "ws", secure: false, host: "::1", port: 4001, path: "/zmq" }),
    "ws://[::1]:4001/zmq",
  );
});
