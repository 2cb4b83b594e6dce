#pragma once
// Spike input is summed in 64-bit fixed point with 2^-32 resolution: integer addition is
// associative, so the sum does not depend on the order in which spikes arrive (threads,
// atomics, backends). Conversion of a float weight is exact whenever |w| >= 2^-9.
#include <cstdint>

#include "engram/config.hpp"

namespace engram {

ENGRAM_HOST_DEVICE inline std::int64_t to_fixed(float w) {
  return static_cast<std::int64_t>(static_cast<double>(w) * 4294967296.0);
}
ENGRAM_HOST_DEVICE inline real from_fixed(std::int64_t v) {
  return static_cast<real>(static_cast<double>(v) * (1.0 / 4294967296.0));
}

}  // namespace engram
