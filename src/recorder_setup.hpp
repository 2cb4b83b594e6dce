#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "engram/network.hpp"
#include "engram/recording.hpp"

namespace engram {
// Empty recording buffers for the description's recorders (shared by every backend).
recording setup_recording(const network& net);

// Spike records of the CUDA step kernel, n (local step, neuron) pairs in the order warps appended
// them, as keys (step << 32 | neuron) in the CPU backend's order: by step, then neuron. The
// kernel finishes one step's appends before the next step's (a grid barrier lies between), so
// only the runs of one step are out of order; they are sorted in parallel (a whole-buffer sort
// took more wall time than the step kernel at 10^6 neurons). Any other order is sorted whole.
std::vector<std::uint64_t> ordered_spike_keys(const std::uint32_t* pairs, std::size_t n);
}
