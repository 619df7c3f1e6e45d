// The udp datagram formats (libzmq's udp_engine: RADIO/DISH group datagrams, DGRAM address frames)
// and udp:// endpoint parsing (libzmq's udp_address), with byte arrays and strings alone.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  datagramAddress,
  DatagramAddresses,
  groupDatagram,
  isMulticast,
  parseDatagramAddress,
  parseGroupDatagram,
} from "../../src/zmtp/datagram.ts";
import { formatEndpoint, parseEndpoint } from "../../transports/endpoint.ts";
import { bytes, concatBytes, text } from "../support/util.ts";

test("a group datagram is the group's length byte, the group and the body", () => {
  const chunks = groupDatagram(bytes("news"), bytes("hello"))!;
  assert.deepEqual([...concatBytes(chunks)], [4, ...bytes("news"), ...bytes("hello")]);
  assert.deepEqual([...concatBytes(groupDatagram(new Uint8Array(0), new Uint8Array(0))!)], [0]);
  assert.equal(concatBytes(groupDatagram(new Uint8Array(255), bytes("x"))!)[0], 255);
  assert.equal(groupDatagram(new Uint8Array(256), bytes("x")), null, "no length byte says 256");
});

test("a group datagram parses back into views of it; empty and truncated ones are null", () => {
  const datagram = concatBytes(groupDatagram(bytes("news"), bytes("hello"))!);
  const [group, body] = parseGroupDatagram(datagram)!;
  assert.equal(text(group), "news");
  assert.equal(text(body), "hello");
  assert.equal(body.buffer, datagram.buffer, "a view, not a copy");
  assert.deepEqual(parseGroupDatagram(new Uint8Array([0])), [new Uint8Array(0), new Uint8Array(0)]);
  assert.deepEqual(parseGroupDatagram(new Uint8Array([2, 0x61, 0x62])), [bytes("ab"), new Uint8Array(0)]);
  assert.equal(parseGroupDatagram(new Uint8Array(0)), null);
  assert.equal(parseGroupDatagram(new Uint8Array([5, 0x61, 0x62])), null, "shorter than its length byte says");
  assert.equal(parseGroupDatagram(new Uint8Array([255])), null);
});

test("DGRAM address frames: host:port with a numeric host, IPv6 in brackets", () => {
  assert.equal(datagramAddress("127.0.0.1", 5555), "127.0.0.1:5555");
  assert.equal(datagramAddress("::1", 5555), "[::1]:5555");
  assert.deepEqual(parseDatagramAddress("127.0.0.1:5555"), { host: "127.0.0.1", port: 5555 });
  assert.deepEqual(parseDatagramAddress("[::1]:1"), { host: "::1", port: 1 });
  assert.deepEqual(parseDatagramAddress("10.0.0.1:65535\0"), { host: "10.0.0.1", port: 65535 }, "libzmq's NUL");
  for (const bad of ["", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536", "localhost:5555", "::1:5555"]) {
    assert.equal(parseDatagramAddress(bad), null, JSON.stringify(bad));
  }
  for (const bad of ["256.0.0.1:5", "1.2.3:5", "[nothex]:5", "127.0.0.1:5x", "127.0.0.1:-5"]) {
    assert.equal(parseDatagramAddress(bad), null, JSON.stringify(bad));
  }
  // Numeric as inet_pton reads it: a leading zero (octal to a resolver), a short or long IPv6, an empty zone.
  for (
    const bad of ["010.0.0.1:5", "[1:2]:5", "[0:]:1", "[1:2:3:4:5:6:7:1.2.3.4]:5", "[fe80::1%]:5", "[::01.2.3.4]:5"]
  ) {
    assert.equal(parseDatagramAddress(bad), null, JSON.stringify(bad));
  }
  assert.deepEqual(parseDatagramAddress("[fe80::1%lo]:5"), { host: "fe80::1%lo", port: 5 });
  assert.deepEqual(parseDatagramAddress("[::ffff:10.0.0.1]:5"), { host: "::ffff:10.0.0.1", port: 5 });
  assert.deepEqual(parseDatagramAddress("[1:2:3:4:5:6:7::]:5"), { host: "1:2:3:4:5:6:7::", port: 5 });
});

test("DatagramAddresses parses a frame once while the same bytes repeat, and sees a change", () => {
  const addresses = new DatagramAddresses();
  const frame = bytes("127.0.0.1:5555");
  assert.deepEqual(addresses.peerOf(frame), { host: "127.0.0.1", port: 5555 });
  assert.equal(addresses.peerOf(bytes("127.0.0.1:5555")), addresses.peerOf(frame), "the remembered peer");
  frame.set(bytes("6"), frame.length - 1);
  assert.deepEqual(addresses.peerOf(frame), { host: "127.0.0.1", port: 5556 }, "a frame changed in place");
  assert.equal(addresses.peerOf(bytes("nonsense")), null);
  assert.equal(addresses.peerOf(new Uint8Array(0)), null);
});

test("multicast groups: 224.0.0.0/4 and ff00::/8", () => {
  for (const g of ["224.0.0.1", "239.255.255.255", "239.1.2.3", "ff02::1", "FF05::2"]) assert.ok(isMulticast(g), g);
  for (const u of ["223.255.255.255", "240.0.0.1", "127.0.0.1", "::1", "fe80::1", "eth0", "*"]) {
    assert.ok(!isMulticast(u), u);
  }
});

test("udp:// endpoints parse as libzmq's udp_address: [iface;]host:port", () => {
  const udp = (endpoint: string, forBind: boolean) => {
    const ep = parseEndpoint(endpoint, forBind);
    assert.equal(ep.transport, "udp");
    return ep.transport === "udp" ? ep.address : null;
  };
  assert.deepEqual(udp("udp://127.0.0.1:5555", false), {
    kind: "udp",
    iface: null,
    host: "127.0.0.1",
    port: 5555,
    multicast: false,
  });
  assert.deepEqual(udp("udp://*:*", true), { kind: "udp", iface: null, host: "*", port: 0, multicast: false });
  assert.deepEqual(udp("udp://239.1.2.3:5555", false), {
    kind: "udp",
    iface: null,
    host: "239.1.2.3",
    port: 5555,
    multicast: true,
  });
  assert.deepEqual(udp("udp://127.0.0.1;239.1.2.3:5555", true), {
    kind: "udp",
    iface: "127.0.0.1",
    host: "239.1.2.3",
    port: 5555,
    multicast: true,
  });
  assert.equal(udp("udp://eth0;239.1.2.3:5555", true)!.iface, "eth0");
  assert.equal(udp("udp://*;239.1.2.3:5555", true)!.iface, "*");
  assert.equal(udp("udp://[::1]:5555", false)!.host, "::1");
  assert.equal(udp("udp://[ff02::1]:5555", true)!.multicast, true);
  assert.equal(udp("udp://localhost:5555", false)!.host, "localhost", "names resolve when the socket opens");
});

test("udp:// endpoints libzmq refuses are EINVAL naming the endpoint", () => {
  const cases: [string, boolean][] = [
    ["udp://127.0.0.1", true], // no port
    ["udp://:5555", true], // no host
    ["udp://*:5555", false], // wildcard host for connect
    ["udp://127.0.0.1:*", false], // wildcard port for connect
    ["udp://127.0.0.1:0", false],
    ["udp://127.0.0.1:65536", true],
    ["udp://127.0.0.1:x", true],
    ["udp://127.0.0.1;127.0.0.2:5555", true], // an interface for a unicast host
    ["udp://239.1.1.1;239.1.2.3:5555", true], // a multicast group as the interface
    ["udp://;239.1.2.3:5555", true], // an empty interface
    ["udp://127.0.0.1;[ff02::1]:5555", true], // an IPv4 interface for an IPv6 group
  ];
  for (const [endpoint, forBind] of cases) {
    assert.throws(() => parseEndpoint(endpoint, forBind), (err: Error & { code?: string }) => {
      assert.equal(err.code, "EINVAL", endpoint);
      assert.ok(err.message.includes(endpoint), err.message);
      return true;
    });
  }
});

test("a bound udp:// endpoint is reported as given, with the port the kernel chose", () => {
  const ep = parseEndpoint("udp://127.0.0.1;239.1.2.3:*", true);
  assert.equal(
    formatEndpoint(ep, { kind: "udp", iface: "127.0.0.1", host: "239.1.2.3", port: 4000 }),
    "udp://127.0.0.1;239.1.2.3:4000",
  );
  const any = parseEndpoint("udp://*:*", true);
  assert.equal(formatEndpoint(any, { kind: "udp", iface: null, host: "0.0.0.0", port: 4001 }), "udp://0.0.0.0:4001");
  assert.equal(formatEndpoint(any, { kind: "udp", iface: null, host: "::1", port: 4002 }), "udp://[::1]:4002");
});
