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

// Synapses per projection.
inline std::vector<std::uint64_t> table_sizes(const std::vector<synapse_table>& tables) {
  std::vector<std::uint64_t> v;
  for (const auto& t : tables) v.push_back(t.size());
  return v;
}
// Mean bytes per synapse over all projections: the static record plus rule_values[j] 4-byte
// values of plasticity state per synapse of projection j.
inline std::uint64_t mean_bytes_per_synapse(const std::vector<synapse_table>& tables, const std::vector<int>& rule_values) {
  std::uint64_t syn = 0, bytes = 0;
  for (std::size_t j = 0; j < tables.size(); ++j) {
    syn += tables[j].size();
    bytes += tables[j].size() * (synapse_table::bytes_per_synapse + 4u * static_cast<std::uint64_t>(rule_values[j]));
  }
  return syn ? (bytes + syn / 2) / syn : synapse_table::bytes_per_synapse;
}

struct network;
// Generates projection `index` of `net` (validated) deterministically: the result depends on
// the seed and the description only, not on the number of threads.
synapse_table build_synapses(const network& net, std::size_t index);

}  // namespace engram
