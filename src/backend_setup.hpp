#pragma once
// Host-side set-up shared by every backend: initial neuron state, derived parameters, spike
// source schedules, stimulus plans, weight snapshots. Backends copy these plain arrays where
// they need them (host memory or device), so both start from identical numbers.
#include <cstdint>
#include <string>
#include <vector>

#include "engram/config.hpp"
#include "engram/network.hpp"
#include "engram/recording.hpp"
#include "synapse_table.hpp"

namespace engram {

// A neuron population's model, derived parameters (the model's `derived` struct as bytes)
// and initial state (structure of arrays, n_vars x n), drawn with keys (seed, population,
// neuron) in state-table order.
struct neuron_setup {
  int model = -1;
  int n_ports = 0;
  int n_vars = 0;
  std::vector<char> derived;
  std::vector<real> soa;
};
neuron_setup setup_neurons(const network& net, std::size_t population);

// Spike steps of a spike_source_array population (CSR: ptr has size + 1 entries). A spike at
// time t (ms) is emitted in the step that ends at t.
void spike_source_schedule(const network& net, std::size_t population, std::vector<std::uint64_t>& ptr,
                           std::vector<std::uint64_t>& steps);

struct poisson_plan {
  int pop = -1, port = 0;
  std::uint32_t id = 0;                // stimulus index: the RNG key
  std::vector<std::uint32_t> neurons;  // empty = all
  std::vector<std::uint32_t> chunks;   // per selected neuron (or one for all)
  std::vector<double> chunk_lambda, exp_minus;
  std::vector<std::int64_t> quiet_word;  // quiet_word_limit(exp_minus) (models/poisson.hpp)
  float weight = 0;
  std::uint64_t start = 0, stop = 0;   // active steps [start, stop)
};
struct current_plan {
  int pop = -1;
  std::vector<std::uint32_t> neurons;       // empty = all
  std::vector<std::uint64_t> change_steps;  // amplitudes[k] (pA) from change_steps[k] on
  std::vector<real> amplitudes;
};
// In the order every backend applies them: all Poisson stimuli, then all currents, each in
// model-file order.
struct stimulus_plans {
  std::vector<poisson_plan> poisson;
  std::vector<current_plan> currents;
};
stimulus_plans plan_stimuli(const network& net);

// Index of a receptor in the target population's port list.
int port_index(const network& net, int population, const std::string& receptor);
// Index of a state variable in a population's state; throws invalid_model if absent.
int state_index(const network& net, int population, const std::string& variable);

// Index of a per-synapse state variable in the state of a projection's state rule (the one
// rule of its list with synapse state); throws invalid_model if there is none.
int synapse_state_index(const network& net, int projection, const std::string& variable);

// Appends one snapshot of `weights` (CSR order) to `r`, filling its pre/post arrays once.
void snapshot_weights(const synapse_table& table, const std::vector<float>& weights, recording::weights& r);

}  // namespace engram
