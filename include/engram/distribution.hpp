#pragma once
// A scalar distribution: weights, delays (ms) and initial values are drawn from one of these.
// Plain data, so the same struct is sampled on the host and on the device.
#include <limits>

namespace engram {

struct distribution {
  enum class kind { constant, uniform, normal, lognormal };
  enum class bounds_mode { clip, redraw };
  kind type = kind::constant;
  double a = 0.0;  // constant: value; uniform: low; normal: mean; lognormal: mu (of log)
  double b = 0.0;  // uniform: high; normal: std; lognormal: sigma (of log)
  double low = -std::numeric_limits<double>::infinity();   // bounds (normal, lognormal)
  double high = std::numeric_limits<double>::infinity();
  bounds_mode bounds = bounds_mode::clip;

  static distribution constant(double v) { return {kind::constant, v, 0.0}; }
  static distribution uniform(double lo, double hi) { return {kind::uniform, lo, hi, lo, hi}; }
  static distribution normal(double mean, double sd) { return {kind::normal, mean, sd}; }
  // Smallest and largest value the distribution can produce.
  double min_value() const {
    switch (type) {
      case kind::constant: return a;
      case kind::uniform: return a;
      case kind::normal: return low;
      case kind::lognormal: return low > 0.0 ? low : 0.0;
    }
    return low;
  }
  double max_value() const {
    switch (type) {
      case kind::constant: return a;
      case kind::uniform: return b;
      default: return high;
    }
  }
  // Mean, used for estimates only (memory, reports).
  double nominal() const {
    switch (type) {
      case kind::constant: return a;
      case kind::uniform: return 0.5 * (a + b);
      case kind::normal: return a;
      default: return a;  // log-space mean; callers only need a scale
    }
  }
};

}  // namespace engram
