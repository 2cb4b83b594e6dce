#pragma once
// Host-side set-up of plastic projections, shared by every backend: the rule, its derived
// parameters (bytes of the rule's `derived` struct), and the initial per-synapse state drawn
// with keys (seed, projection, synapse), so that every backend starts from the same numbers.
#include <cstdint>
#include <utility>
#include <vector>

#include "engram/config.hpp"
#include "engram/network.hpp"

namespace engram {

struct plasticity_setup {
  int rule = -1;  // index in plasticity_rules; -1: a static projection
  std::vector<char> derived;
  int n_state = 0, n_pre = 0, n_post = 0;  // real fields per synapse, presynaptic, postsynaptic neuron
  std::uint32_t delay_steps = 0;       // presynaptic spikes reach the rule this many steps late
  std::uint32_t post_delay_steps = 0;  // postsynaptic spikes reach the rule this many steps late
  std::vector<real> state;        // n_state x synapses (structure of arrays)
};
plasticity_setup setup_plasticity(const network& net, std::size_t projection, std::uint64_t synapses);

// Steps by which a projection's rule sees presynaptic and postsynaptic spikes late (its spike
// history needs one more step than each); {0, 0} for a static projection.
std::pair<std::uint32_t, std::uint32_t> rule_delay_steps(const network& net, std::size_t projection);

// The weights spikes deliver (host side, for snapshots): the rule's efficacy of each stored
// weight given its synapse state, or the weights themselves for a static projection.
std::vector<float> efficacies(const plasticity_setup& setup, const std::vector<float>& weights, const std::vector<real>& state);

// Steps of spike history each population must keep for the rules that read it (0: none).
std::vector<std::uint64_t> spike_history_lengths(const network& net, const std::vector<plasticity_setup>& rules);

}  // namespace engram
