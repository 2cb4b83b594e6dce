#pragma once
// Current-based LIF with exponentially decaying synaptic currents (NEST iaf_psc_exp; the
// Potjans-Diesmann 2014 and Vogels-Abbott CUBA neuron).
//   C dV/dt = -(C/tau_m)(V - E_L) + I_exc + I_inh + I_e + I_stim
//   dI_x/dt = -I_x / tau_syn_x,   I_x += w at each arrival (pA; inhibitory weights negative)
// Exact integration with propagators computed once on the host (Rotter & Diesmann 1999), in
// NEST's order: V is advanced with the currents at the start of the step, then the currents
// decay and this step's input is added (so input affects V from the next step on). While
// refractory V is clamped at V_reset; the currents keep evolving.
#include <cmath>

#include "models/neurons/neuron_common.hpp"

namespace engram::neurons {

struct lif_curr_exp {
  static constexpr const char* name = "lif_curr_exp";
  static constexpr named_unit ports[] = {{"exc", "pA"}, {"inh", "pA"}};
  static constexpr int n_ports = 2;

  struct params {
    double C_m = 250.0;         // pF
    double tau_m = 10.0;        // ms
    double E_L = -65.0;         // mV
    double V_th = -50.0;        // mV
    double V_reset = -65.0;     // mV
    double t_ref = 2.0;         // ms
    double tau_syn_exc = 0.5;   // ms
    double tau_syn_inh = 0.5;   // ms
    double I_e = 0.0;           // pA
  };
  static constexpr param_field<params> param_table[] = {
      {"C_m", "pF", &params::C_m},           {"tau_m", "ms", &params::tau_m},
      {"E_L", "mV", &params::E_L},           {"V_th", "mV", &params::V_th},
      {"V_reset", "mV", &params::V_reset},   {"t_ref", "ms", &params::t_ref},
      {"tau_syn_exc", "ms", &params::tau_syn_exc}, {"tau_syn_inh", "ms", &params::tau_syn_inh},
      {"I_e", "pA", &params::I_e}};

  struct state {
    real v;      // mV
    real i_exc;  // pA
    real i_inh;  // pA
    real refractory;  // steps left
  };
  static constexpr named_unit state_table[] = {
      {"v", "mV"}, {"i_exc", "pA"}, {"i_inh", "pA"}, {"refractory", "steps"}};

  struct derived {
    real E_L, V_th, V_reset, I_e;
    real P22;              // exp(-dt/tau_m)
    real P20;              // (tau_m/C)(1 - P22): mV per pA of constant current
    real P11_exc, P11_inh;  // exp(-dt/tau_syn)
    real P21_exc, P21_inh;  // effect of a synaptic current on V over one step, mV per pA
    real ref_steps;
  };

  // Propagator from a current decaying with tau_s to V (NEST propagator_32), with the
  // tau_s == tau_m singularity handled by its limit.
  static double propagator_32(double tau_s, double tau_m, double C, double h) {
    if (std::abs(tau_m - tau_s) < 1e-9 * tau_m) return h / C * std::exp(-h / tau_m);
    return tau_m * tau_s / (C * (tau_m - tau_s)) * std::exp(-h / tau_m) * -std::expm1(h / tau_m - h / tau_s);
  }

  static derived derive(const params& p, double dt) {
    derived d{};
    d.E_L = static_cast<real>(p.E_L);
    d.V_th = static_cast<real>(p.V_th);
    d.V_reset = static_cast<real>(p.V_reset);
    d.I_e = static_cast<real>(p.I_e);
    d.P22 = static_cast<real>(std::exp(-dt / p.tau_m));
    // From the rounded P22 so the float steady state is exactly E_L + R I (see lif_delta.hpp).
    d.P20 = static_cast<real>((p.tau_m / p.C_m) * (1.0 - static_cast<double>(d.P22)));
    d.P11_exc = static_cast<real>(std::exp(-dt / p.tau_syn_exc));
    d.P11_inh = static_cast<real>(std::exp(-dt / p.tau_syn_inh));
    d.P21_exc = static_cast<real>(propagator_32(p.tau_syn_exc, p.tau_m, p.C_m, dt));
    d.P21_inh = static_cast<real>(propagator_32(p.tau_syn_inh, p.tau_m, p.C_m, dt));
    d.ref_steps = static_cast<real>(to_steps(p.t_ref, dt));
    return d;
  }

  static void check(const params& p, param_check& c) {
    c.require(p.C_m > 0, "C_m", "must be > 0 pF");
    c.require(p.tau_m > 0, "tau_m", "must be > 0 ms");
    c.require(p.tau_syn_exc > 0, "tau_syn_exc", "must be > 0 ms");
    c.require(p.tau_syn_inh > 0, "tau_syn_inh", "must be > 0 ms");
    c.require(p.t_ref >= 0, "t_ref", "must be >= 0 ms");
    c.require(p.V_reset < p.V_th, "V_reset", "must be below V_th");
  }

  static state initial(const params& p) { return {static_cast<real>(p.E_L), 0, 0, 0}; }

  ENGRAM_HOST_DEVICE static bool update(state& s, const derived& d, const real* in, real i_stim) {
    bool spiked = false;
    if (s.refractory > 0) {
      s.refractory -= 1;
      s.v = d.V_reset;
    } else {
      // Small terms first, E_L last: one rounding at the scale of |V| (see lif_delta.hpp).
      s.v = d.E_L + ((s.v - d.E_L) * d.P22 + (d.I_e + i_stim) * d.P20 + s.i_exc * d.P21_exc +
                     s.i_inh * d.P21_inh);
      if (s.v >= d.V_th) {
        s.v = d.V_reset;
        s.refractory = d.ref_steps;
        spiked = true;
      }
    }
    s.i_exc = s.i_exc * d.P11_exc + in[0];
    s.i_inh = s.i_inh * d.P11_inh + in[1];
    return spiked;
  }
};

}  // namespace engram::neurons
