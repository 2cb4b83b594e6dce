#pragma once
// One projection's synapses in compressed sparse rows (rows = presynaptic neurons), structure
// of arrays. Plastic state (calcium, CaMKII, tags) is further arrays of the same length, in the
// same order.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "models/connectivity_generators.hpp"

namespace engram {

struct synapse_table {
  std::vector<std::uint64_t> row_ptr;  // size n_pre + 1
  std::vector<std::uint32_t> target;   // postsynaptic neuron; ascending within each row
  std::vector<float> weight;           // units of the target port (mV, pA or nS)
  std::vector<std::uint16_t> delay;    // steps, >= 1
  std::uint16_t max_delay = 1;         // steps; for a procedural table, the delay's upper bound
  // Tables whose arrays are not held here, with their number of synapses in `count`: a
  // procedural projection's (backends regenerate each spike's row from this rule,
  // models/connectivity_rows.hpp; counted at build), or one that the CUDA backend built in
  // device memory (on_device).
  std::optional<row_rule> procedural;
  bool on_device = false;
  std::uint64_t count = 0;

  std::uint64_t size() const { return procedural || on_device ? count : target.size(); }
  static constexpr std::uint64_t bytes_per_synapse = sizeof(std::uint32_t) + sizeof(float) + sizeof(std::uint16_t);
};

// The same synapses by postsynaptic neuron, for rules that act at postsynaptic spikes: the
// synapses onto neuron i are synapse[col_ptr[i] .. col_ptr[i + 1]) (positions in the row
// arrays, ascending) from source[...] (their presynaptic neurons).
struct column_index {
  std::vector<std::uint64_t> col_ptr;  // size n_target + 1
  std::vector<std::uint64_t> synapse;
  std::vector<std::uint32_t> source;
  static constexpr std::uint64_t bytes_per_synapse = sizeof(std::uint64_t) + sizeof(std::uint32_t);
};

// Counting sort of the rows by target, in parallel over chunks of whole rows: each column
// comes out ascending, as from one pass over the rows (src/connectivity.cpp).
column_index build_columns(const synapse_table& t, std::uint64_t n_target);

// Moves a table's arrays out (simulation::synapses of a procedural projection, which holds
// none and regenerates them).
inline void move_out(synapse_table&& t, std::vector<std::uint64_t>& row_ptr, std::vector<std::uint32_t>& target,
                     std::vector<float>& weight, std::vector<std::uint16_t>& delay) {
  row_ptr = std::move(t.row_ptr);
  target = std::move(t.target);
  weight = std::move(t.weight);
  delay = std::move(t.delay);
}

// Synapses per projection.
inline std::vector<std::uint64_t> table_sizes(const std::vector<synapse_table>& tables) {
  std::vector<std::uint64_t> v;
  for (const auto& t : tables) v.push_back(t.size());
  return v;
}
// Mean bytes per synapse over all projections: the static record plus rule_values[j] 4-byte
// values of plasticity state per synapse of projection j; nothing for procedural synapses.
inline std::uint64_t mean_bytes_per_synapse(const std::vector<synapse_table>& tables, const std::vector<int>& rule_values) {
  std::uint64_t syn = 0, bytes = 0;
  for (std::size_t j = 0; j < tables.size(); ++j) {
    syn += tables[j].size();
    if (!tables[j].procedural)
      bytes += tables[j].size() * (synapse_table::bytes_per_synapse + 4u * static_cast<std::uint64_t>(rule_values[j]));
  }
  return syn ? (bytes + syn / 2) / syn : synapse_table::bytes_per_synapse;
}

struct network;
// The generator rule of projection `index` (models/connectivity_generators.hpp), or none where
// only the host can build it (from_file; degrees without multapses, which sample distinct
// partners).
std::optional<generator_rule> generator_rule_of(const network& net, std::size_t index);

// Expected number of synapses of projection `index` (exact for all but fixed_probability),
// from the description alone: memory estimates and build decisions.
double expected_synapses(const network& net, std::size_t index);

// A procedural projection's table without its synapse count: its row rule and the delay
// bound. build_synapses counts the synapses on the host; the CUDA backend counts them on the
// device.
synapse_table procedural_table(const network& net, std::size_t index);

// Generates projection `index` of `net` (validated) deterministically: the result depends on
// the seed and the description only, not on the number of threads. A projection with
// "storage": "procedural" gives a table holding only its row rule, unless `store` is set:
// then its synapses are stored as any other's (the same synapses).
synapse_table build_synapses(const network& net, std::size_t index, bool store = false);

}  // namespace engram
