#pragma once
// Sampling of engram::distribution from a counter-based stream; host and device alike.
#include "engram/distribution.hpp"
#include "models/math.hpp"
#include "models/rng.hpp"

namespace engram {

// Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9),
// built only from + - * / sqrt and engram::math::log, hence identical on host and device.
ENGRAM_HOST_DEVICE inline double normal_quantile(double p) {
  const double a[6] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                       1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  const double b[5] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                       6.680131188771972e+01,  -1.328068155288572e+01};
  const double c[6] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                       -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  const double d[4] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                       3.754408661907416e+00};
  const double p_low = 0.02425;
  if (p < p_low) {
    const double q = math::sqrt(-2.0 * math::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  if (p > 1.0 - p_low) {
    const double q = math::sqrt(-2.0 * math::log(1.0 - p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  }
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
}

// Redraw is capped; validation guarantees that the bounds hold a reasonable probability mass,
// so the cap is a safeguard, after which the value is clipped.
inline constexpr int max_redraws = 1000;

ENGRAM_HOST_DEVICE inline double sample(const distribution& d, rng::stream& s) {
  using k = distribution::kind;
  if (d.type == k::constant) return d.a;
  if (d.type == k::uniform) return d.a + (d.b - d.a) * s.uniform();
  double v = 0.0;
  for (int attempt = 0; attempt < max_redraws; ++attempt) {
    const double z = normal_quantile(s.uniform());
    v = d.type == k::normal ? d.a + d.b * z : math::exp(d.a + d.b * z);
    if (v >= d.low && v <= d.high) return v;
    if (d.bounds == distribution::bounds_mode::clip) break;
  }
  return math::max(d.low, math::min(v, d.high));
}

}  // namespace engram
