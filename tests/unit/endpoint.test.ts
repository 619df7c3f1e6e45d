// Endpoint strings (transports/endpoint.ts): every transport, wildcards for bind only, malformed
// input refused with EINVAL (or EPROTONOSUPPORT for an unknown transport), and the lastEndpoint form.
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatEndpoint, parseEndpoint } from "../../transports/endpoint.ts";
import type { ZmqError } from "../../src/errors.ts";

/** Asserts parsing `endpoint` throws a ZmqError with `code` whose message quotes the endpoint. */
function refused(endpoint: string, forBind: boolean, code = "EINVAL") {
  assert.throws(() => parseEndpoint(endpoint, forBind), (err: ZmqError) => {
    assert.equal(err.code, code, `${endpoint}: ${err.message}`);
    assert.ok(err.message.includes(endpoint) || endpoint === "", `the message names ${endpoint}: ${err.message}`);
    return true;
  });
}

test("tcp: host and port, for bind and connect", () => {
  for (const forBind of [true, false]) {
    assert.deepEqual(parseEndpoint("tcp://127.0.0.1:5555", forBind), {
      transport: "tcp",
      address: { kind: "tcp", host: "127.0.0.1", port: 5555 },
      wildcardHost: false,
    });
  }
  assert.deepEqual(parseEndpoint("tcp://localhost:1", false), {
    transport: "tcp",
    address: { kind: "tcp", host: "localhost", port: 1 },
    wildcardHost: false,
  });
  const top = parseEndpoint("tcp://h:65535", false);
  assert.equal(top.transport === "tcp" && top.address.port, 65535);
});

test("tcp: an IPv6 host with or without brackets", () => {
  for (const ep of ["tcp://[::1]:80", "tcp://::1:80"]) {
    const parsed = parseEndpoint(ep, false);
    assert.deepEqual(parsed.transport === "tcp" && parsed.address, { kind: "tcp", host: "::1", port: 80 }, ep);
  }
});

test("tcp: bind takes a wildcard host (dual-stack ::) and a wildcard or zero port", () => {
  assert.deepEqual(parseEndpoint("tcp://*:*", true), {
    transport: "tcp",
    address: { kind: "tcp", host: "::", port: 0 },
    wildcardHost: true,
  });
  for (const ep of ["tcp://127.0.0.1:*", "tcp://127.0.0.1:0"]) {
    const parsed = parseEndpoint(ep, true);
    assert.equal(parsed.transport === "tcp" && parsed.address.port, 0, ep);
  }
});

test("tcp: connect refuses wildcard hosts and ports", () => {
  for (const ep of ["tcp://*:5555", "tcp://127.0.0.1:*", "tcp://127.0.0.1:0"]) refused(ep, false);
});

test("tcp: a missing or malformed host or port is EINVAL", () => {
  for (
    const ep of [
      "tcp://127.0.0.1",
      "tcp://:5555",
      "tcp://[]:5555",
      "tcp://127.0.0.1:",
      "tcp://127.0.0.1:65536",
      "tcp://127.0.0.1:-1",
      "tcp://127.0.0.1:+80",
      "tcp://127.0.0.1:80x",
      "tcp://127.0.0.1: 80",
      "tcp://[::1]",
    ]
  ) {
    refused(ep, true);
    refused(ep, false);
  }
});

test("ipc: a path, an abstract name (@ becomes a leading NUL), or * for bind", () => {
  assert.deepEqual(parseEndpoint("ipc:///tmp/omq.sock", false), {
    transport: "ipc",
    address: { kind: "ipc", path: "/tmp/omq.sock" },
  });
  assert.deepEqual(parseEndpoint("ipc://@omq", true), { transport: "ipc", address: { kind: "ipc", path: "\0omq" } });
  // The socket turns "*" into a file in a fresh temporary directory.
  assert.deepEqual(parseEndpoint("ipc://*", true), { transport: "ipc", address: { kind: "ipc", path: "*" } });
  refused("ipc://", true);
  refused("ipc://", false);
});

test("inproc: any non-empty name", () => {
  assert.deepEqual(parseEndpoint("inproc://a/b:c", false), { transport: "inproc", name: "a/b:c" });
  refused("inproc://", true);
  refused("inproc://", false);
});

test("ws: host, port and a path that defaults to /", () => {
  assert.deepEqual(parseEndpoint("ws://127.0.0.1:8080", false), {
    transport: "ws",
    address: { kind: "ws", secure: false, host: "127.0.0.1", port: 8080, path: "/" },
    wildcardHost: false,
  });
  const withPath = parseEndpoint("ws://[::1]:80/zmq/x", false);
  assert.deepEqual(withPath.transport === "ws" && withPath.address, {
    kind: "ws",
    secure: false,
    host: "::1",
    port: 80,
    path: "/zmq/x",
  });
  const wild = parseEndpoint("ws://*:*/p", true);
  assert.deepEqual(wild, {
    transport: "ws",
    address: { kind: "ws", secure: false, host: "::", port: 0, path: "/p" },
    wildcardHost: true,
  });
  refused("ws://*:80/p", false);
  refused("ws://host/p", false);
});

test("wss: parsed for connect and bind alike (the certificate options are checked at bind)", () => {
  const parsed = parseEndpoint("wss://example.com:443/zmq", false);
  assert.equal(parsed.transport === "ws" && parsed.address.secure, true);
  const bound = parseEndpoint("wss://127.0.0.1:*/zmq", true);
  assert.equal(bound.transport === "ws" && bound.address.secure && bound.address.port, 0);
});

test("no transport is EINVAL; an unknown one is EPROTONOSUPPORT", () => {
  for (const ep of ["127.0.0.1:5555", "tcp:/127.0.0.1:5555", ""]) refused(ep, false);
  refused("foo://x", true, "EPROTONOSUPPORT");
  refused("TCP://127.0.0.1:5555", false, "EPROTONOSUPPORT");
});

test("lastEndpoint: a tcp wildcard bind is reported as 0.0.0.0 with the port bound, IPv6 in brackets", () => {
  const wild = parseEndpoint("tcp://*:*", true);
  assert.equal(formatEndpoint(wild, { kind: "tcp", host: "::", port: 4242 }), "tcp://0.0.0.0:4242");
  const v6 = parseEndpoint("tcp://[::1]:*", true);
  assert.equal(formatEndpoint(v6, { kind: "tcp", host: "::1", port: 4242 }), "tcp://[::1]:4242");
  const named = parseEndpoint("tcp://localhost:*", true);
  assert.equal(formatEndpoint(named, { kind: "tcp", host: "127.0.0.1", port: 7 }), "tcp://127.0.0.1:7");
});

test("lastEndpoint: ipc paths as given, abstract names with @, ws with its path", () => {
  const ipc = parseEndpoint("ipc://@x", true);
  assert.equal(formatEndpoint(ipc, { kind: "ipc", path: "\0x" }), "ipc://@x");
  assert.equal(formatEndpoint(ipc, { kind: "ipc", path: "/tmp/s" }), "ipc:///tmp/s");
  const ws = parseEndpoint("ws://*:*/zmq", true);
  const bound = { kind: "ws" as const, secure: false, host: "::", port: 9, path: "/zmq" };
  assert.equal(formatEndpoint(ws, bound), "ws://0.0.0.0:9/zmq");
  const inproc = parseEndpoint("inproc://q", true);
  assert.equal(formatEndpoint(inproc, { kind: "ipc", path: "unused" }), "inproc://q");
});
