#pragma once
// What the spike-timing rules share (stdp.hpp, stdp_triplet.hpp; science dossier M7, M8):
// exponential spike traces with all-to-all or nearest-spike interaction, the split of the
// synaptic delay into an axonal and a dendritic part, and hard weight bounds.
//
// Weight rules (rule_common.hpp) change the stored weight at spikes only:
//   on_post(w, derived, pre_seen, post_seen) -> w   at a postsynaptic spike's arrival (phase 5)
//   on_pre(w, derived, pre_seen, post_seen) -> w    at a presynaptic spike's arrival (phase 6)
// where *_seen are the traces decayed to this step but before this step's own jumps, so a
// pre and a post spike that reach the synapse in the same step do not pair (as in NEST).
// The traces live per neuron and are stepped exactly (x <- x e^{-dt/tau} + jump), which is the
// event-driven update sampled at every step; only the per-synapse work is event-driven.
#include <array>
#include <cstdint>

#include "engram/config.hpp"
#include "models/math.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/plasticity/rule_common.hpp"

namespace engram::plasticity {

// A trace of one neuron's spikes: decays with tau; at a spike it jumps by 1 (all-to-all
// interaction) or is set to 1 (nearest-spike: only the latest spike counts).
struct spike_trace {
  real decay;  // exp(-dt/tau)
  int nearest;
  static spike_trace make(double tau, bool nearest, double dt) {
    return {static_cast<real>(std::exp(-dt / tau)), nearest ? 1 : 0};
  }
  // Branch-free (so loops over neurons vectorise); the same bits as decaying, then adding 1 or
  // setting to 1: x * decay * 1 and + 0 are exact.
  ENGRAM_HOST_DEVICE real step(real x, bool spike) const {
    const real s = spike ? real(1) : real(0);
    return x * decay * (real(1) - s * static_cast<real>(nearest)) + s;
  }
};

// Parameters every spike-timing rule has; the rules' params derive from it (units in comments).
struct pairing_params {
  double W_max = 100.0;                   // upper bound, unit of the projection's weight (mV, pA or nS)
  double nearest_spike = 0;               // 0: all-to-all pairing; 1: nearest spike
  double dendritic_delay_fraction = 1.0;  // share of the delay after the synapse (1: NEST)
  double D = -1.0;                        // ms, the delay split by dendritic_delay_fraction (< 0: the projection's)
};
// Their entries in a rule's param_table (join_tables with the rule's own).
template <class P>
inline constexpr param_field<P> pairing_fields[] = {{"W_max", "weight", &P::W_max},
                                                    {"nearest_spike", "1", &P::nearest_spike},
                                                    {"dendritic_delay_fraction", "1", &P::dendritic_delay_fraction},
                                                    {"D", "ms", &P::D}};

// Where the spikes meet (dossier M7, delay convention). The projection's delay D splits into an
// axonal part (1 - f) D before the synapse and a dendritic part f D after it, which the
// back-propagating postsynaptic spike also travels. A presynaptic spike at t_pre and a
// postsynaptic one at t_post meet with dt = (t_post + f D) - (t_pre + (1 - f) D).
// f = 1 (the default) is NEST's convention for stdp_synapse (the whole delay is dendritic);
// f = 0 pairs where the spike is delivered, as a Brian 2 model with on_pre delays does.
struct pairing_delays {
  std::uint32_t pre_steps;   // (1 - f) D in steps
  std::uint32_t post_steps;  // f D in steps; pre_steps + post_steps = D in steps

  // p.D has been set to the projection's delay (D_defaults_to_synaptic_delay) unless given.
  static pairing_delays make(const pairing_params& p, double dt) {
    const double d = p.D < 0 ? 0.0 : p.D;
    const int total = to_steps(d, dt);
    const int post = to_steps(p.dendritic_delay_fraction * d, dt);
    return {static_cast<std::uint32_t>(total - post), static_cast<std::uint32_t>(post)};
  }
};

inline void check_pairing(const pairing_params& p, double dt, param_check& c) {
  c.require(p.W_max > 0, "W_max", "must be > 0 (weights are bounded to [0, W_max])");
  c.require(p.nearest_spike == 0 || p.nearest_spike == 1, "nearest_spike", "must be 0 (all-to-all) or 1 (nearest spike)");
  c.require(p.dendritic_delay_fraction >= 0 && p.dendritic_delay_fraction <= 1, "dendritic_delay_fraction",
            "must lie in [0, 1] (1: NEST's convention, the whole delay is dendritic)");
  c.require(p.D < 0 || p.D / dt <= 65535, "D", "must be at most 65535 steps");
}

// What every spike-timing rule shares: it changes the stored weight (no state of its own) and
// times spikes at the synapse. Derived rules have `derived` with a `delays` member.
struct spike_timing_rule {
  static constexpr bool changes_weight = true;
  static constexpr bool D_defaults_to_synaptic_delay = true;
  static constexpr bool reads_membrane_potential = false;
  struct state {};  // the rule's variable is the stored weight
  static constexpr std::array<named_unit, 0> state_table{};
  template <class P>
  static state initial(const P&, double) { return {}; }
  template <class D>
  ENGRAM_HOST_DEVICE static std::uint32_t delay_steps(const D& d) { return d.delays.pre_steps; }
  template <class D>
  ENGRAM_HOST_DEVICE static std::uint32_t post_delay_steps(const D& d) { return d.delays.post_steps; }
  template <class D>
  ENGRAM_HOST_DEVICE static real efficacy(real w, const state&, const D&) { return w; }
};

// Pair rules (stdp, stdp_power_law): one trace a side, x_pre (tau_plus) and y_post (tau_minus).
struct pair_rule : spike_timing_rule {
  struct traces {
    spike_trace plus, minus;
    pairing_delays delays;
  };
  static traces make_traces(double tau_plus, double tau_minus, const pairing_params& p, double dt) {
    return {spike_trace::make(tau_plus, p.nearest_spike == 1, dt), spike_trace::make(tau_minus, p.nearest_spike == 1, dt),
            pairing_delays::make(p, dt)};
  }
  struct pre_state {
    real x;  // presynaptic trace
  };
  struct post_state {
    real y;  // postsynaptic trace
  };
  // The checks every pair rule needs (its own add to them).
  template <class P>
  static void check_pair(const P& p, double dt, param_check& c) {
    c.require(p.tau_plus > 0, "tau_plus", "must be > 0 ms");
    c.require(p.tau_minus > 0, "tau_minus", "must be > 0 ms");
    c.require(p.lambda >= 0, "lambda", "must be >= 0");
    c.require(p.alpha >= 0, "alpha", "must be >= 0");
    check_pairing(p, dt, c);
  }
  template <class D>
  ENGRAM_HOST_DEVICE static std::uint32_t delay_steps(const D& d) { return d.tr.delays.pre_steps; }
  template <class D>
  ENGRAM_HOST_DEVICE static std::uint32_t post_delay_steps(const D& d) { return d.tr.delays.post_steps; }
  template <class D>
  ENGRAM_HOST_DEVICE static void update_pre(pre_state& s, const D& d, bool arrived) { s.x = d.tr.plus.step(s.x, arrived); }
  template <class D>
  ENGRAM_HOST_DEVICE static void update_post_neuron(post_state& s, const D& d, bool fired, real) { s.y = d.tr.minus.step(s.y, fired); }
};

// w clipped to [0, w_max].
ENGRAM_HOST_DEVICE inline real clip_weight(real w, real w_max) {
  return w < real(0) ? real(0) : (w > w_max ? w_max : w);
}

// x^mu for x >= 0: exact for mu = 0 (1, also at x = 0, as pow) and mu = 1; otherwise through
// the shared exp and log so host and device round alike.
ENGRAM_HOST_DEVICE inline real power(real x, real mu) {
  if (mu == real(0)) return real(1);
  if (mu == real(1)) return x;
  if (x <= real(0)) return real(0);
  return static_cast<real>(math::exp(static_cast<double>(mu) * math::log(static_cast<double>(x))));
}

}  // namespace engram::plasticity
