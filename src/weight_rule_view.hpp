#pragma once
// One weight rule of one projection (ADR 0005) as both backends step it: its traces per source
// and target neuron (structure of arrays) and the per-element updates of phases 5-7. The CPU
// backend calls these in its loops, the CUDA backend in its grid-stride loops
// (kernels/step_kernels.cuh), so the two run the same operations on the same values and only
// the loops around them differ.
#include <cstdint>

#include "engram/config.hpp"
#include "models/neurons/neuron_common.hpp"

namespace engram {

template <class R>
struct weight_rule_view {
  static_assert(!R::reads_membrane_potential, "weight rules see postsynaptic traces without the membrane potential");
  using pre_state = typename R::pre_state;
  using post_state = typename R::post_state;

  typename R::derived d;  // by value: no aliasing with the trace arrays, so the CPU loops vectorise
  real* pre;              // pre_state of every source neuron
  std::uint64_t n_source;
  real* post;             // post_state of every target neuron
  std::uint64_t n_target;

  // A neuron's traces decayed to this step, before its own spike (stdp_common.hpp).
  ENGRAM_HOST_DEVICE pre_state seen_pre(std::uint64_t i) const {
    auto x = load_state<pre_state>(pre, n_source, i);
    R::update_pre(x, d, false);
    return x;
  }
  ENGRAM_HOST_DEVICE post_state seen_post(std::uint64_t i) const {
    auto y = load_state<post_state>(post, n_target, i);
    R::update_post_neuron(y, d, false, real(0));
    return y;
  }

  // Phase 5: the weight of a synapse from `source` onto a target neuron that fired (whose seen
  // traces are y), after that spike.
  ENGRAM_HOST_DEVICE float after_post_spike(float w, std::uint32_t source, const post_state& y) const {
    return R::on_post(w, d, seen_pre(source), y);
  }
  // Phase 6: the weight of a synapse onto `target` from a source neuron whose spike arrives now
  // (seen traces x), after that spike.
  ENGRAM_HOST_DEVICE float after_pre_spike(float w, const pre_state& x, std::uint32_t target) const {
    return R::on_pre(w, d, x, seen_post(target));
  }
  // Phase 6, after every synapse: the traces take this step's arrivals and spikes (v: membrane
  // potential, passed for the rule interface; weight rules ignore it).
  ENGRAM_HOST_DEVICE void step_pre(std::uint64_t i, bool arrived) const {
    auto x = load_state<pre_state>(pre, n_source, i);
    R::update_pre(x, d, arrived);
    store_state(pre, n_source, i, x);
  }
  ENGRAM_HOST_DEVICE void step_post(std::uint64_t i, bool fired, real v) const {
    auto y = load_state<post_state>(post, n_target, i);
    R::update_post_neuron(y, d, fired, v);
    store_state(post, n_target, i, y);
  }
  // Phase 7, when due: the weight of a synapse onto `target` after rescaling.
  ENGRAM_HOST_DEVICE float rescaled(float w, std::uint32_t target) const {
    return R::slow_weight(w, d, load_state<post_state>(post, n_target, target));
  }
};

}  // namespace engram
