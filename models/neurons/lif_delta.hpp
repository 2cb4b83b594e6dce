#pragma once
// Current-based leaky integrate-and-fire neuron with delta synapses: Brunel (2000) model A,
// NEST iaf_psc_delta. Each arriving spike makes V jump by its weight (mV).
//   tau_m dV/dt = -(V - E_L) + R (I_e + I_stim),   R = tau_m / C_m
// Exact integration: V <- E_L + (V - E_L) P + (I_e + I_stim) R (1 - P) + sum of jumps, with
// P = exp(-dt/tau_m). While refractory V is clamped at V_reset and arriving input is
// discarded (as NEST iaf_psc_delta).
#include <cmath>

#include "models/neurons/neuron_common.hpp"

namespace engram::neurons {

struct lif_delta {
  static constexpr const char* name = "lif_delta";
  static constexpr named_unit ports[] = {{"delta", "mV"}};
  static constexpr int n_ports = 1;
  // Brunel's V is measured from rest (E_L = 0): rules that need an absolute membrane
  // potential (NMDA calcium) refuse this model.
  static constexpr bool voltage_relative_to_rest = true;

  struct params {
    double tau_m = 20.0;    // ms, membrane time constant
    double C_m = 250.0;     // pF, converts currents (I_e, stimuli) into voltage
    double E_L = 0.0;       // mV, resting potential
    double V_th = 20.0;     // mV, threshold
    double V_reset = 10.0;  // mV, reset
    double t_ref = 2.0;     // ms, absolute refractory period
    double I_e = 0.0;       // pA, constant bias current
  };
  static constexpr param_field<params> param_table[] = {
      {"tau_m", "ms", &params::tau_m}, {"C_m", "pF", &params::C_m},
      {"E_L", "mV", &params::E_L},     {"V_th", "mV", &params::V_th},
      {"V_reset", "mV", &params::V_reset}, {"t_ref", "ms", &params::t_ref},
      {"I_e", "pA", &params::I_e}};

  struct state {
    real v;           // mV
    real refractory;  // steps left in the refractory period
  };
  static constexpr named_unit state_table[] = {{"v", "mV"}, {"refractory", "steps"}};

  struct derived {
    real E_L, V_th, V_reset, I_e;
    real P;     // exp(-dt/tau_m)
    real gain;  // R (1 - P), mV per pA
    real ref_steps;
  };

  static derived derive(const params& p, double dt) {
    derived d{};
    d.E_L = static_cast<real>(p.E_L);
    d.V_th = static_cast<real>(p.V_th);
    d.V_reset = static_cast<real>(p.V_reset);
    d.I_e = static_cast<real>(p.I_e);
    d.P = static_cast<real>(std::exp(-dt / p.tau_m));
    // From the rounded P, so that the float steady state is exactly E_L + R I: 1 - P is
    // ill-conditioned in float (P rounding alone would shift V_inf by ~6e-6 relative).
    d.gain = static_cast<real>((p.tau_m / p.C_m) * (1.0 - static_cast<double>(d.P)));
    d.ref_steps = static_cast<real>(to_steps(p.t_ref, dt));
    return d;
  }

  static void check(const params& p, param_check& c) {
    c.require(p.tau_m > 0, "tau_m", "must be > 0 ms");
    c.require(p.C_m > 0, "C_m", "must be > 0 pF");
    c.require(p.t_ref >= 0, "t_ref", "must be >= 0 ms");
    c.require(p.V_reset < p.V_th, "V_reset", "must be below V_th");
  }

  static state initial(const params& p) { return {static_cast<real>(p.E_L), 0}; }

  // One step. `in` holds the summed weights arriving at each port this step, i_stim the
  // stimulus current (pA). Returns true on a spike.
  ENGRAM_HOST_DEVICE static bool update(state& s, const derived& d, const real* in, real i_stim) {
    if (s.refractory > 0) {
      s.refractory -= 1;
      s.v = d.V_reset;
      return false;
    }
    // Small terms are summed first and E_L added last: one rounding at the scale of |V|.
    s.v = d.E_L + ((s.v - d.E_L) * d.P + (d.I_e + i_stim) * d.gain + in[0]);
    if (s.v >= d.V_th) {
      s.v = d.V_reset;
      s.refractory = d.ref_steps;
      return true;
    }
    return false;
  }
};

}  // namespace engram::neurons
