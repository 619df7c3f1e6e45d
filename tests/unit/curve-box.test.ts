// The primitives under CURVE: RFC 7748's and NaCl's test vectors on the WebAssembly and the JS
// implementation, the two agreeing byte for byte on random inputs (box sizes around every chunk
// boundary), and a CURVE client and server exchanging frames on either, or one on each.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { BoxCipher } from "../../src/crypto/box-cipher.ts";
import { boxCipher, boxCipherReady, pinBoxCipher } from "../../src/crypto/box-cipher.ts";
import { jsBoxCipher } from "../../src/crypto/js-box.ts";
import { instantiateWasmBoxCipher, loadWasmBoxCipher } from "../../src/crypto/wasm-box.ts";
import { CurveClient, CurveServer } from "../../src/zmtp/mechanisms/curve.ts";
import type { HandshakeStep } from "../../src/zmtp/mechanism.ts";
import { COMMAND, MORE } from "../../src/zmtp/frame.ts";
import { x25519 } from "@noble/curves/ed25519.js";

const hex = (h: string) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const random = (n: number): Uint8Array => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
};

const wasm = (await loadWasmBoxCipher())!;
const ciphers: [string, BoxCipher][] = [["wasm", wasm], ["js", jsBoxCipher]];

// NaCl's tests/secretbox.c and tests/core{1,2}.c: Alice and Bob's shared secret, the box key
// (crypto_box_beforenm), XSalsa20's second key for the nonce, and the 131-byte box.
const SHARED = hex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
const FIRST_KEY = hex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
const NONCE = hex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
const SECOND_KEY = hex("dc908dda0b9344a953629b733820778880f3ceb421bb61b91cbd4c3e66256ce4");
const PLAIN = hex(
  "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561" +
    "f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde048977eb48f59ffd4924ca1c6090" +
    "2e52f0a089bc76897040e082f937763848645e0705",
);
const BOX = hex(
  "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce8" +
    "7b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0" +
    "e9da99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74e355a5",
);

test("the WebAssembly cipher instantiates on this runtime, synchronously and not, and CURVE uses it from the start", async () => {
  assert.equal(boxCipher().kind, "wasm");
  assert.equal(wasm.kind, "wasm");
  assert.equal(instantiateWasmBoxCipher()?.kind, "wasm");
  assert.equal((await boxCipherReady()).kind, "wasm");
});

// RFC 7748 section 5.2 (scalar, u, result) and 6.1 (Alice and Bob).
const X25519_VECTORS = [
  [
    "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
    "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
    "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
  ],
  [
    "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
    "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
    "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
  ],
].map((v) => v.map(hex));
const ALICE = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
const ALICE_PUBLIC = hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
const BOB = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
const BOB_PUBLIC = hex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
/** Points of small order (0, 1, and one of order 8): X25519 with them gives zero, which NaCl refuses. */
const SMALL_ORDER = [
  "0000000000000000000000000000000000000000000000000000000000000000",
  "0100000000000000000000000000000000000000000000000000000000000000",
  "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
].map(hex);

for (const [name, cipher] of ciphers) {
  test(`${name}: X25519 matches RFC 7748's vectors, its 1000-fold iteration, and Alice and Bob's exchange`, () => {
    for (const [scalar, u, result] of X25519_VECTORS) assert.deepEqual(cipher.x25519(scalar, u), result);
    let k: Uint8Array = hex("0900000000000000000000000000000000000000000000000000000000000000");
    let u = k;
    for (let i = 1; i <= 1000; i++) {
      [k, u] = [cipher.x25519(k, u), k];
      if (i === 1) assert.deepEqual(k, hex("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079"));
    }
    assert.deepEqual(k, hex("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51"));
    assert.deepEqual(cipher.publicKey(ALICE), ALICE_PUBLIC);
    assert.deepEqual(cipher.publicKey(BOB), BOB_PUBLIC);
    assert.deepEqual(cipher.x25519(ALICE, BOB_PUBLIC), SHARED);
    assert.deepEqual(cipher.x25519(BOB, ALICE_PUBLIC), SHARED);
  });

  test(`${name}: X25519 refuses public keys of small order`, () => {
    for (const point of SMALL_ORDER) assert.throws(() => cipher.x25519(ALICE, point));
  });

  test(`${name}: HSalsa20 gives NaCl's box key and XSalsa20 subkey`, () => {
    assert.deepEqual(cipher.subkey(SHARED, new Uint8Array(16)), FIRST_KEY);
    assert.deepEqual(cipher.subkey(FIRST_KEY, NONCE.subarray(0, 16)), SECOND_KEY);
  });

  test(`${name}: crypto_secretbox matches NaCl's test vector, opens it, and refuses it with any bit flipped`, () => {
    assert.deepEqual(cipher.seal(FIRST_KEY, NONCE, PLAIN), BOX);
    assert.deepEqual(cipher.open(FIRST_KEY, NONCE, BOX), PLAIN);
    for (const at of [0, 15, 16, 47, 48, BOX.byteLength - 1]) {
      const bad = BOX.slice();
      bad[at] ^= 0x01;
      assert.equal(cipher.open(FIRST_KEY, NONCE, bad), null, `bit flipped at ${at}`);
    }
    assert.equal(cipher.open(FIRST_KEY, NONCE, BOX.subarray(0, 15)), null);
  });

  test(`${name}: a MESSAGE box is crypto_secretbox with the nonce "CurveZMQMESSAGEC" + counter, and opens in place`, () => {
    const key = random(32);
    const body = random(100);
    const counter = 2 ** 40 + 7;
    const command = cipher.sealMessage(cipher.subkey(key, ascii("CurveZMQMESSAGEC")), counter, 0x01, body);
    assert.deepEqual(command.subarray(0, 8), ascii("\x07MESSAGE"));
    assert.deepEqual(command.subarray(8, 16), hex("0000010000000007"));
    const nonce = new Uint8Array(24);
    nonce.set(ascii("CurveZMQMESSAGEC"));
    nonce.set(command.subarray(8, 16), 16);
    const plain = new Uint8Array(101);
    plain[0] = 0x01;
    plain.set(body, 1);
    assert.deepEqual(command.subarray(16), jsBoxCipher.seal(key, nonce, plain));
    assert.ok(cipher.openMessage(cipher.subkey(key, ascii("CurveZMQMESSAGEC")), command));
    assert.deepEqual(command.subarray(32), plain);
  });
}

/** Sizes around every boundary: keystream blocks (64, from 32), the 4-block SIMD step, and both chunk sizes. */
const SIZES = [
  ...Array.from({ length: 70 }, (_, i) => i),
  95,
  96,
  97,
  223,
  224,
  225,
  256,
  287,
  288,
  289,
  4095,
  4096,
  4128,
  4129,
  65535,
  65536,
  65567,
  65568,
  65569,
  131103,
  131104,
  131105,
  200_003,
  1_000_000,
];

test("wasm and js give the same boxes and open each other's, at sizes around every boundary", () => {
  for (const size of SIZES) {
    const key = random(32);
    const nonce = random(24);
    const plain = random(size);
    const a = wasm.seal(key, nonce, plain);
    assert.deepEqual(a, jsBoxCipher.seal(key, nonce, plain), `seal, ${size} bytes`);
    assert.deepEqual(wasm.open(key, nonce, a), plain, `wasm open, ${size} bytes`);
    assert.deepEqual(jsBoxCipher.open(key, nonce, a), plain, `js open, ${size} bytes`);
    const bad = a.slice();
    bad[Math.min(16 + Math.floor(size / 2), bad.byteLength - 1)] ^= 0x80;
    assert.equal(wasm.open(key, nonce, bad), null, `tampered, ${size} bytes`);

    const subkey = wasm.subkey(key, nonce.subarray(0, 16));
    const body = plain;
    const m = wasm.sealMessage(subkey, size, size & 3, body);
    assert.deepEqual(m, jsBoxCipher.sealMessage(subkey, size, size & 3, body), `sealMessage, ${size} bytes`);
    const copy = m.slice();
    assert.ok(jsBoxCipher.openMessage(subkey, copy), `js openMessage, ${size} bytes`);
    assert.ok(wasm.openMessage(subkey, m), `wasm openMessage, ${size} bytes`);
    assert.deepEqual(m, copy);
    assert.equal(m[32], size & 3);
    assert.deepEqual(m.subarray(33), body);
  }
});

test("wasm and js agree on X25519 for random scalars and points, the top bit of u included (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      (scalar, point) => {
        assert.deepEqual(wasm.publicKey(scalar), jsBoxCipher.publicKey(scalar));
        let expected: Uint8Array | null = null;
        try {
          expected = jsBoxCipher.x25519(scalar, point);
        } catch {
          assert.throws(() => wasm.x25519(scalar, point));
          return;
        }
        assert.deepEqual(wasm.x25519(scalar, point), expected);
      },
    ),
    { numRuns: 200 },
  );
});

test("wasm and js agree on random keys, nonces and messages (fast-check)", () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
      fc.uint8Array({ minLength: 24, maxLength: 24 }),
      fc.uint8Array({ maxLength: 2000 }),
      fc.nat({ max: 2 ** 53 - 1 }),
      (key, nonce, plain, counter) => {
        const box = wasm.seal(key, nonce, plain);
        assert.deepEqual(box, jsBoxCipher.seal(key, nonce, plain));
        assert.deepEqual(jsBoxCipher.open(key, nonce, box), plain);
        const subkey = jsBoxCipher.subkey(key, nonce.subarray(0, 16));
        assert.deepEqual(wasm.subkey(key, nonce.subarray(0, 16)), subkey);
        const m = wasm.sealMessage(subkey, counter, 2, plain);
        assert.deepEqual(m, jsBoxCipher.sealMessage(subkey, counter, 2, plain));
        assert.ok(wasm.openMessage(subkey, m));
        assert.deepEqual(m.subarray(33), plain);
      },
    ),
    { numRuns: 300 },
  );
});

// --- the mechanism on each cipher ---

function keyPair(): { publicKey: Uint8Array; secretKey: Uint8Array } {
  const secretKey = random(32);
  return { publicKey: x25519.getPublicKey(secretKey), secretKey };
}

const sync = (step: HandshakeStep | Promise<HandshakeStep>): HandshakeStep => {
  assert.ok(!(step instanceof Promise), "no ZAP: every handshake step is synchronous");
  return step as HandshakeStep;
};

/** Runs a CURVE handshake in memory, the client on one cipher and the server on another. */
function connect(clientCipher: BoxCipher, serverCipher: BoxCipher): { client: CurveClient; server: CurveServer } {
  const s = keyPair();
  const c = keyPair();
  const metadata = [["Socket-Type", "PUSH"]] as const;
  const client = new CurveClient(metadata, s.publicKey, c.publicKey, c.secretKey);
  const server = new CurveServer([["Socket-Type", "PULL"]], s.secretKey, null);
  const asClient = <T>(f: () => T): T => (pinBoxCipher(clientCipher), f());
  const asServer = <T>(f: () => T): T => (pinBoxCipher(serverCipher), f());
  try {
    const hello = asClient(() => sync(client.start()).send![0]);
    assert.deepEqual(asServer(() => sync(server.start())), {});
    const welcome = asServer(() => sync(server.receive(hello)).send![0]);
    const initiate = asClient(() => sync(client.receive(welcome)).send![0]);
    const ready = asServer(() => sync(server.receive(initiate)));
    assert.ok(ready.ready, "server ready");
    assert.ok(asClient(() => sync(client.receive(ready.send![0]))).ready, "client ready");
  } finally {
    pinBoxCipher(null);
  }
  return { client, server };
}

for (const [cn, cc] of ciphers) {
  for (const [sn, sc] of ciphers) {
    test(`CURVE client on ${cn} and server on ${sn}: frames both ways, flags kept, a replay or a flipped bit refused`, () => {
      const { client, server } = connect(cc, sc);
      try {
        for (const [size, flags] of [[0, 0], [5, MORE], [100, 0], [70_000, MORE | COMMAND], [1_000_000, 0]]) {
          const body = random(size);
          pinBoxCipher(cc);
          const up = client.encode(body, flags);
          pinBoxCipher(sc);
          const opened = server.decode(up);
          assert.equal(opened.flags, flags);
          assert.deepEqual(opened.body, body);
          const down = server.encode(body, flags);
          pinBoxCipher(cc);
          const back = client.decode(down);
          assert.equal(back.flags, flags);
          assert.deepEqual(back.body, body);
        }
        pinBoxCipher(cc);
        const once = client.encode(random(10), 0);
        const replay = once.slice();
        pinBoxCipher(sc);
        server.decode(once);
        assert.throws(() => server.decode(replay), /did not increase/);
        pinBoxCipher(cc);
        const flipped = client.encode(random(10), 0);
        flipped[flipped.byteLength - 1] ^= 1;
        pinBoxCipher(sc);
        assert.throws(() => server.decode(flipped), /does not authenticate/);
      } finally {
        pinBoxCipher(null);
      }
    });
  }
}
