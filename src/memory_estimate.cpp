// Memory needed by a network, estimated from the description before anything is allocated.
#include <cmath>
#include <fstream>
#include <string>

#include "engram/models.hpp"
#include "engram/simulation.hpp"
#include "plasticity_setup.hpp"
#include "synapse_table.hpp"


namespace engram {

namespace {
std::uint64_t available_bytes() {
  std::ifstream f("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (f >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  return 0;
}
}  // namespace

double expected_synapses(const network& net, std::size_t index) {
  const projection& pr = net.projections[index];
  const double ns = static_cast<double>(net.populations[static_cast<std::size_t>(net.population_index(pr.source))].size);
  const double nt = static_cast<double>(net.populations[static_cast<std::size_t>(net.population_index(pr.target))].size);
  const double pairs = ns * nt - (pr.source == pr.target && !pr.conn.autapses ? ns : 0.0);
  using k = connector::kind;
  switch (pr.conn.type) {
    case k::all_to_all: return pairs;
    case k::one_to_one: return ns;
    case k::fixed_probability: return pr.conn.p * pairs;
    case k::fixed_indegree: return static_cast<double>(pr.conn.n) * nt;
    case k::fixed_outdegree: return static_cast<double>(pr.conn.n) * ns;
    case k::fixed_total_number: return static_cast<double>(pr.conn.n);
    case k::from_file: return static_cast<double>(pr.conn.pre.size());
  }
  return 0.0;
}

memory_estimate estimate_memory(const network& net) {
  memory_estimate e;
  double synapses = 0.0;
  double stored = 0.0;  // synapses held in memory (procedural ones are regenerated)
  double row_index_bytes = 0.0;
  double max_delay_steps = 1.0;
  double rule_bytes = 0.0;  // per-synapse plasticity state (and traces, bounded by 16 bytes a neuron)
  for (const auto& pr : net.projections) {
    const double ns = static_cast<double>(net.populations[static_cast<std::size_t>(net.population_index(pr.source))].size);
    const double nt = static_cast<double>(net.populations[static_cast<std::size_t>(net.population_index(pr.target))].size);
    const double here = expected_synapses(net, static_cast<std::size_t>(&pr - net.projections.data()));
    synapses += here;
    if (!pr.procedural) {
      stored += here;
      row_index_bytes += 8.0 * (ns + 1);  // CSR row pointers
    }
    bool columns = false;
    for (std::size_t r_k = 0; r_k < pr.plasticity.size(); ++r_k)
      if (const auto* r = find_plasticity_rule(pr.plasticity[r_k].rule)) {
        // state per synapse; traces (at most 16 bytes) and the fixed-point sum (8) per neuron;
        // spike histories of delay + 1 steps (an upper bound: populations share theirs)
        const auto [pre_delay, post_delay] = rule_delay_steps(net, static_cast<std::size_t>(&pr - net.projections.data()), r_k);
        rule_bytes += here * 4.0 * static_cast<double>(r->state.size()) + 16.0 * (ns + nt) + 8.0 * nt +
                      (pre_delay + 1.0) * ns + (post_delay + 1.0) * nt;
        columns = columns || r->pairs_spikes;
      }
    if (columns) rule_bytes += here * static_cast<double>(column_index::bytes_per_synapse) + 8.0 * (nt + 1);
    const double dmax = pr.delay.max_value();
    max_delay_steps = std::max(max_delay_steps, std::isfinite(dmax) ? dmax / net.run.dt : 4.0 * pr.delay.nominal() / net.run.dt);
  }
  double neurons_bytes = 0.0;
  double ring_cells = 0.0;
  for (const auto& p : net.populations) {
    const auto* m = find_neuron_model(p.model);
    const double n = static_cast<double>(p.size);
    if (!m) {  // a spike source: cursor and row pointer, and a Poisson source's generated schedule
      neurons_bytes += n * 24.0;
      if (p.model == spike_source_poisson_model && p.params.count("rate"))
        neurons_bytes += n * p.params.at("rate") * net.run.duration * 1e-3 * 8.0;
      continue;
    }
    neurons_bytes += n * 4.0 * static_cast<double>(m->state.size() + m->ports.size() + 1);
    ring_cells += n * static_cast<double>(m->ports.size()) * (std::min(max_delay_steps, 65535.0) + 1.0);
  }
  // During the build each synapse exists twice: as a generated record (16 bytes) and in CSR.
  const double per_synapse = static_cast<double>(synapse_table::bytes_per_synapse) + 16.0;
  const double bytes = stored * per_synapse + rule_bytes + row_index_bytes + neurons_bytes + ring_cells * 8.0;  // one ring per population, whatever the thread count
  e.synapses = static_cast<std::uint64_t>(synapses);
  e.stored_synapses = static_cast<std::uint64_t>(stored);
  e.bytes = bytes > 1.8e19 ? ~0ULL : static_cast<std::uint64_t>(bytes);
  e.available = available_bytes();
  return e;
}

}  // namespace engram
