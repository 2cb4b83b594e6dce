#include "recorder_setup.hpp"

#include <algorithm>
#include <cmath>

#include "backend_setup.hpp"
#include "engram/models.hpp"

namespace engram {

recording setup_recording(const network& net) {
  recording rec;
  const double dt = net.run.dt;
  auto steps_of = [&](double ms) { return static_cast<std::uint64_t>(std::llround(ms / dt)); };
  rec.spike_count.assign(net.populations.size(), 0);
  for (const auto& r : net.recorders) {
    const int p = net.population_index(r.population);
    switch (r.type) {
      case recorder::kind::spikes: {
        recording::spikes s;
        s.population = p;
        if (!r.neurons.empty()) {
          s.selected.assign(net.populations[static_cast<std::size_t>(p)].size, 0);
          for (auto i : r.neurons) s.selected[i] = 1;
        }
        rec.spike_recorders.push_back(std::move(s));
        break;
      }
      case recorder::kind::state: {
        recording::state s;
        s.population = p;
        s.neurons = r.neurons;
        s.variables = r.variables;
        s.interval_steps = std::max<std::uint64_t>(1, steps_of(r.interval));
        const auto* m = find_neuron_model(net.populations[static_cast<std::size_t>(p)].model);
        for (const auto& v : r.variables)
          for (std::size_t k = 0; k < m->state.size(); ++k)
            if (m->state[k].name == v) s.var_index.push_back(static_cast<int>(k));
        s.values.resize(r.variables.size());
        rec.state_recorders.push_back(std::move(s));
        break;
      }
      case recorder::kind::rate: {
        recording::rate s;
        s.population = p;
        s.bin_steps = std::max<std::uint64_t>(1, steps_of(r.bin));
        s.counts.assign((net.steps() + s.bin_steps - 1) / s.bin_steps, 0);
        rec.rate_recorders.push_back(std::move(s));
        break;
      }
      case recorder::kind::weights: {
        recording::weights s;
        s.projection = net.projection_index(r.projection);
        s.variable = r.variable;
        if (r.variable != "weight") s.var_index = synapse_state_index(net, s.projection, r.variable);
        for (double t : r.times) {
          s.at_step.push_back(steps_of(t));
          s.times.push_back(t);
        }
        rec.weight_recorders.push_back(std::move(s));
        break;
      }
    }
  }
  return rec;
}

std::vector<std::uint64_t> ordered_spike_keys(const std::uint32_t* pairs, std::size_t n) {
  std::vector<std::uint64_t> keys(n);
  std::vector<std::size_t> run_start{0};
  bool grouped = true;
  for (std::size_t k = 0; k < n; ++k) {
    keys[k] = (static_cast<std::uint64_t>(pairs[2 * k]) << 32) | pairs[2 * k + 1];
    if (k > 0 && pairs[2 * k] != pairs[2 * k - 2]) {
      grouped = grouped && pairs[2 * k] > pairs[2 * k - 2];
      run_start.push_back(k);
    }
  }
  if (!grouped) {
    std::sort(keys.begin(), keys.end());
    return keys;
  }
  run_start.push_back(n);
  const auto runs = static_cast<std::ptrdiff_t>(run_start.size() - 1);
#pragma omp parallel for schedule(dynamic, 8) if (n > 100000)
  for (std::ptrdiff_t r = 0; r < runs; ++r)
    std::sort(keys.begin() + static_cast<std::ptrdiff_t>(run_start[static_cast<std::size_t>(r)]),
              keys.begin() + static_cast<std::ptrdiff_t>(run_start[static_cast<std::size_t>(r) + 1]));
  return keys;
}

}  // namespace engram
