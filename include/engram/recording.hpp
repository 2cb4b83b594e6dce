#pragma once
// What recorders collected during a run, on the host, backend-independent. The output writer
// turns it into .npy files; tests read it directly.
#include <cstdint>
#include <string>
#include <vector>

namespace engram {

struct recording {
  struct spikes {
    int population = -1;
    std::vector<char> selected;  // per neuron; empty = all
    std::vector<std::uint64_t> step;  // step in which the spike happened (time (step+1) dt)
    std::vector<std::uint32_t> neuron;
  };
  struct state {
    int population = -1;
    std::vector<std::uint32_t> neurons;
    std::vector<std::string> variables;
    std::vector<int> var_index;  // field index in the model's state
    std::uint64_t interval_steps = 1;
    std::vector<double> times;                // ms
    std::vector<std::vector<float>> values;   // per variable: samples x neurons, row-major
  };
  struct rate {
    int population = -1;
    std::uint64_t bin_steps = 1;
    std::vector<std::uint64_t> counts;  // spikes per bin
  };
  struct weights {
    int projection = -1;
    std::string variable = "weight";  // or a synapse variable of the projection's rule
    int var_index = -1;               // its index in the rule's state; -1: the weight (efficacy)
    std::vector<std::uint64_t> at_step;  // snapshot taken when `at_step` steps are done
    std::vector<double> times;           // ms
    std::vector<float> values;           // snapshots x synapses, CSR order
    std::vector<std::int32_t> pre, post;
  };
  std::vector<spikes> spike_recorders;
  std::vector<state> state_recorders;
  std::vector<rate> rate_recorders;
  std::vector<weights> weight_recorders;
  std::vector<std::uint64_t> spike_count;  // per population, whole run
};

}  // namespace engram
