#pragma once
// Poisson-distributed input counts per neuron and step, identical on host and device.
#include <cstdint>

#include "models/rng.hpp"

namespace engram {

// Means above this are split into equal chunks, each sampled by inversion, so the inversion
// loop stays short and its sums accurate (a sum of Poisson variables is Poisson).
inline constexpr double poisson_chunk_mean = 8.0;

// Inversion: the smallest k with F(k) >= u, for mean `lambda` with exp(-lambda) precomputed.
ENGRAM_HOST_DEVICE inline std::uint32_t poisson_inversion(double u, double lambda, double exp_minus_lambda) {
  std::uint32_t k = 0;
  double p = exp_minus_lambda;
  double cdf = p;
  while (u > cdf && p > 0.0) {
    ++k;
    p *= lambda / k;
    cdf += p;
  }
  return k;
}

// A uniform in (0, 1) from one 32-bit word, four of them per Philox block. Its resolution,
// 2^-32, is the price: a mean below about 1e-10 events per step never fires, and counts
// rarer than that in the tail never occur; no stimulus comes near either.
ENGRAM_HOST_DEVICE inline double unit_from_word(std::uint32_t w) {
  return (static_cast<double>(w) + 0.5) * (1.0 / 4294967296.0);
}

// The largest word w with unit_from_word(w) <= exp_minus_lambda (no event), or -1 if there is
// none: a word above it gives at least one event. A scan of many neurons' words then compares
// integers and converts only the few words with events to doubles (host only; computed once
// per stimulus). Found from the rounded guess by stepping with unit_from_word itself, so it is
// exact.
inline std::int64_t quiet_word_limit(double exp_minus_lambda) {
  const double guess = exp_minus_lambda * 4294967296.0 - 0.5;
  std::int64_t w = guess < -1.0 ? -1 : guess > 4294967295.0 ? 4294967295 : static_cast<std::int64_t>(guess);
  while (w >= 0 && unit_from_word(static_cast<std::uint32_t>(w)) > exp_minus_lambda) --w;
  while (w < 4294967295 && unit_from_word(static_cast<std::uint32_t>(w + 1)) <= exp_minus_lambda) ++w;
  return w;
}

// The Philox block of four neighbouring neurons (4g .. 4g+3) in one step, for single-chunk
// stimuli: word k belongs to neuron 4g + k. Drawing a block per neuron spent three quarters of
// every block, and the Philox rounds were most of the cost of Poisson input (7.7 ns of 10 per
// neuron and step on the CPU).
ENGRAM_HOST_DEVICE inline r123::Philox4x32::ctr_type poisson_block_of_four(std::uint64_t seed, std::uint32_t object,
                                                                          std::uint32_t group, std::uint32_t step) {
  return rng::block(seed, rng::domain::poisson, object, group, step, 0);
}

// Count of events for neuron `entity` of stimulus `object` in step `step`; the mean is
// n_chunks * chunk_lambda. One chunk: word entity % 4 of the block of its four neighbours.
// More: four chunks per block of the neuron's own (counter word 3 = 1 + chunk / 4, apart
// from the shared blocks' 0).
ENGRAM_HOST_DEVICE inline std::uint32_t poisson_count(std::uint64_t seed, std::uint32_t object, std::uint32_t entity,
                                                      std::uint32_t step, std::uint32_t n_chunks, double chunk_lambda,
                                                      double exp_minus_chunk_lambda) {
  if (n_chunks == 1) {
    const auto r = poisson_block_of_four(seed, object, entity >> 2, step);
    return poisson_inversion(unit_from_word(r.v[entity & 3u]), chunk_lambda, exp_minus_chunk_lambda);
  }
  std::uint32_t total = 0;
  for (std::uint32_t c = 0; c < n_chunks; c += 4) {
    const auto r = rng::block(seed, rng::domain::poisson, object, entity, step, 1 + c / 4);
    for (std::uint32_t k = 0; k < 4 && c + k < n_chunks; ++k)
      total += poisson_inversion(unit_from_word(r.v[k]), chunk_lambda, exp_minus_chunk_lambda);
  }
  return total;
}

}  // namespace engram
