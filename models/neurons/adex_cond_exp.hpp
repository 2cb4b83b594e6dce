#pragma once
// Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005) with exponential
// AMPA and GABA_A conductances (receptor kinetics of science/models.md M2, set BW).
//   C dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w
//             - g_AMPA (V - E_AMPA) - g_GABA_A (V - E_GABA_A) + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w
//   V >= V_peak: spike, V <- V_reset, w <- w + b
// Integrator (adex_common.hpp): RK4 for (V, w) with the conductances at the RK4 stages from
// their exact exponential decay; then this step's input is added.
#include "models/math.hpp"
#include "models/neurons/adex_common.hpp"
#include "models/neurons/neuron_common.hpp"

namespace engram::neurons {

struct adex_cond_exp {
  static constexpr const char* name = "adex_cond_exp";
  static constexpr named_unit ports[] = {{"AMPA", "nS"}, {"GABA_A", "nS"}};
  static constexpr int n_ports = 2;

  struct params : adex_membrane_params {
    double E_AMPA = 0.0;      // mV
    double E_GABA_A = -70.0;  // mV
    double tau_AMPA = 2.0;    // ms
    double tau_GABA_A = 10.0; // ms
  };
  static constexpr param_field<params> own_params[] = {
      {"E_AMPA", "mV", &params::E_AMPA},     {"E_GABA_A", "mV", &params::E_GABA_A},
      {"tau_AMPA", "ms", &params::tau_AMPA}, {"tau_GABA_A", "ms", &params::tau_GABA_A}};
  static constexpr auto param_table =
      join_tables(adex_membrane_fields<params, param_field<params>>::table, own_params);

  struct state {
    real v;         // mV
    real w;         // pA
    real g_AMPA;    // nS
    real g_GABA_A;  // nS
    real refractory;
  };
  static constexpr named_unit state_table[] = {
      {"v", "mV"}, {"w", "pA"}, {"g_AMPA", "nS"}, {"g_GABA_A", "nS"}, {"refractory", "steps"}};

  struct derived {
    adex_membrane m;
    real E_AMPA, E_GABA_A;
    real P_AMPA, P_GABA_A;            // exp(-dt/tau)
    real P_AMPA_half, P_GABA_A_half;  // exp(-dt/(2 tau))
  };

  static derived derive(const params& p, double dt) {
    derived d{};
    d.m = adex_membrane::make(p, dt);
    d.E_AMPA = static_cast<real>(p.E_AMPA);
    d.E_GABA_A = static_cast<real>(p.E_GABA_A);
    d.P_AMPA = static_cast<real>(math::exp(-dt / p.tau_AMPA));
    d.P_GABA_A = static_cast<real>(math::exp(-dt / p.tau_GABA_A));
    d.P_AMPA_half = static_cast<real>(math::exp(-0.5 * dt / p.tau_AMPA));
    d.P_GABA_A_half = static_cast<real>(math::exp(-0.5 * dt / p.tau_GABA_A));
    return d;
  }

  static void check(const params& p, param_check& c) {
    adex_membrane::check(p, c);
    c.require(p.tau_AMPA > 0, "tau_AMPA", "must be > 0 ms");
    c.require(p.tau_GABA_A > 0, "tau_GABA_A", "must be > 0 ms");
  }

  static state initial(const params& p) { return {static_cast<real>(p.E_L), 0, 0, 0, 0}; }

  ENGRAM_HOST_DEVICE static bool update(state& s, const derived& d, const real* in, real i_stim) {
    const real gA[3] = {s.g_AMPA, s.g_AMPA * d.P_AMPA_half, s.g_AMPA * d.P_AMPA};
    const real gG[3] = {s.g_GABA_A, s.g_GABA_A * d.P_GABA_A_half, s.g_GABA_A * d.P_GABA_A};
    const bool spiked = d.m.step(s.v, s.w, s.refractory, i_stim, [&](int stage, real v) {
      return -gA[stage] * (v - d.E_AMPA) - gG[stage] * (v - d.E_GABA_A);
    });
    s.g_AMPA = s.g_AMPA * d.P_AMPA + in[0];
    s.g_GABA_A = s.g_GABA_A * d.P_GABA_A + in[1];
    return spiked;
  }
};

}  // namespace engram::neurons
