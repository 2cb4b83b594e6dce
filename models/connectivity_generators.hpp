#pragma once
// The generators of every connector that draws without remembering earlier draws: rows
// (all_to_all, one_to_one, fixed_probability: models/connectivity_rows.hpp), fixed in- and
// out-degree with multapses, and fixed_total_number. Written once for the host build
// (src/connectivity.cpp) and the device build (kernels/device_connectivity.cu), which therefore
// make the same synapses. Distinct sampling (degrees without multapses) and from_file stay on
// the host.
//
// Generator g draws from the stream (seed; connectivity, projection, g): g is the source neuron
// for rows and out-degrees, the target neuron for in-degrees, a chunk of total_number_chunk
// synapses for fixed_total_number. Each synapse draws its partner(s), then its weight, then its
// delay.
#include <cstdint>

#include "engram/config.hpp"
#include "models/connectivity_rows.hpp"
#include "models/rng.hpp"
#include "models/sampling.hpp"

namespace engram {

// Synapses per generator of fixed_total_number. A generator is one device thread drawing its
// synapses one after another (partners, then a weight and a delay, often normal with redraws,
// in double precision: about 2 µs each on an H100), so the chunk sets the device build's time:
// at 2^20 the microcircuit's 64 projections had about five generators each; at 2^12 about
// 1 200 threads drew for ~10 ms per projection (the microcircuit's 1.6 s build); at 2^8 a
// projection of a few million synapses has ~20 000 threads of ~0.5 ms. Changing it changes
// which synapses a seed gives (checkpoint format 6).
inline constexpr std::uint64_t total_number_chunk = 1u << 8;

struct generator_rule {
  enum class kind : std::uint32_t { row, in_degree, out_degree, total_number };
  kind type = kind::row;
  // kind::row: the row rule. Every kind: its seed, projection, n_target, dt, weight and delay.
  row_rule row;
  std::uint64_t n_source = 0;
  std::uint64_t n = 0;          // in- or out-degree, or total number
  std::uint32_t skip_self = 0;  // source == target population without autapses: no i -> i
};

ENGRAM_HOST_DEVICE inline std::uint64_t generator_count(const generator_rule& r) {
  switch (r.type) {
    case generator_rule::kind::in_degree: return r.row.n_target;
    case generator_rule::kind::total_number: return (r.n + total_number_chunk - 1) / total_number_chunk;
    default: return r.n_source;
  }
}

// Whether generator rule `r` makes a number of synapses per generator known without drawing
// them (every kind but rows, whose count is drawn), and that number for generator g.
ENGRAM_HOST_DEVICE inline bool sizes_are_fixed(const generator_rule& r) { return r.type != generator_rule::kind::row; }
ENGRAM_HOST_DEVICE inline std::uint64_t fixed_generator_size(const generator_rule& r, std::uint64_t g) {
  if (r.type != generator_rule::kind::total_number) return r.n;  // a degree
  const std::uint64_t first = g * total_number_chunk;
  return r.n - first < total_number_chunk ? r.n - first : total_number_chunk;
}

// Calls emit(pre, post, weight, delay_ms) for the synapses of generator g, in generation order.
template <class Emit>
ENGRAM_HOST_DEVICE inline void generate_synapses(const generator_rule& r, std::uint64_t g, Emit&& emit) {
  using k = generator_rule::kind;
  if (r.type == k::row) {
    generate_row(r.row, static_cast<std::uint32_t>(g), [&](std::uint32_t j, float w, double d) { emit(g, j, w, d); });
    return;
  }
  rng::stream s(r.row.seed, rng::domain::connectivity, r.row.projection, static_cast<std::uint32_t>(g));
  const auto add = [&](std::uint64_t pre, std::uint64_t post) {
    const auto w = static_cast<float>(sample(r.row.weight, s));
    const double d = sample(r.row.delay, s);
    emit(pre, post, w, d);
  };
  const std::uint64_t nt = r.row.n_target;
  if (r.type == k::total_number) {
    const std::uint64_t count = fixed_generator_size(r, g);
    for (std::uint64_t n = 0; n < count;) {
      const std::uint64_t pre = s.below(r.n_source), post = s.below(nt);
      if (r.skip_self && pre == post) continue;
      add(pre, post);
      ++n;
    }
    return;
  }
  // Degrees with multapses: each partner uniform over the others (skipping g itself).
  const std::uint64_t m = (r.type == k::in_degree ? r.n_source : nt) - (r.skip_self ? 1 : 0);
  for (std::uint64_t n = 0; n < r.n; ++n) {
    std::uint64_t x = s.below(m);
    if (r.skip_self && x >= g) ++x;
    if (r.type == k::in_degree) add(x, g);
    else add(g, x);
  }
}

}  // namespace engram
