#pragma once
// Protocols that drive a rule's own per-step functions with clamped inputs instead of a network
// (science dossier P-UNIT-4, P-UNIT-6, P-CA-1, P-CA-2): shared by the tests that assert the
// dossier's numbers (tests/unit/shouval_test.cpp) and the tool that writes the traces for
// their figures (tools/clamped_traces.cpp), so the figure shows what the test checks.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "models/math.hpp"
#include "models/plasticity/graupner_brunel.hpp"
#include "models/plasticity/shouval.hpp"
#include "models/synapses/receptors.hpp"

namespace engram::protocols {

using sh = plasticity::shouval;

struct trace {
  std::vector<double> t, value;  // ms, and the traced quantity
  double peak = 0.0;
};

// P-UNIT-6 stimulus on one Shouval synapse. A presynaptic spike at t = 0 (if `pre`), a
// postsynaptic spike at t_post (so Delta t = t_post - t_pre = t_post), whose BPAP reaches the
// spine bpap_delay later. Synthetic dendritic voltage V = V_rest + EPSP(t) + BPAP, V_rest = -65
// mV (M3.1, folmez CaDP.m), EPSP(t) = (e^{-t/50} - e^{-t/5}) / norm with its peak normalised to
// 1 mV (M3.1: not folmez's unnormalised 0.697 mV). One presynaptic spike, so one EPSP; with
// several, EPSPs would add linearly (folmez EPSP.m) while the BPAP keeps only the last spike.
// Spine calcium (µM) every `keep_every` steps from t = -60 to 400 ms, and its peak.
inline trace shouval_pairing(const sh::params& p, double dt, bool pre, std::optional<double> t_post, long keep_every = 0) {
  const sh::derived d = sh::derive(p, dt);
  const double t0 = -60.0, t_end = 400.0;  // ms; Delta t = -50 ms needs the post spike before 0
  const double epsp_norm = receptors::dual_exp_norm(5.0, 50.0);  // 1 / unnormalised peak
  const long n_steps = std::lround((t_end - t0) / dt);
  const long n_pre = pre ? std::lround(-t0 / dt) : -1;
  const long n_bpap = t_post ? std::lround((*t_post - t0) / dt) + static_cast<long>(d.bpap_delay_steps) : -1;
  sh::pre_state ps{};
  sh::post_state qs{};
  sh::state s = sh::initial(p);
  trace out;
  for (long n = 0; n < n_steps; ++n) {
    const double t = t0 + n * dt;
    sh::update_pre(ps, d, n == n_pre);
    sh::update_post(qs, d, n == n_bpap);
    if (n == n_bpap) sh::on_bpap(s, d);
    const double epsp = (pre && t >= 0.0) ? epsp_norm * (math::exp(-t / 50.0) - math::exp(-t / 5.0)) : 0.0;
    const real v = static_cast<real>(-65.0 + epsp) + sh::bpap(qs);
    sh::synapse_step(s, d, ps, v);
    out.peak = std::max(out.peak, static_cast<double>(s.ca));
    if (keep_every > 0 && n % keep_every == 0) {
      out.t.push_back(t + dt);  // the state at the end of the step
      out.value.push_back(s.ca);
    }
  }
  return out;
}

// P-CA-1: the Shouval synapse after `steps` steps at clamped calcium c (µM), through the
// model's own W update; q_uMs: the excess integral Q (µM s, M4.3). With `w`, W every
// `keep_every` steps.
inline sh::state shouval_clamp(const sh::params& p, const sh::derived& d, real c, long steps, double& q_uMs,
                               trace* w = nullptr, long keep_every = 1) {
  sh::state s = sh::initial(p);
  double q = 0.0;  // µM ms
  const double dt = static_cast<double>(d.dt);
  for (long n = 0; n < steps; ++n) {
    s.ca = c;
    sh::w_step(s, d, c);
    q += sh::excess_increment(c, d);
    if (w && (n + 1) % keep_every == 0) {
      w->t.push_back(static_cast<double>(n + 1) * dt);
      w->value.push_back(s.w + s.w_lo);
    }
  }
  q_uMs = q / 1000.0;
  return s;
}

// P-UNIT-4: the Graupner-Brunel calcium of one isolated pair (pre at 0, post at delta_ms) as the
// rule steps it (gb_calcium: per-neuron traces decayed exactly every step, the presynaptic one
// D late), from t = -50 to 150 ms; time above a threshold counts whole steps.
inline trace gb_pair_calcium(const plasticity::graupner_brunel::params& p, double dt, double delta_ms) {
  const plasticity::gb_calcium g = plasticity::gb_calcium::make(p, dt);
  const double t0 = -50.0, t_end = 150.0;
  const long n_steps = std::lround((t_end - t0) / dt);
  const long n_pre = std::lround(-t0 / dt) + static_cast<long>(g.delay_steps);
  const long n_post = std::lround((delta_ms - t0) / dt);
  real x = 0, y = 0;
  trace out;
  for (long n = 0; n < n_steps; ++n) {
    x = g.step(x, n == n_pre);
    y = g.step(y, n == n_post);
    const real c = g.at(x, y);
    out.t.push_back(t0 + n * dt);
    out.value.push_back(c);
    out.peak = std::max(out.peak, static_cast<double>(c));
  }
  return out;
}

}  // namespace engram::protocols
