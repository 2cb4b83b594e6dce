#pragma once
// Intrinsic plasticity as an adaptive threshold (science dossier M10.2), added to a LIF model:
// the model fires when V >= V_th + theta, and
//   dtheta/dt = -theta / tau_theta - theta_plus * target_rate + theta_plus * sum_k delta(t - t_k)
// target_rate = 0 is Diehl & Cook (2015) (theta += 0.05 mV a spike, tau_theta = 1e7 ms);
// target_rate > 0 with a long tau_theta is the rate-target form (theta rises while the neuron
// fires above target_rate and falls, raising excitability, while it fires below it).
//
// with_adaptive_threshold<M> is model M plus theta: the same ports, parameters (with
// theta_plus, tau_theta, target_rate added), state (with theta and its rounding residue
// theta_lo) and update, with M's threshold shifted by theta for the step. A model derives from
// it and adds its name ("<M>_ip", models/registry.hpp). theta's per-step change (1e-8 of theta at tau_theta = 1e7 ms)
// is far below float resolution, so it is summed with a compensation term (Kahan), as
// shouval's W: the sum is exact to about 1e-7 of theta over any run length.
#include <array>
#include <cmath>

#include "models/neurons/neuron_common.hpp"

namespace engram::neurons {

template <class M>
struct with_adaptive_threshold {
  static constexpr const auto& ports = M::ports;
  static constexpr int n_ports = M::n_ports;
  static constexpr bool voltage_relative_to_rest = [] {
    if constexpr (requires { M::voltage_relative_to_rest; }) return M::voltage_relative_to_rest;
    return false;
  }();

  struct params : M::params {
    double theta_plus = 0.05;      // mV added to the threshold at each spike
    double tau_theta = 1.0e7;      // ms, decay of theta (Diehl & Cook 2015: 1e7 ms, about 2.8 h)
    double target_rate = 0.0;      // Hz; > 0: theta also falls by theta_plus * target_rate per second
  };
  static constexpr param_field<params> theta_params[] = {{"theta_plus", "mV", &params::theta_plus},
                                                         {"tau_theta", "ms", &params::tau_theta},
                                                         {"target_rate", "Hz", &params::target_rate}};
  static constexpr auto param_table = [] {
    constexpr auto base = rebase_table<params>(M::param_table);
    std::array<param_field<params>, base.size() + 3> t{};
    for (std::size_t i = 0; i < base.size(); ++i) t[i] = base[i];
    for (std::size_t i = 0; i < 3; ++i) t[base.size() + i] = theta_params[i];
    return t;
  }();

  struct state : M::state {
    real theta;     // mV, threshold shift
    real theta_lo;  // mV, rounding residue of theta (compensated sum)
  };
  static constexpr named_unit theta_fields[] = {{"theta", "mV"}, {"theta_lo", "mV"}};
  static constexpr auto state_table = join_tables(M::state_table, theta_fields);

  struct derived : M::derived {
    real decay_minus_1;  // exp(-dt/tau_theta) - 1, computed in double
    real drift;          // mV per step: theta_plus * target_rate * dt
    real jump;           // theta_plus
  };
  static derived derive(const params& p, double dt) {
    derived d{};
    static_cast<typename M::derived&>(d) = M::derive(p, dt);
    d.decay_minus_1 = static_cast<real>(std::expm1(-dt / p.tau_theta));
    d.drift = static_cast<real>(p.theta_plus * p.target_rate * dt / 1000.0);
    d.jump = static_cast<real>(p.theta_plus);
    return d;
  }
  static void check(const params& p, param_check& c) {
    M::check(p, c);
    c.require(p.theta_plus >= 0, "theta_plus", "must be >= 0 mV");
    c.require(p.tau_theta > 0, "tau_theta", "must be > 0 ms (use a very long one for no decay)");
    c.require(p.target_rate >= 0, "target_rate", "must be >= 0 Hz");
  }
  static state initial(const params& p) {
    state s{};
    static_cast<typename M::state&>(s) = M::initial(p);
    return s;
  }

  ENGRAM_HOST_DEVICE static bool update(state& s, const derived& d, const real* in, real i_stim) {
    typename M::derived shifted = d;
    shifted.V_th = d.V_th + s.theta;
    const bool fired = M::update(s, shifted, in, i_stim);
    // theta += delta, compensated: the residue lost to rounding is carried in theta_lo.
    const real delta = s.theta * d.decay_minus_1 - d.drift + (fired ? d.jump : real(0));
    const real y = delta - s.theta_lo;
    const real t = s.theta + y;
    s.theta_lo = (t - s.theta) - y;
    s.theta = t;
    return fired;
  }
};

}  // namespace engram::neurons
