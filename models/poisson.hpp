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

// Count of events for neuron `entity` of stimulus `object` in step `step`; the mean is
// n_chunks * chunk_lambda.
ENGRAM_HOST_DEVICE inline std::uint32_t poisson_count(std::uint64_t seed, std::uint32_t object, std::uint32_t entity,
                                                      std::uint32_t step, std::uint32_t n_chunks, double chunk_lambda,
                                                      double exp_minus_chunk_lambda) {
  std::uint32_t total = 0;
  for (std::uint32_t c = 0; c < n_chunks; c += 2) {
    double u0, u1;
    rng::uniform_pair(seed, rng::domain::poisson, object, entity, step, c / 2, u0, u1);
    total += poisson_inversion(u0, chunk_lambda, exp_minus_chunk_lambda);
    if (c + 1 < n_chunks) total += poisson_inversion(u1, chunk_lambda, exp_minus_chunk_lambda);
  }
  return total;
}

}  // namespace engram
