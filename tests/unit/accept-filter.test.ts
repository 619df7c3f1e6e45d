// tcpAcceptFilter's addresses and networks (libzmq's tcp_address_mask_t), IPv4 and IPv6.
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptedBy, checkAcceptFilter, parseAcceptFilter } from "../../transports/accept-filter.ts";

const masks = (...filters: string[]) => filters.map((f) => parseAcceptFilter(f, "tcpAcceptFilter"));

test("an address matches itself only; a network its prefix", () => {
  assert.equal(acceptedBy(masks("10.1.2.3"), "10.1.2.3:5000"), true);
  assert.equal(acceptedBy(masks("10.1.2.3"), "10.1.2.4:5000"), false);
  assert.equal(acceptedBy(masks("10.1.2.0/23"), "10.1.3.200:1"), true);
  assert.equal(acceptedBy(masks("10.1.2.0/23"), "10.1.4.1:1"), false);
  assert.equal(acceptedBy(masks("0.0.0.0/0"), "192.0.2.1:1"), true);
  assert.equal(acceptedBy(masks("192.0.2.1", "198.51.100.0/24"), "198.51.100.9:1"), true);
});

test("IPv6 networks, and IPv4 peers a dual-stack listener reports as ::ffff:a.b.c.d", () => {
  assert.equal(acceptedBy(masks("fd00::/8"), "[fd12:3456::1]:80"), true);
  assert.equal(acceptedBy(masks("fd00::/8"), "[fe80::1]:80"), false);
  assert.equal(acceptedBy(masks("::1"), "[::1]:80"), true);
  assert.equal(acceptedBy(masks("127.0.0.0/8"), "[::ffff:127.0.0.1]:80"), true);
  assert.equal(acceptedBy(masks("127.0.0.1"), "[::1]:80"), false, "families do not mix");
  assert.equal(acceptedBy(masks("2001:db8::/32"), "[2001:db8:0:0:0:0:0:7]:1"), true);
});

test("what libzmq refuses (EINVAL) is a RangeError naming the option; the option keeps a list", () => {
  for (const bad of ["10.0.0.0/33", "::/129", "example.com", "10.0.0", "1.2.3.4/", "fe80::1%eth0"]) {
    assert.throws(() => parseAcceptFilter(bad, "tcpAcceptFilter"), { name: "RangeError", message: /tcpAcceptFilter/ });
  }
  assert.deepEqual(checkAcceptFilter("tcpAcceptFilter", "10.0.0.1"), ["10.0.0.1"]);
  assert.deepEqual(checkAcceptFilter("tcpAcceptFilter", ["10.0.0.1", "::1"]), ["10.0.0.1", "::1"]);
  assert.equal(checkAcceptFilter("tcpAcceptFilter", []), null);
  assert.throws(() => checkAcceptFilter("tcpAcceptFilter", 7), { name: "TypeError" });
});
