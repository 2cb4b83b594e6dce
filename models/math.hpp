#pragma once
// Transcendental functions written once, from + - * / and exact operations only, so that the
// CPU and the CUDA backend round identically (DESIGN.md §3: CUDA's and glibc's exp differ in
// the last bit, and one ulp becomes one spike). Host code must be compiled with
// -ffp-contract=off and device code with -fmad=false for the same reason.
#include <cstdint>
#include <cstring>
#include <cmath>

#include "engram/config.hpp"

namespace engram::math {

ENGRAM_HOST_DEVICE inline double bits_to_double(std::uint64_t u) {
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}
ENGRAM_HOST_DEVICE inline std::uint64_t double_to_bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

// 2^k for integer k in [-1022, 1023] (exact).
ENGRAM_HOST_DEVICE inline double pow2(int k) {
  return bits_to_double(static_cast<std::uint64_t>(k + 1023) << 52);
}

// exp(x) in double: x = k ln2 + r, |r| <= ln2/2, Taylor polynomial of degree 13 (truncation
// error < 1e-17 relative), scaled by 2^k. Accurate to ~2 ulp; identical on host and device.
ENGRAM_HOST_DEVICE inline double exp(double x) {
  if (x != x) return x;
  if (x > 709.0) return HUGE_VAL;
  if (x < -745.0) return 0.0;
  const double ln2_hi = 6.93147180369123816490e-01;  // high bits of ln 2 (exact product with k)
  const double ln2_lo = 1.90821492927058770002e-10;
  const double k = ::floor(x * 1.44269504088896338700 + 0.5);
  const double r = (x - k * ln2_hi) - k * ln2_lo;
  double p = 1.0 / 6227020800.0;  // 1/13!
  const double inv[13] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                          1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,     1.0 / 120.0,
                          1.0 / 24.0,        1.0 / 6.0,        0.5,             1.0,
                          1.0};
  for (int i = 0; i < 13; ++i) p = p * r + inv[i];
  const int ki = static_cast<int>(k);
  // Split the scaling so that results in the subnormal range stay correct.
  if (ki < -1021) return p * pow2(ki + 600) * pow2(-600);
  if (ki > 1023) return p * pow2(ki - 600) * pow2(600);
  return p * pow2(ki);
}

// floor(y) for |y| < 2^51, exact: y rounded to the nearest integer by adding and subtracting
// 1.5 * 2^52, then one down where that rounded up. Unlike ::floor it needs no SSE4.1, so loops
// that call it vectorize on the x86-64 baseline.
ENGRAM_HOST_DEVICE inline double floor_small(double y) {
  const double shifter = 6755399441055744.0;  // 1.5 * 2^52
  const double t = (y + shifter) - shifter;
  return t > y ? t - 1.0 : t;
}

// exp(x) in single precision: evaluated in double with a degree-8 Taylor polynomial on
// |r| <= ln2/2 (truncation < 3e-10 relative, far below float resolution) and rounded once,
// so the same float comes out on host and device, within one ulp of the true value. About
// three times cheaper than exp(double): this sits in the per-step path of COBA and AdEx, so
// it is written without branches or library calls (selects, bit operations), which lets the
// neuron update loops that call it vectorize. 2^k is built from the bits of k + 1.5 * 2^52 +
// 1023, whose low mantissa bits are k + 1023 (k lies in [-151, 129] for the x computed on).
ENGRAM_HOST_DEVICE inline float expf(float xf) {
  const double x = static_cast<double>(xf);
  const double xc = x > 88.8 ? 88.8 : (x < -104.0 ? -104.0 : x);  // NaN stays NaN
  const double k = floor_small(xc * 1.44269504088896338700 + 0.5);
  const double r = (xc - k * 6.93147180369123816490e-01) - k * 1.90821492927058770002e-10;
  const double p =
      1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0 + r * (1.0 / 40320.0))))))));
  const double two_k = bits_to_double(double_to_bits(k + (6755399441055744.0 + 1023.0)) << 52);
  const float y = static_cast<float>(p * two_k);
  return x > 88.8 ? static_cast<float>(HUGE_VAL) : (x < -104.0 ? 0.0f : (x == x ? y : xf));
}

// Natural logarithm in double for x > 0: x = m 2^e with m in [sqrt(1/2), sqrt(2)),
// log m = 2 atanh(s), s = (m-1)/(m+1), series to s^23.
ENGRAM_HOST_DEVICE inline double log(double x) {
  if (x != x) return x;
  if (x < 0.0) {
    const double zero = 0.0;
    return zero / zero;  // NaN
  }
  if (x == 0.0) return -HUGE_VAL;
  if (x == HUGE_VAL) return x;
  int e = 0;
  if (x < 2.2250738585072014e-308) {  // subnormal: scale into the normal range first
    x *= pow2(54);
    e = -54;
  }
  std::uint64_t u = double_to_bits(x);
  e += static_cast<int>((u >> 52) & 0x7ff) - 1023;
  double m = bits_to_double((u & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // [1,2)
  if (m > 1.4142135623730951) {
    m *= 0.5;
    ++e;
  }
  const double s = (m - 1.0) / (m + 1.0);
  const double s2 = s * s;
  double p = 1.0 / 23.0;
  for (int n = 21; n >= 1; n -= 2) p = p * s2 + 1.0 / n;
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  return (e * ln2_hi + 2.0 * s * p) + e * ln2_lo;
}

ENGRAM_HOST_DEVICE inline double sqrt(double x) { return ::sqrt(x); }  // IEEE, correctly rounded
ENGRAM_HOST_DEVICE inline double floor(double x) { return ::floor(x); }  // exact
ENGRAM_HOST_DEVICE inline double min(double a, double b) { return a < b ? a : b; }
ENGRAM_HOST_DEVICE inline double max(double a, double b) { return a > b ? a : b; }
ENGRAM_HOST_DEVICE inline float minf(float a, float b) { return a < b ? a : b; }

}  // namespace engram::math
