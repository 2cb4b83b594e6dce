#pragma once
// Counter-based random numbers (Random123 Philox4x32-10), identical on host and device.
// Every draw is keyed by (seed; domain, entity, index, chunk) so the numbers do not depend on
// thread count, backend or the order in which neurons are processed (DESIGN.md §2).
#include <cstdint>

#include <Random123/philox.h>

#include "engram/config.hpp"

namespace engram::rng {

// Domains keep the streams of different consumers apart. The upper 8 bits of counter word 0
// hold the domain, the lower 24 bits the object index (projection, stimulus, population).
enum class domain : std::uint32_t {
  connectivity = 1,  // (projection, generating neuron): partners, weights, delays
  initial_state = 2, // (population, neuron): initial values
  poisson = 3,       // (stimulus, neuron, step)
  plasticity_noise = 4,  // (projection, synapse, step): noise of stochastic rules
  plasticity_initial = 5,  // (projection, synapse): initial synaptic state
  poisson_source = 6,  // (population, neuron): spike trains of a spike_source_poisson
};

using philox = r123::Philox4x32;

ENGRAM_HOST_DEVICE inline philox::key_type make_key(std::uint64_t seed) {
  philox::key_type k = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  return k;
}

// Uniform in (0, 1) with 53 random bits, from two 32-bit words; never 0 or 1.
ENGRAM_HOST_DEVICE inline double to_unit(std::uint32_t hi, std::uint32_t lo) {
  const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 21) ^ (lo >> 11);  // 53 bits
  return (static_cast<double>(bits) + 0.5) * (1.0 / 9007199254740992.0);
}

// A sequential stream of uniforms for one (domain, object, entity[, substream]): used where a
// variable number of draws is needed (connectivity, rejection sampling). Four 32-bit words per
// block; counter word 2 numbers the blocks and word 3 holds the substream, so substreams stay
// apart for their first 2^33 uniforms.
class stream {
 public:
  ENGRAM_HOST_DEVICE stream(std::uint64_t seed, domain d, std::uint32_t object, std::uint32_t entity,
                            std::uint32_t substream = 0)
      : key_(make_key(seed)) {
    ctr_ = {{(static_cast<std::uint32_t>(d) << 24) | (object & 0xffffffu), entity, 0u, substream}};
  }
  ENGRAM_HOST_DEVICE double uniform() {
    if (used_ == 2) refill();
    const double u = to_unit(block_[2 * used_], block_[2 * used_ + 1]);
    ++used_;
    return u;
  }
  // Uniform integer in [0, n), n < 2^53.
  ENGRAM_HOST_DEVICE std::uint64_t below(std::uint64_t n) {
    const std::uint64_t v = static_cast<std::uint64_t>(uniform() * static_cast<double>(n));
    return v < n ? v : n - 1;
  }

 private:
  ENGRAM_HOST_DEVICE void refill() {
    philox gen;
    const philox::ctr_type r = gen(ctr_, key_);
    for (int i = 0; i < 4; ++i) block_[i] = r.v[i];
    if (++ctr_.v[2] == 0) ++ctr_.v[3];
    used_ = 0;
  }
  philox::key_type key_;
  philox::ctr_type ctr_;
  std::uint32_t block_[4] = {0, 0, 0, 0};
  int used_ = 2;
};

// The four 32-bit words of the Philox block for (domain, object, entity, step, chunk).
ENGRAM_HOST_DEVICE inline philox::ctr_type block(std::uint64_t seed, domain d, std::uint32_t object, std::uint32_t entity,
                                                 std::uint32_t step, std::uint32_t chunk) {
  philox gen;
  const philox::ctr_type c = {{(static_cast<std::uint32_t>(d) << 24) | (object & 0xffffffu), entity, step, chunk}};
  return gen(c, make_key(seed));
}

// Two independent uniforms for (domain, object, entity, step, chunk): used per neuron per
// step where the number of draws is known (Poisson input).
ENGRAM_HOST_DEVICE inline void uniform_pair(std::uint64_t seed, domain d, std::uint32_t object,
                                            std::uint32_t entity, std::uint32_t step,
                                            std::uint32_t chunk, double& u0, double& u1) {
  const philox::ctr_type r = block(seed, d, object, entity, step, chunk);
  u0 = to_unit(r.v[0], r.v[1]);
  u1 = to_unit(r.v[2], r.v[3]);
}

}  // namespace engram::rng
