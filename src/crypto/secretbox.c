/*
 * NaCl's crypto_secretbox (XSalsa20-Poly1305) for omq's CURVE mechanism, as a freestanding
 * WebAssembly module (wasm32 + SIMD128, no libc, no imports). `scripts/build-crypto.ts`
 * compiles it and writes the bytes into src/crypto/secretbox-wasm.ts.
 *
 * CurveZMQ boxes use a 24-byte nonce whose first 16 bytes are fixed per connection and
 * direction ("CurveZMQMESSAGEC" + 8-byte counter), so XSalsa20's HSalsa20 step is done once
 * per connection (hsalsa20 below) and every frame runs Salsa20 with the 8-byte counter:
 * the same bytes as crypto_secretbox, one block of work less per frame.
 *
 * Salsa20 follows the specification ("Salsa20 specification", D. J. Bernstein), four blocks
 * at a time in SIMD lanes; Poly1305 is poly1305-donna's 26-bit-limb arithmetic. The MAC is
 * computed over the ciphertext in chunks that stay in the L1 cache while both passes run.
 *
 * The caller (src/crypto/wasm-box.ts) owns the memory layout above __heap_base.
 */
#include <stdint.h>
#include <wasm_simd128.h>

typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;

#define EXPORT(name) __attribute__((export_name(name)))

extern u8 __heap_base;

EXPORT("heap_base") u32 heap_base(void) { return (u32)(uintptr_t)&__heap_base; }

/* wasm is little-endian and allows unaligned loads, as the formats want. */
static inline u32 ld32(const u8 *p) {
  u32 v;
  __builtin_memcpy(&v, p, 4);
  return v;
}
static inline void st32(u8 *p, u32 v) { __builtin_memcpy(p, &v, 4); }
static inline u32 rotl(u32 x, int c) { return (x << c) | (x >> (32 - c)); }

/* ---- Salsa20 ---- */

#define SIGMA0 0x61707865u /* "expa" */
#define SIGMA1 0x3320646eu /* "nd 3" */
#define SIGMA2 0x79622d32u /* "2-by" */
#define SIGMA3 0x6b206574u /* "te k" */

#define QR(a, b, c, d)      \
  b ^= rotl(a + d, 7);      \
  c ^= rotl(b + a, 9);      \
  d ^= rotl(c + b, 13);     \
  a ^= rotl(d + c, 18);

static void doubleround10(u32 *x) {
  for (int i = 0; i < 10; i++) {
    QR(x[0], x[4], x[8], x[12]);
    QR(x[5], x[9], x[13], x[1]);
    QR(x[10], x[14], x[2], x[6]);
    QR(x[15], x[3], x[7], x[11]);
    QR(x[0], x[1], x[2], x[3]);
    QR(x[5], x[6], x[7], x[4]);
    QR(x[10], x[11], x[8], x[9]);
    QR(x[15], x[12], x[13], x[14]);
  }
}

/* The Salsa20 input block for a 32-byte key and 16 bytes of nonce+counter (or HSalsa20's input). */
static void setup(u32 *s, const u8 *key, const u8 *in16) {
  s[0] = SIGMA0;
  s[5] = SIGMA1;
  s[10] = SIGMA2;
  s[15] = SIGMA3;
  for (int i = 0; i < 4; i++) {
    s[1 + i] = ld32(key + 4 * i);
    s[11 + i] = ld32(key + 16 + 4 * i);
    s[6 + i] = ld32(in16 + 4 * i);
  }
}

/* HSalsa20(key, in16) -> out32: the XSalsa20 subkey for a 16-byte nonce prefix. */
EXPORT("hsalsa20") void hsalsa20(u8 *out, const u8 *key, const u8 *in16) {
  u32 x[16];
  setup(x, key, in16);
  doubleround10(x);
  st32(out + 0, x[0]);
  st32(out + 4, x[5]);
  st32(out + 8, x[10]);
  st32(out + 12, x[15]);
  st32(out + 16, x[6]);
  st32(out + 20, x[7]);
  st32(out + 24, x[8]);
  st32(out + 28, x[9]);
}

/* One 64-byte keystream block for the state s (counter in s[8], s[9]). */
static void block(u8 *out, const u32 *s) {
  u32 x[16];
  for (int i = 0; i < 16; i++) x[i] = s[i];
  doubleround10(x);
  for (int i = 0; i < 16; i++) st32(out + 4 * i, x[i] + s[i]);
}

#define VROTL(v, c) wasm_v128_or(wasm_i32x4_shl(v, c), wasm_u32x4_shr(v, 32 - c))
#define VQR(a, b, c, d)                                  \
  b = wasm_v128_xor(b, VROTL(wasm_i32x4_add(a, d), 7));  \
  c = wasm_v128_xor(c, VROTL(wasm_i32x4_add(b, a), 9));  \
  d = wasm_v128_xor(d, VROTL(wasm_i32x4_add(c, b), 13)); \
  a = wasm_v128_xor(a, VROTL(wasm_i32x4_add(d, c), 18));

/* ---- Poly1305 (26-bit limbs, 64-bit products) ---- */

typedef struct {
  u32 r0, r1, r2, r3, r4;
  u32 h0, h1, h2, h3, h4;
  u32 pad[4];
} poly1305;

static void poly_init(poly1305 *p, const u8 *key) {
  p->r0 = ld32(key + 0) & 0x3ffffff;
  p->r1 = (ld32(key + 3) >> 2) & 0x3ffff03;
  p->r2 = (ld32(key + 6) >> 4) & 0x3ffc0ff;
  p->r3 = (ld32(key + 9) >> 6) & 0x3f03fff;
  p->r4 = (ld32(key + 12) >> 8) & 0x00fffff;
  p->h0 = p->h1 = p->h2 = p->h3 = p->h4 = 0;
  for (int i = 0; i < 4; i++) p->pad[i] = ld32(key + 16 + 4 * i);
}

/* Absorbs whole 16-byte blocks; hibit is 1 << 24 for a full block, 0 for the padded last one. */
static void poly_blocks(poly1305 *p, const u8 *m, u32 len, u32 hibit) {
  const u32 r0 = p->r0, r1 = p->r1, r2 = p->r2, r3 = p->r3, r4 = p->r4;
  const u32 s1 = r1 * 5, s2 = r2 * 5, s3 = r3 * 5, s4 = r4 * 5;
  u32 h0 = p->h0, h1 = p->h1, h2 = p->h2, h3 = p->h3, h4 = p->h4;
  while (len >= 16) {
    h0 += ld32(m + 0) & 0x3ffffff;
    h1 += (ld32(m + 3) >> 2) & 0x3ffffff;
    h2 += (ld32(m + 6) >> 4) & 0x3ffffff;
    h3 += (ld32(m + 9) >> 6) & 0x3ffffff;
    h4 += (ld32(m + 12) >> 8) | hibit;
    u64 d0 = (u64)h0 * r0 + (u64)h1 * s4 + (u64)h2 * s3 + (u64)h3 * s2 + (u64)h4 * s1;
    u64 d1 = (u64)h0 * r1 + (u64)h1 * r0 + (u64)h2 * s4 + (u64)h3 * s3 + (u64)h4 * s2;
    u64 d2 = (u64)h0 * r2 + (u64)h1 * r1 + (u64)h2 * r0 + (u64)h3 * s4 + (u64)h4 * s3;
    u64 d3 = (u64)h0 * r3 + (u64)h1 * r2 + (u64)h2 * r1 + (u64)h3 * r0 + (u64)h4 * s4;
    u64 d4 = (u64)h0 * r4 + (u64)h1 * r3 + (u64)h2 * r2 + (u64)h3 * r1 + (u64)h4 * r0;
    u32 c;
    c = (u32)(d0 >> 26); h0 = (u32)d0 & 0x3ffffff; d1 += c;
    c = (u32)(d1 >> 26); h1 = (u32)d1 & 0x3ffffff; d2 += c;
    c = (u32)(d2 >> 26); h2 = (u32)d2 & 0x3ffffff; d3 += c;
    c = (u32)(d3 >> 26); h3 = (u32)d3 & 0x3ffffff; d4 += c;
    c = (u32)(d4 >> 26); h4 = (u32)d4 & 0x3ffffff; h0 += c * 5;
    c = h0 >> 26; h0 &= 0x3ffffff; h1 += c;
    m += 16;
    len -= 16;
  }
  p->h0 = h0; p->h1 = h1; p->h2 = h2; p->h3 = h3; p->h4 = h4;
}

/* Absorbs the last 0..15 bytes and writes the 16-byte tag. */
static void poly_finish(poly1305 *p, const u8 *tail, u32 len, u8 *mac) {
  if (len) {
    u8 last[16] = {0};
    for (u32 i = 0; i < len; i++) last[i] = tail[i];
    last[len] = 1;
    poly_blocks(p, last, 16, 0);
  }
  u32 h0 = p->h0, h1 = p->h1, h2 = p->h2, h3 = p->h3, h4 = p->h4, c;
  c = h1 >> 26; h1 &= 0x3ffffff; h2 += c;
  c = h2 >> 26; h2 &= 0x3ffffff; h3 += c;
  c = h3 >> 26; h3 &= 0x3ffffff; h4 += c;
  c = h4 >> 26; h4 &= 0x3ffffff; h0 += c * 5;
  c = h0 >> 26; h0 &= 0x3ffffff; h1 += c;
  /* h - p = h + 5 - 2^130: keep it when it does not go negative (constant time). */
  u32 g0 = h0 + 5; c = g0 >> 26; g0 &= 0x3ffffff;
  u32 g1 = h1 + c; c = g1 >> 26; g1 &= 0x3ffffff;
  u32 g2 = h2 + c; c = g2 >> 26; g2 &= 0x3ffffff;
  u32 g3 = h3 + c; c = g3 >> 26; g3 &= 0x3ffffff;
  u32 g4 = h4 + c - (1u << 26);
  u32 mask = (g4 >> 31) - 1;
  g0 &= mask; g1 &= mask; g2 &= mask; g3 &= mask; g4 &= mask;
  mask = ~mask;
  h0 = (h0 & mask) | g0;
  h1 = (h1 & mask) | g1;
  h2 = (h2 & mask) | g2;
  h3 = (h3 & mask) | g3;
  h4 = (h4 & mask) | g4;
  u32 w0 = h0 | (h1 << 26);
  u32 w1 = (h1 >> 6) | (h2 << 20);
  u32 w2 = (h2 >> 12) | (h3 << 14);
  u32 w3 = (h3 >> 18) | (h4 << 8);
  u64 f = (u64)w0 + p->pad[0];
  st32(mac + 0, (u32)f);
  f = (u64)w1 + p->pad[1] + (f >> 32);
  st32(mac + 4, (u32)f);
  f = (u64)w2 + p->pad[2] + (f >> 32);
  st32(mac + 8, (u32)f);
  f = (u64)w3 + p->pad[3] + (f >> 32);
  st32(mac + 12, (u32)f);
}

/* One Poly1305 block at mp into the accumulator h0..h4 (the locals of the caller, 26-bit limbs). */
#define POLY_BLOCK(mp)                                                                          \
  do {                                                                                          \
    const u8 *q_ = (mp);                                                                        \
    h0 += ld32(q_ + 0) & 0x3ffffff;                                                             \
    h1 += (ld32(q_ + 3) >> 2) & 0x3ffffff;                                                      \
    h2 += (ld32(q_ + 6) >> 4) & 0x3ffffff;                                                      \
    h3 += (ld32(q_ + 9) >> 6) & 0x3ffffff;                                                      \
    h4 += (ld32(q_ + 12) >> 8) | hibit;                                                         \
    u64 d0 = (u64)h0 * r0 + (u64)h1 * s4 + (u64)h2 * s3 + (u64)h3 * s2 + (u64)h4 * s1;          \
    u64 d1 = (u64)h0 * r1 + (u64)h1 * r0 + (u64)h2 * s4 + (u64)h3 * s3 + (u64)h4 * s2;          \
    u64 d2 = (u64)h0 * r2 + (u64)h1 * r1 + (u64)h2 * r0 + (u64)h3 * s4 + (u64)h4 * s3;          \
    u64 d3 = (u64)h0 * r3 + (u64)h1 * r2 + (u64)h2 * r1 + (u64)h3 * r0 + (u64)h4 * s4;          \
    u64 d4 = (u64)h0 * r4 + (u64)h1 * r3 + (u64)h2 * r2 + (u64)h3 * r1 + (u64)h4 * r0;          \
    u32 c_;                                                                                     \
    c_ = (u32)(d0 >> 26); h0 = (u32)d0 & 0x3ffffff; d1 += c_;                                   \
    c_ = (u32)(d1 >> 26); h1 = (u32)d1 & 0x3ffffff; d2 += c_;                                   \
    c_ = (u32)(d2 >> 26); h2 = (u32)d2 & 0x3ffffff; d3 += c_;                                   \
    c_ = (u32)(d3 >> 26); h3 = (u32)d3 & 0x3ffffff; d4 += c_;                                   \
    c_ = (u32)(d4 >> 26); h4 = (u32)d4 & 0x3ffffff; h0 += c_ * 5;                               \
    c_ = h0 >> 26; h0 &= 0x3ffffff; h1 += c_;                                                   \
  } while (0)

/*
 * XORs four keystream blocks (counters ctr..ctr+3) into m[0..256), each SIMD lane one block.
 * With p, it also absorbs the 256 bytes at mac into Poly1305, between the rounds: the rounds
 * keep the vector units busy and the MAC the scalar multiplier, so the two overlap. mac may be
 * m itself (opening: the ciphertext is read before the XOR at the end). With store, it writes
 * the keystream to m instead.
 */
static inline __attribute__((always_inline)) void xor4(u8 *m, const u32 *s, u64 ctr, poly1305 *p, const u8 *mac,
                                                        int store) {
  v128_t x0 = wasm_i32x4_splat(s[0]), x1 = wasm_i32x4_splat(s[1]), x2 = wasm_i32x4_splat(s[2]),
         x3 = wasm_i32x4_splat(s[3]), x4 = wasm_i32x4_splat(s[4]), x5 = wasm_i32x4_splat(s[5]),
         x6 = wasm_i32x4_splat(s[6]), x7 = wasm_i32x4_splat(s[7]), x10 = wasm_i32x4_splat(s[10]),
         x11 = wasm_i32x4_splat(s[11]), x12 = wasm_i32x4_splat(s[12]), x13 = wasm_i32x4_splat(s[13]),
         x14 = wasm_i32x4_splat(s[14]), x15 = wasm_i32x4_splat(s[15]);
  u64 c1 = ctr + 1, c2 = ctr + 2, c3 = ctr + 3;
  const v128_t lo = wasm_i32x4_make((u32)ctr, (u32)c1, (u32)c2, (u32)c3);
  const v128_t hi = wasm_i32x4_make((u32)(ctr >> 32), (u32)(c1 >> 32), (u32)(c2 >> 32), (u32)(c3 >> 32));
  v128_t x8 = lo, x9 = hi;
  u32 r0 = 0, r1 = 0, r2 = 0, r3 = 0, r4 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
  u32 h0 = 0, h1 = 0, h2 = 0, h3 = 0, h4 = 0;
  const u32 hibit = 1u << 24;
  if (p) {
    r0 = p->r0; r1 = p->r1; r2 = p->r2; r3 = p->r3; r4 = p->r4;
    s1 = r1 * 5; s2 = r2 * 5; s3 = r3 * 5; s4 = r4 * 5;
    h0 = p->h0; h1 = p->h1; h2 = p->h2; h3 = p->h3; h4 = p->h4;
  }
  /* Sixteen MAC blocks over ten double rounds: two in each of the first six, one in the rest. */
  for (int i = 0; i < 10; i++) {
    VQR(x0, x4, x8, x12);
    VQR(x5, x9, x13, x1);
    VQR(x10, x14, x2, x6);
    VQR(x15, x3, x7, x11);
    if (p) POLY_BLOCK(mac);
    VQR(x0, x1, x2, x3);
    VQR(x5, x6, x7, x4);
    VQR(x10, x11, x8, x9);
    VQR(x15, x12, x13, x14);
    if (p && i < 6) POLY_BLOCK(mac + 16);
    if (p) mac += i < 6 ? 32 : 16;
  }
  if (p) {
    p->h0 = h0; p->h1 = h1; p->h2 = h2; p->h3 = h3; p->h4 = h4;
  }
  v128_t y[16] = {x0, x1, x2, x3, x4, x5, x6, x7, x8, x9, x10, x11, x12, x13, x14, x15};
  for (int i = 0; i < 16; i++) {
    if (i == 8) y[i] = wasm_i32x4_add(y[i], lo);
    else if (i == 9) y[i] = wasm_i32x4_add(y[i], hi);
    else y[i] = wasm_i32x4_add(y[i], wasm_i32x4_splat(s[i]));
  }
  /* Transpose each group of four words so that each lane (block) is 16 contiguous bytes. */
  for (int g = 0; g < 4; g++) {
    v128_t a = y[4 * g], b = y[4 * g + 1], c = y[4 * g + 2], d = y[4 * g + 3];
    v128_t t0 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5);
    v128_t t1 = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
    v128_t t2 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
    v128_t t3 = wasm_i32x4_shuffle(c, d, 2, 6, 3, 7);
    v128_t k[4] = {
      wasm_i32x4_shuffle(t0, t1, 0, 1, 4, 5),
      wasm_i32x4_shuffle(t0, t1, 2, 3, 6, 7),
      wasm_i32x4_shuffle(t2, t3, 0, 1, 4, 5),
      wasm_i32x4_shuffle(t2, t3, 2, 3, 6, 7),
    };
    for (int blk = 0; blk < 4; blk++) {
      u8 *q = m + 64 * blk + 16 * g;
      wasm_v128_store(q, store ? k[blk] : wasm_v128_xor(wasm_v128_load(q), k[blk]));
    }
  }
}

/* The three uses of xor4, each compiled once. */
static __attribute__((noinline)) void keystream4(u8 *out, const u32 *s, u64 ctr) { xor4(out, s, ctr, 0, 0, 1); }
static __attribute__((noinline)) void xor4_plain(u8 *m, const u32 *s, u64 ctr) { xor4(m, s, ctr, 0, 0, 0); }
static __attribute__((noinline)) void xor4_mac(u8 *m, const u32 *s, u64 ctr, poly1305 *p, const u8 *mac) {
  xor4(m, s, ctr, p, mac, 0);
}

/* XORs the keystream from block `ctr` on into m[0..len). */
static void stream_xor(u8 *m, u32 len, u32 *s, u64 ctr) {
  while (len >= 256) {
    xor4_plain(m, s, ctr);
    ctr += 4;
    m += 256;
    len -= 256;
  }
  u8 ks[64];
  while (len > 0) {
    s[8] = (u32)ctr;
    s[9] = (u32)(ctr >> 32);
    block(ks, s);
    u32 n = len < 64 ? len : 64;
    for (u32 i = 0; i < n; i++) m[i] ^= ks[i];
    ctr++;
    m += n;
    len -= n;
  }
}

/* ---- the box, streamed ---- */

/*
 * Message bytes covered by the keystream that box_start makes: blocks 0..3 come out of one SIMD
 * pass (cheaper than three scalar blocks), block 0's first half is the Poly1305 key, and the
 * rest covers a message of up to 224 bytes, where most frames end.
 */
#define HEAD 224

/* One box in progress: Salsa20 input, Poly1305 state, and keystream blocks 0..3. */
typedef struct {
  u32 s[16];
  poly1305 p;
  u8 ks[256];
  u8 tag[16];
  u32 pos;
} boxstate;

EXPORT("box_state_size") u32 box_state_size(void) { return sizeof(boxstate); }

/* Starts a box for (subkey, nonce8): the Poly1305 key is bytes 0..31 of keystream block 0. */
EXPORT("box_start") void box_start(boxstate *b, const u8 *subkey, const u8 *nonce8) {
  u8 in[16] = {0};
  for (int i = 0; i < 8; i++) in[i] = nonce8[i];
  setup(b->s, subkey, in);
  keystream4(b->ks, b->s, 0);
  poly_init(&b->p, b->ks);
  b->pos = 0;
}

/* Absorbs m[0..len) into the MAC: whole blocks, and with `last` the tail and the tag. */
static void mac(boxstate *b, const u8 *m, u32 len, u32 last) {
  poly_blocks(&b->p, m, len & ~15u, 1u << 24);
  if (last) poly_finish(&b->p, m + (len & ~15u), len & 15u, b->tag);
}

/*
 * Seals (flags bit 0 clear) or opens (bit 0 set) the next len bytes of the message, in place.
 * The MAC covers the ciphertext: taken after the XOR when sealing, before it when opening.
 * Every call but the last (flags bit 1) must end 32 + 64k bytes into the message, where a
 * keystream block ends; the last one absorbs the tail into the MAC and writes the tag.
 */
EXPORT("box_update") void box_update(boxstate *b, u8 *m, u32 len, u32 flags) {
  const u32 opening = flags & 1, last = flags & 2;
  const u32 pos = b->pos;
  b->pos = pos + len;
  u32 at = 0;
  if (pos < HEAD && len > 0) {
    /* The start of the message takes the keystream box_start made. */
    at = len < HEAD - pos ? len : HEAD - pos;
    const u32 fin = last && at == len;
    const u8 *ks = b->ks + 32 + pos;
    if (opening) mac(b, m, at, fin);
    for (u32 i = 0; i < at; i++) m[i] ^= ks[i];
    if (!opening) mac(b, m, at, fin);
    if (fin) return;
  }
  u64 ctr = pos + at >= HEAD ? (u64)((pos + at - 32) / 64) + 1 : 4;
  u32 groups = (len - at) / 256;
  if (groups) {
    if (opening) {
      for (u32 g = 0; g < groups; g++, at += 256, ctr += 4) xor4_mac(m + at, b->s, ctr, &b->p, m + at);
    } else {
      /* The MAC trails the XOR by one group: it needs the ciphertext. */
      xor4_plain(m + at, b->s, ctr);
      for (u32 g = 1; g < groups; g++) {
        at += 256;
        ctr += 4;
        xor4_mac(m + at, b->s, ctr, &b->p, m + at - 256);
      }
      mac(b, m + at, 256, 0);
      at += 256;
      ctr += 4;
    }
  }
  /* Less than four blocks left. */
  u32 rest = len - at;
  if (opening) mac(b, m + at, rest, last);
  stream_xor(m + at, rest, b->s, ctr);
  if (!opening) mac(b, m + at, rest, last);
}

/* 1 if the finished box's tag equals mac, in constant time. */
EXPORT("box_verify") u32 box_verify(const boxstate *b, const u8 *mac) {
  u32 diff = 0;
  for (int i = 0; i < 16; i++) diff |= b->tag[i] ^ mac[i];
  return diff == 0;
}

/* Where box_update left the tag (the caller copies it out after sealing). */
EXPORT("box_tag") u32 box_tag(const boxstate *b) { return (u32)(uintptr_t)b->tag; }
