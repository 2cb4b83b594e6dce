#pragma once
// Conductance-based LIF with exponential AMPA and GABA_A conductances: the COBA network of
// Vogels & Abbott (2005) / Brette et al. (2007) benchmark 1.
//   C dV/dt = -g_L (V - E_L) - g_AMPA (V - E_AMPA) - g_GABA_A (V - E_GABA_A) + I_e + I_stim
//   dg_x/dt = -g_x / tau_x,   g_x += w at each arrival (nS)
// Integrator: exponential Euler with the conductances held at their start-of-step values
// (first order in dt; documented in docs/models.md), then the conductances decay exactly and
// this step's input is added. While refractory V is clamped at V_reset.
#include <cmath>

#include "models/math.hpp"
#include "models/neurons/neuron_common.hpp"

namespace engram::neurons {

struct lif_cond_exp {
  static constexpr const char* name = "lif_cond_exp";
  static constexpr named_unit ports[] = {{"AMPA", "nS"}, {"GABA_A", "nS"}};
  static constexpr int n_ports = 2;

  struct params {
    double C_m = 200.0;       // pF
    double g_L = 10.0;        // nS (tau_m = C_m/g_L = 20 ms)
    double E_L = -60.0;       // mV
    double V_th = -50.0;      // mV
    double V_reset = -60.0;   // mV
    double t_ref = 5.0;       // ms
    double E_AMPA = 0.0;      // mV
    double E_GABA_A = -80.0;  // mV
    double tau_AMPA = 5.0;    // ms
    double tau_GABA_A = 10.0; // ms
    double I_e = 0.0;         // pA
  };
  static constexpr param_field<params> param_table[] = {
      {"C_m", "pF", &params::C_m},         {"g_L", "nS", &params::g_L},
      {"E_L", "mV", &params::E_L},         {"V_th", "mV", &params::V_th},
      {"V_reset", "mV", &params::V_reset}, {"t_ref", "ms", &params::t_ref},
      {"E_AMPA", "mV", &params::E_AMPA},   {"E_GABA_A", "mV", &params::E_GABA_A},
      {"tau_AMPA", "ms", &params::tau_AMPA}, {"tau_GABA_A", "ms", &params::tau_GABA_A},
      {"I_e", "pA", &params::I_e}};

  struct state {
    real v;         // mV
    real g_AMPA;    // nS
    real g_GABA_A;  // nS
    real refractory;
  };
  static constexpr named_unit state_table[] = {
      {"v", "mV"}, {"g_AMPA", "nS"}, {"g_GABA_A", "nS"}, {"refractory", "steps"}};

  struct derived {
    real E_L, V_th, V_reset, I_e, g_L, E_AMPA, E_GABA_A;
    real minus_dt_over_C;  // -dt/C, ms/pF
    real P_AMPA, P_GABA_A;  // exp(-dt/tau)
    real ref_steps;
  };

  static derived derive(const params& p, double dt) {
    derived d{};
    d.E_L = static_cast<real>(p.E_L);
    d.V_th = static_cast<real>(p.V_th);
    d.V_reset = static_cast<real>(p.V_reset);
    d.I_e = static_cast<real>(p.I_e);
    d.g_L = static_cast<real>(p.g_L);
    d.E_AMPA = static_cast<real>(p.E_AMPA);
    d.E_GABA_A = static_cast<real>(p.E_GABA_A);
    d.minus_dt_over_C = static_cast<real>(-dt / p.C_m);
    d.P_AMPA = static_cast<real>(std::exp(-dt / p.tau_AMPA));
    d.P_GABA_A = static_cast<real>(std::exp(-dt / p.tau_GABA_A));
    d.ref_steps = static_cast<real>(to_steps(p.t_ref, dt));
    return d;
  }

  static void check(const params& p, param_check& c) {
    c.require(p.C_m > 0, "C_m", "must be > 0 pF");
    c.require(p.g_L > 0, "g_L", "must be > 0 nS");
    c.require(p.tau_AMPA > 0, "tau_AMPA", "must be > 0 ms");
    c.require(p.tau_GABA_A > 0, "tau_GABA_A", "must be > 0 ms");
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
      const real g_tot = d.g_L + s.g_AMPA + s.g_GABA_A;
      const real v_inf =
          (d.g_L * d.E_L + s.g_AMPA * d.E_AMPA + s.g_GABA_A * d.E_GABA_A + d.I_e + i_stim) / g_tot;
      s.v = v_inf + (s.v - v_inf) * math::expf(g_tot * d.minus_dt_over_C);
      if (s.v >= d.V_th) {
        s.v = d.V_reset;
        s.refractory = d.ref_steps;
        spiked = true;
      }
    }
    s.g_AMPA = s.g_AMPA * d.P_AMPA + in[0];
    s.g_GABA_A = s.g_GABA_A * d.P_GABA_A + in[1];
    return spiked;
  }
};

}  // namespace engram::neurons
