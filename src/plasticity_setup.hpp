#pragma once
// Host-side set-up of plastic projections, shared by every backend: each rule of a projection's
// "plasticity" list, its derived parameters (bytes of the rule's `derived` struct), and the
// initial per-synapse state drawn with keys (seed, projection, rule, synapse), so that every
// backend starts from the same numbers.
#include <cstdint>
#include <utility>
#include <vector>

#include "engram/config.hpp"
#include "engram/network.hpp"

namespace engram {

struct plasticity_setup {
  int rule = -1;  // index in plasticity_rules; -1: none
  std::vector<char> derived;
  int n_state = 0, n_pre = 0, n_post = 0;  // real fields per synapse, presynaptic, postsynaptic neuron
  std::uint32_t delay_steps = 0;       // presynaptic spikes reach the rule this many steps late
  std::uint32_t post_delay_steps = 0;  // postsynaptic spikes reach the rule this many steps late
  bool changes_weight = false;         // a weight rule (no state; changes the stored weight)
  bool pairs_spikes = false;           // acts at postsynaptic spikes (needs the column index)
  std::vector<real> state;             // n_state x synapses (structure of arrays)
};

// The rules of a projection, in the order of its "plasticity" list (empty: static).
std::vector<plasticity_setup> setup_plasticity(const network& net, std::size_t projection, std::uint64_t synapses);

// Position of the one rule with synapse state in a projection's list, or -1.
int state_rule(const std::vector<plasticity_setup>& rules);

// Steps by which rule k of a projection sees presynaptic and postsynaptic spikes late (its
// spike history needs one more step than each).
std::pair<std::uint32_t, std::uint32_t> rule_delay_steps(const network& net, std::size_t projection, std::size_t k);

// The weights spikes deliver (host side, for snapshots): the state rule's efficacy of each
// stored weight given its synapse state, or the weights themselves (setup.rule < 0 or a weight
// rule).
std::vector<float> efficacies(const plasticity_setup& setup, const std::vector<float>& weights, const std::vector<real>& state);

// Steps of spike history each population must keep for the rules that read it (0: none);
// rules[j] are projection j's.
std::vector<std::uint64_t> spike_history_lengths(const network& net, const std::vector<std::vector<plasticity_setup>>& rules);

// Steps of spike lists each population must keep on the CUDA backend: spike_history_lengths
// over the rules that pair spikes, the only ones that walk lists (the others step every
// neuron's traces and read the flags).
std::vector<std::uint64_t> spike_list_lengths(const network& net, const std::vector<std::vector<plasticity_setup>>& rules);

// The CUDA backend keeps a population's spike lists (step t's in slot t % slots) as long as its
// rules read them late: one slot more than the list_len steps they read (spike_list_lengths),
// because the slot of step t + 1 is emptied during step t. At least three: when a step's
// propagation phase has nothing to walk it skips its grid barrier, so during step t's update
// some blocks may still read step t - 1's list, which must not be the one emptied then.
inline std::uint64_t spike_list_slots(std::uint64_t list_len) { return list_len + 1 > 3 ? list_len + 1 : 3; }

// Spike lists as the CUDA backend keeps them, rebuilt from spike flags (a checkpoint keeps the
// flags): before step `step`, the flags of steps step - 1 .. step - list_len + 1 (those >= 0;
// the flags of step u are row u % hist_len of the hist_len x n array, hist_len >= list_len)
// become the neurons of list slot u % spike_list_slots(list_len), ascending; every other slot
// is empty.
struct spike_lists {
  std::vector<std::uint32_t> list;   // slots x n
  std::vector<std::uint32_t> count;  // slots
};
spike_lists spike_lists_from_flags(const std::vector<std::uint8_t>& flags, std::uint64_t n, std::uint64_t hist_len,
                                   std::uint64_t list_len, std::uint64_t step);

}  // namespace engram
