#pragma once
// What every plasticity rule header provides (graupner_brunel.hpp is the commented example):
//   name; params (double, units in comments), param_table, optionally parameter_set(name,
//   params&) and parameter_set_names for published sets; check(params, dt, param_check&); derived (computed once per dt on the
//   host) and derive(); per-presynaptic-neuron pre_state, per-postsynaptic-neuron post_state
//   and per-synapse state (only `real` fields; state_table names the synapse fields);
//   initial(params, u) with u uniform in (0, 1); and the ENGRAM_HOST_DEVICE functions
//     update_pre(pre_state&, derived, bool arrived)   presynaptic spike reaches the rule
//                                                      (delay_steps(derived) after emission)
//     update_post_neuron(post_state&, derived, bool fired, real v)
//                                                      postsynaptic spike of post_delay_steps(derived)
//                                                      ago; v = membrane potential now (mV; read
//                                                      only by rules with reads_membrane_potential)
//     post_bound(post_state) -> real                   reduced (max) over the target population
//     row_quiet(pre_state, real max_bound, derived, t) no synapse of the row changes at step t
//     synapse_step(state&, derived, pre_state, post_state, t, synapse_noise)
//     efficacy(real w, state, derived) -> real         the weight a spike delivers: w times a
//                                                      factor >= 0 (non_negative), so the sign of
//                                                      w is kept and conductances stay >= 0
// and, for rules with slow processes (phase 7; detected with has_slow_processes):
//     slow_every(derived) -> steps                     run at the end of step t when (t+1) % every == 0
//     protein_drive(state, derived) -> real            summed per postsynaptic neuron in fixed point
//     slow_post(post_state&, derived, real sum, t)     per postsynaptic neuron
//     slow_synapse(state&, derived, post_state)        per synapse
//
// Weight rules (changes_weight = true: stdp, stdp_triplet, synaptic_scaling) have an empty
// `state`, change the stored weight itself and deliver it unchanged (efficacy(w) = w). Instead
// of synapse_step they provide any of
//     on_post(w, derived, pre_seen, post_seen) -> w    at a postsynaptic spike (phase 5, through
//                                                      the projection's column index)
//     on_pre(w, derived, pre_seen, post_seen) -> w     at a presynaptic spike (phase 6)
//     slow_every(derived), slow_weight(w, derived, post_state) -> w   every slow_every steps
// with traces "seen" decayed to the step but before its own spikes (stdp_common.hpp). A
// projection's "plasticity" is a list: any number of weight rules and at most one state rule,
// applied in list order within each phase (so every rule's on_post, phase 5, comes before any
// on_pre, phase 6, and rescaling, phase 7); the state rule's efficacy scales the weight the
// others shape. Weight rules never read the membrane potential.
#include <cmath>
#include <cstdint>

#include "engram/config.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/rng.hpp"

namespace engram::plasticity {

// Noise of one synapse at one step, drawn only when a rule asks for it: keyed by (seed,
// projection, synapse, step), so it does not depend on threads or backend. gauss() returns
// a standardised sum of the four uniforms of one Philox block: mean 0, variance 1, bounded
// by +-3.46. For the Euler-Maruyama increments of the rules (many small steps) only the first
// two moments matter (weak order 1), and this costs a tenth of an exact normal quantile,
// which dominated the step of stochastic rules.
struct synapse_noise {
  std::uint64_t seed;
  std::uint32_t projection;
  std::uint64_t synapse;
  std::uint64_t step;
  ENGRAM_HOST_DEVICE real gauss() const {
    const auto hi = static_cast<std::uint32_t>((synapse >> 32) | ((step >> 32) << 16));
    const rng::philox::ctr_type r = rng::block(seed, rng::domain::plasticity_noise, projection,
                                               static_cast<std::uint32_t>(synapse), static_cast<std::uint32_t>(step), hi);
    constexpr float scale = 1.0f / 16777216.0f;  // 24-bit uniforms are exact floats
    const float sum = (static_cast<float>(r.v[0] >> 8) + static_cast<float>(r.v[1] >> 8)) * scale +
                      (static_cast<float>(r.v[2] >> 8) + static_cast<float>(r.v[3] >> 8)) * scale;
    return (sum - 2.0f + 2.0f * scale) * 1.7320508f;  // +2 scale: mid-points, mean exactly 0
  }
};

// The factor of an efficacy, never negative (noise or strong LTD can push a rule's state past
// the point where its weight would change sign).
ENGRAM_HOST_DEVICE inline real non_negative(real x) { return x > real(0) ? x : real(0); }

// Largest step count a duration parameter may have (step counters are 32-bit).
inline constexpr double max_parameter_steps = 2.0e9;

// The calcium of Graupner & Brunel (2012) (dossier M3.2), shared by the rules built on it:
// c = C_pre kappa_NMDA x_pre + C_post y_post, with x_pre a trace of the presynaptic spikes D
// late and y_post a trace of the postsynaptic spikes, both decaying with tau_Ca. Linear in the
// spikes, so the traces live per neuron and no calcium is stored per synapse.
struct gb_calcium {
  real decay;          // exp(-dt/tau_Ca)
  real C_pre, C_post;  // C_pre includes kappa_NMDA
  real theta_d, theta_p;
  std::uint32_t delay_steps;  // D in steps

  template <class P>
  static void check(const P& p, double dt, param_check& c) {
    c.require(p.tau_Ca > 0, "tau_Ca", "must be > 0 ms");
    c.require(p.C_pre >= 0, "C_pre", "must be >= 0");
    c.require(p.C_post >= 0, "C_post", "must be >= 0");
    c.require(p.D >= 0 && p.D / dt <= 65535, "D", "must be >= 0 ms and at most 65535 steps");
    c.require(p.tau_Ca / dt <= max_parameter_steps, "tau_Ca", "must be at most 2e9 steps");
    c.require(p.theta_d > 0, "theta_d", "must be > 0");
    c.require(p.theta_p >= p.theta_d, "theta_p", "must be >= theta_d (potentiation needs more calcium than depression)");
    c.require(p.kappa_NMDA >= 0, "kappa_NMDA", "must be >= 0");
  }
  template <class P>
  static gb_calcium make(const P& p, double dt) {
    gb_calcium g{};
    g.decay = static_cast<real>(std::exp(-dt / p.tau_Ca));
    g.C_pre = static_cast<real>(p.C_pre * p.kappa_NMDA);
    g.C_post = static_cast<real>(p.C_post);
    g.theta_d = static_cast<real>(p.theta_d);
    g.theta_p = static_cast<real>(p.theta_p);
    g.delay_steps = static_cast<std::uint32_t>(to_steps(p.D, dt));
    return g;
  }
  // One step of a trace: decay, then this step's spike.
  ENGRAM_HOST_DEVICE real step(real trace, bool spike) const { return trace * decay + (spike ? real(1) : real(0)); }
  ENGRAM_HOST_DEVICE real at(real x_pre, real y_post) const { return C_pre * x_pre + C_post * y_post; }
};

template <class R>
concept has_slow_processes = requires(const typename R::derived& d, const typename R::state& s) {
  R::slow_every(d);
  R::protein_drive(s, d);
};

template <class R>
concept changes_weight = requires { requires R::changes_weight; };

// Weight rules that pair pre- and postsynaptic spikes (on_pre and on_post).
template <class R>
concept pairs_spikes = changes_weight<R> && requires(real w, const typename R::derived& d, const typename R::pre_state& x,
                                                     const typename R::post_state& y) {
  R::on_post(w, d, x, y);
  R::on_pre(w, d, x, y);
};

// Weight rules that rescale weights every slow_every steps (slow_weight).
template <class R>
concept scales_weights = changes_weight<R> && requires(real w, const typename R::derived& d, const typename R::post_state& y) {
  R::slow_every(d);
  R::slow_weight(w, d, y);
};

}  // namespace engram::plasticity
