#pragma once
// Rows of the connectors whose synapses each presynaptic neuron draws on its own (all_to_all,
// one_to_one, fixed_probability), written once for the host build and for procedural
// projections, which store no synapses and regenerate a row at every spike of its neuron, on
// the CPU or, one segment per thread, on the GPU (docs/adr/0006-procedural-connectivity.md).
//
// The targets of row `pre` are cut into segments of consecutive neurons (segment_width); segment k
// draws from its own stream (seed; connectivity, projection, pre; substream k), so segments
// can be generated in any order and in parallel and a row is the same wherever it is made.
// Within a segment the gaps between connected targets are geometric (fixed_probability), and
// each synapse then draws its weight and its delay, in that order.
#include <cstdint>

#include "engram/config.hpp"
#include "engram/distribution.hpp"
#include "models/math.hpp"
#include "models/rng.hpp"
#include "models/sampling.hpp"

namespace engram {

struct row_rule {
  enum class kind : std::uint32_t { all_to_all, one_to_one, fixed_probability };
  kind type = kind::all_to_all;
  std::uint32_t projection = 0;  // RNG object key
  std::uint32_t n_target = 0;
  std::uint32_t segment = 512;   // targets per segment (segment_width)
  std::uint32_t skip_self = 0;   // source == target population without autapses: no i -> i
  std::uint64_t seed = 0;
  double p = 0.0;                // fixed_probability
  double log_1mp = 0.0;          // log(1 - p), p < 1
  double dt = 0.1;               // ms
  distribution weight;           // units of the target port
  distribution delay;            // ms
};

// Targets per segment: 512, or for a sparse fixed_probability row the smallest power of two
// that holds 32 expected synapses (else a segment would be mostly the one draw that ends it:
// at p = 1.6e-4, 12 500 segments of 0.08 synapses per row); a one_to_one row is one segment.
// Part of the connectivity format: changing it changes every network these connectors build
// (and the checkpoint format version with it).
inline constexpr std::uint32_t row_segment_min = 512;
inline std::uint32_t segment_width(row_rule::kind type, double p, std::uint32_t n_target) {
  if (type == row_rule::kind::one_to_one) return n_target > 0 ? n_target : 1;
  std::uint64_t w = row_segment_min;
  if (type == row_rule::kind::fixed_probability && p > 0.0)
    while (w < (1ULL << 31) && static_cast<double>(w) * p < 32.0) w *= 2;
  return static_cast<std::uint32_t>(w);
}

ENGRAM_HOST_DEVICE inline std::uint32_t row_segments(const row_rule& r) {
  return static_cast<std::uint32_t>((static_cast<std::uint64_t>(r.n_target) + r.segment - 1) / r.segment);
}

// A delay in ms as whole steps, rounded to nearest and kept within [1, 65535]; validation
// rejects delays beyond 65535 steps before this clamps them.
ENGRAM_HOST_DEVICE inline std::uint16_t delay_steps(double delay_ms, double dt) {
  const double steps = math::floor(delay_ms / dt + 0.5);
  return static_cast<std::uint16_t>(steps < 1.0 ? 1.0 : (steps > 65535.0 ? 65535.0 : steps));
}

// delay_steps of the delays of a row rule, without its division when the delay is constant.
struct delay_rounding {
  std::uint16_t fixed = 0;  // > 0: every delay has these steps
  double dt = 0.1;
  ENGRAM_HOST_DEVICE explicit delay_rounding(const row_rule& r)
      : fixed(r.delay.type == distribution::kind::constant ? delay_steps(r.delay.a, r.dt) : std::uint16_t{0}), dt(r.dt) {}
  ENGRAM_HOST_DEVICE std::uint16_t operator()(double delay_ms) const { return fixed ? fixed : delay_steps(delay_ms, dt); }
};

// Whether a drawn delay exceeds the 65535 steps a synapse can hold (the builds report it).
ENGRAM_HOST_DEVICE inline bool delay_too_long(double delay_ms, double dt) { return math::floor(delay_ms / dt + 0.5) > 65535.0; }

// Calls emit(target, weight, delay_ms) for the synapses of row `pre` in segment `seg`, in
// ascending target order.
template <class Emit>
ENGRAM_HOST_DEVICE inline void generate_segment(const row_rule& r, std::uint32_t pre, std::uint32_t seg, Emit&& emit) {
  const std::uint32_t lo = seg * r.segment;
  const std::uint32_t hi = r.n_target - lo < r.segment ? r.n_target : lo + r.segment;
  rng::stream s(r.seed, rng::domain::connectivity, r.projection, pre, seg);
  const auto add = [&](std::uint32_t j) {
    if (r.skip_self && j == pre) return;
    const auto w = static_cast<float>(sample(r.weight, s));
    const double d = sample(r.delay, s);
    emit(j, w, d);
  };
  switch (r.type) {
    case row_rule::kind::one_to_one:
      if (pre >= lo && pre < hi) add(pre);
      break;
    case row_rule::kind::all_to_all:
      for (std::uint32_t j = lo; j < hi; ++j) add(j);
      break;
    case row_rule::kind::fixed_probability:
      if (r.p <= 0.0) break;
      for (std::uint32_t j = lo; j < hi; ++j) {
        if (r.p < 1.0) {  // skip a geometric number of unconnected targets
          const double gap = math::floor(math::log(s.uniform()) / r.log_1mp);
          if (gap >= static_cast<double>(hi - j)) break;
          j += static_cast<std::uint32_t>(gap);
        }
        add(j);
      }
      break;
  }
}

// Every segment of row `pre`, in order: the whole row, ascending.
template <class Emit>
ENGRAM_HOST_DEVICE inline void generate_row(const row_rule& r, std::uint32_t pre, Emit&& emit) {
  const std::uint32_t n = row_segments(r);
  for (std::uint32_t k = 0; k < n; ++k) generate_segment(r, pre, k, emit);
}

}  // namespace engram
