#pragma once
// One projection's synapses in compressed sparse rows (rows = presynaptic neurons), structure
// of arrays. Plastic state (calcium, CaMKII, traces, tags) will be further arrays of the same
// length, in the same order.
#include <cstdint>
#include <vector>

namespace engram {

struct synapse_table {
  std::vector<std::uint64_t> row_ptr;  // size n_pre + 1
  std::vector<std::uint32_t> target;   // postsynaptic neuron; ascending within each row
  std::vector<float> weight;           // units of the target port (mV, pA or nS)
  std::vector<std::uint16_t> delay;    // steps, >= 1
  std::uint16_t max_delay = 1;

  std::uint64_t size() const { return target.size(); }
  static constexpr std::uint64_t bytes_per_synapse = sizeof(std::uint32_t) + sizeof(float) + sizeof(std::uint16_t);
};

struct network;
// Generates projection `index` of `net` (validated) deterministically: the result depends on
// the seed and the description only, not on the number of threads.
synapse_table build_synapses(const network& net, std::size_t index);

}  // namespace engram
