/*
 * X25519 (RFC 7748) for omq's CURVE handshake, in the same WebAssembly module as secretbox.c.
 *
 * Field elements mod 2^255 - 19 are ten signed limbs of alternately 26 and 25 bits (as in
 * SUPERCOP's ref10), so every product fits a 64-bit multiply, which WebAssembly has; sums
 * and differences skip the carry, which the multiplication after them absorbs. The scalar
 * multiplication is RFC 7748's Montgomery ladder with constant-time swaps: no branch and no
 * memory index depends on a secret.
 */
#include <stdint.h>

typedef uint8_t u8;
typedef int32_t i32;
typedef int64_t i64;
typedef uint64_t u64;

#define EXPORT(name) __attribute__((export_name(name)))

typedef i32 fe[10];

/* Bit width of each limb; limb i starts at bit ceil(25.5 * i). */
static const int WIDTH[10] = {26, 25, 26, 25, 26, 25, 26, 25, 26, 25};

static void fe_copy(fe h, const fe f) {
  for (int i = 0; i < 10; i++) h[i] = f[i];
}

static void fe_set(fe h, i32 v) {
  h[0] = v;
  for (int i = 1; i < 10; i++) h[i] = 0;
}

static void fe_add(fe h, const fe f, const fe g) {
  for (int i = 0; i < 10; i++) h[i] = f[i] + g[i];
}

static void fe_sub(fe h, const fe f, const fe g) {
  for (int i = 0; i < 10; i++) h[i] = f[i] - g[i];
}

/* Swaps f and g when b is 1, leaves them when b is 0, in constant time. */
static void fe_cswap(fe f, fe g, i32 b) {
  const i32 mask = -b;
  for (int i = 0; i < 10; i++) {
    const i32 x = mask & (f[i] ^ g[i]);
    f[i] ^= x;
    g[i] ^= x;
  }
}

/* Carries the 64-bit limbs of a product into h (ref10's order: two chains, interleaved). */
static void fe_carry(fe h, i64 *t) {
  i64 c;
#define CARRY26(i)                        \
  c = (t[i] + ((i64)1 << 25)) >> 26;      \
  t[i + 1] += c;                          \
  t[i] -= c * ((i64)1 << 26);
#define CARRY25(i)                        \
  c = (t[i] + ((i64)1 << 24)) >> 25;      \
  t[i + 1] += c;                          \
  t[i] -= c * ((i64)1 << 25);
  CARRY26(0);
  CARRY26(4);
  CARRY25(1);
  CARRY25(5);
  CARRY26(2);
  CARRY26(6);
  CARRY25(3);
  CARRY25(7);
  CARRY26(4);
  CARRY26(8);
  c = (t[9] + ((i64)1 << 24)) >> 25;
  t[0] += c * 19;
  t[9] -= c * ((i64)1 << 25);
  CARRY26(0);
#undef CARRY26
#undef CARRY25
  for (int i = 0; i < 10; i++) h[i] = (i32)t[i];
}

/*
 * h = f * g. Limb i carries 2^ceil(25.5 i), so f_i g_j lands in limb i + j with a factor 2 when
 * i and j are both odd, and a product past limb 9 wraps round with a factor 19 (2^255 = 19).
 */
static void fe_mul(fe h, const fe f, const fe g) {
  i32 f2[10], g19[10];
  for (int i = 0; i < 10; i++) {
    f2[i] = (i & 1) ? 2 * f[i] : f[i];
    g19[i] = 19 * g[i];
  }
  i64 t[10];
#pragma clang loop unroll(full)
  for (int k = 0; k < 10; k++) {
    i64 sum = 0;
#pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
      const int j = k - i;
      if (j >= 0) sum += (i64)((i & j & 1) ? f2[i] : f[i]) * g[j];
      else sum += (i64)((i & j & 1) ? f2[i] : f[i]) * g19[j + 10];
    }
    t[k] = sum;
  }
  fe_carry(h, t);
}

/* h = f^2: fe_mul's terms with f_i f_j and f_j f_i taken once, doubled (55 products, not 100). */
static void fe_sq(fe h, const fe f) {
  i32 f19[10];
  for (int i = 0; i < 10; i++) f19[i] = 19 * f[i];
  i64 t[10];
#pragma clang loop unroll(full)
  for (int k = 0; k < 10; k++) {
    i64 sum = 0;
#pragma clang loop unroll(full)
    for (int i = 0; i < 10; i++) {
#pragma clang loop unroll(full)
      for (int j = i; j < 10; j++) {
        if ((i + j) % 10 != k) continue;
        /* At most 4 f_i and 19 f_j: each factor stays within 32 bits. */
        const i32 m = (i < j ? 2 : 1) * ((i & j & 1) ? 2 : 1);
        sum += (i64)(m * f[i]) * (i + j >= 10 ? f19[j] : f[j]);
      }
    }
    t[k] = sum;
  }
  fe_carry(h, t);
}

static void fe_mul_small(fe h, const fe f, i32 n) {
  i64 t[10];
  for (int i = 0; i < 10; i++) t[i] = (i64)f[i] * n;
  fe_carry(h, t);
}

/* h = f^(2^n) */
static void fe_sqn(fe h, const fe f, int n) {
  fe_sq(h, f);
  for (int i = 1; i < n; i++) fe_sq(h, h);
}

/* h = 1/z = z^(p - 2), p - 2 = 2^255 - 21, by ref10's chain of 254 squarings and 11 multiplications. */
static void fe_invert(fe h, const fe z) {
  fe z2, z9, z11, a, b, c;
  fe_sq(z2, z);             /* 2 */
  fe_sqn(a, z2, 2);         /* 8 */
  fe_mul(z9, a, z);         /* 9 */
  fe_mul(z11, z9, z2);      /* 11 */
  fe_sq(a, z11);            /* 22 */
  fe_mul(a, a, z9);         /* 2^5 - 1 */
  fe_sqn(b, a, 5);
  fe_mul(a, b, a);          /* 2^10 - 1 */
  fe_sqn(b, a, 10);
  fe_mul(b, b, a);          /* 2^20 - 1 */
  fe_sqn(c, b, 20);
  fe_mul(b, c, b);          /* 2^40 - 1 */
  fe_sqn(b, b, 10);
  fe_mul(a, b, a);          /* 2^50 - 1 */
  fe_sqn(b, a, 50);
  fe_mul(b, b, a);          /* 2^100 - 1 */
  fe_sqn(c, b, 100);
  fe_mul(b, c, b);          /* 2^200 - 1 */
  fe_sqn(b, b, 50);
  fe_mul(a, b, a);          /* 2^250 - 1 */
  fe_sqn(a, a, 5);          /* 2^255 - 32 */
  fe_mul(h, a, z11);        /* 2^255 - 21 */
}

/* The low 255 bits of s (RFC 7748 ignores the top bit of a u-coordinate), as limbs. */
static void fe_frombytes(fe h, const u8 *s) {
  int pos = 0;
  for (int i = 0; i < 10; i++) {
    u64 w = 0;
    const int byte = pos >> 3;
    for (int k = 0; k < 5 && byte + k < 32; k++) w |= (u64)s[byte + k] << (8 * k);
    h[i] = (i32)((w >> (pos & 7)) & ((1u << WIDTH[i]) - 1));
    pos += WIDTH[i];
  }
  h[9] &= (1 << 25) - 1; /* bit 255 */
}

/* The canonical 32 bytes of h mod p (ref10's reduction: find q = floor(h / p), subtract q p). */
static void fe_tobytes(u8 *s, const fe f) {
  i32 h[10];
  fe_copy(h, f);
  i32 q = (19 * h[9] + (1 << 24)) >> 25;
  for (int i = 0; i < 10; i++) q = (h[i] + q) >> WIDTH[i];
  h[0] += 19 * q;
  for (int i = 0; i < 9; i++) {
    const i32 c = h[i] >> WIDTH[i];
    h[i + 1] += c;
    h[i] -= c * (1 << WIDTH[i]);
  }
  h[9] &= (1 << 25) - 1;
  u64 acc = 0;
  int bits = 0, k = 0;
  for (int i = 0; i < 10; i++) {
    acc |= (u64)(uint32_t)h[i] << bits;
    bits += WIDTH[i];
    while (bits >= 8) {
      s[k++] = (u8)acc;
      acc >>= 8;
      bits -= 8;
    }
  }
  s[k] = (u8)acc; /* the last 7 bits */
}

/*
 * out = X25519(scalar, u) (RFC 7748 section 5). Returns 0 when the result is all zeros (u was of
 * small order), which NaCl's crypto_scalarmult also refuses; 1 otherwise.
 */
EXPORT("x25519") int x25519(u8 *out, const u8 *scalar, const u8 *u) {
  u8 e[32];
  for (int i = 0; i < 32; i++) e[i] = scalar[i];
  e[0] &= 248;
  e[31] &= 127;
  e[31] |= 64;
  fe x1, x2, z2, x3, z3, a, aa, b, bb, ee, c, d, da, cb, t;
  fe_frombytes(x1, u);
  fe_set(x2, 1);
  fe_set(z2, 0);
  fe_copy(x3, x1);
  fe_set(z3, 1);
  i32 swap = 0;
  for (int pos = 254; pos >= 0; pos--) {
    const i32 bit = (e[pos >> 3] >> (pos & 7)) & 1;
    swap ^= bit;
    fe_cswap(x2, x3, swap);
    fe_cswap(z2, z3, swap);
    swap = bit;
    fe_add(a, x2, z2);
    fe_sq(aa, a);
    fe_sub(b, x2, z2);
    fe_sq(bb, b);
    fe_sub(ee, aa, bb);
    fe_add(c, x3, z3);
    fe_sub(d, x3, z3);
    fe_mul(da, d, a);
    fe_mul(cb, c, b);
    fe_add(t, da, cb);
    fe_sq(x3, t);
    fe_sub(t, da, cb);
    fe_sq(t, t);
    fe_mul(z3, x1, t);
    fe_mul(x2, aa, bb);
    fe_mul_small(t, ee, 121665);
    fe_add(t, aa, t);
    fe_mul(z2, ee, t);
  }
  fe_cswap(x2, x3, swap);
  fe_cswap(z2, z3, swap);
  fe_invert(z2, z2);
  fe_mul(x2, x2, z2);
  fe_tobytes(out, x2);
  u8 any = 0;
  for (int i = 0; i < 32; i++) any |= out[i];
  return any != 0;
}
