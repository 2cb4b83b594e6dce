#pragma once
// Conductance-based LIF with the four receptors of the science dossier (M2, engram default
// composite): AMPA (single exponential), NMDA (dual exponential with the Jahr & Stevens Mg2+
// block), GABA_A (single exponential), GABA_B (dual exponential).
//   C dV/dt = -g_L (V - E_L) - g_AMPA (V - E_AMPA) - (1 - NMDA_block) B(V) g_NMDA (V - E_NMDA)
//             - g_GABA_A (V - E_GABA_A) - g_GABA_B (V - E_GABA_B) + I_e + I_stim
//   B(V) = 1 / (1 + exp(-0.062 V) [Mg2+] / 3.57)        ([Mg2+] in mM)
// Weights are peak conductances (nS): a dual exponential peaks at its weight.
// Integrator: exponential Euler with the conductances and B(V) held at their start-of-step
// values (first order in dt, as lif_cond_exp); conductances propagate exactly, then this
// step's input is added. Pharmacology as parameters: NMDA_block = fraction of NMDA receptors
// blocked by an antagonist (AP5: 1), Mg = extracellular [Mg2+]. While refractory V is clamped
// at V_reset.
#include <cmath>

#include "models/math.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/synapses/receptors.hpp"

namespace engram::neurons {

struct lif_cond_nmda {
  static constexpr const char* name = "lif_cond_nmda";
  static constexpr named_unit ports[] = {{"AMPA", "nS"}, {"NMDA", "nS"}, {"GABA_A", "nS"}, {"GABA_B", "nS"}};
  static constexpr int n_ports = 4;

  struct params {
    double C_m = 200.0;            // pF
    double g_L = 10.0;             // nS
    double E_L = -65.0;            // mV
    double V_th = -50.0;           // mV
    double V_reset = -65.0;        // mV
    double t_ref = 2.0;            // ms
    double I_e = 0.0;              // pA
    double E_AMPA = 0.0;           // mV
    double tau_AMPA = 2.0;         // ms (Brunel & Wang 2001)
    double E_NMDA = 0.0;           // mV
    double tau_NMDA_rise = 2.0;    // ms (Brunel & Wang 2001 time constants, linear form)
    double tau_NMDA_decay = 100.0; // ms
    double Mg = 1.0;               // mM, extracellular [Mg2+]
    double NMDA_block = 0.0;       // fraction of NMDA receptors blocked by an antagonist, 0..1
    double E_GABA_A = -70.0;       // mV (Brunel & Wang 2001)
    double tau_GABA_A = 10.0;      // ms
    double E_GABA_B = -90.0;       // mV (Hill & Tononi 2005)
    double tau_GABA_B_rise = 60.0;   // ms
    double tau_GABA_B_decay = 200.0; // ms
  };
  static constexpr param_field<params> param_table[] = {
      {"C_m", "pF", &params::C_m},
      {"g_L", "nS", &params::g_L},
      {"E_L", "mV", &params::E_L},
      {"V_th", "mV", &params::V_th},
      {"V_reset", "mV", &params::V_reset},
      {"t_ref", "ms", &params::t_ref},
      {"I_e", "pA", &params::I_e},
      {"E_AMPA", "mV", &params::E_AMPA},
      {"tau_AMPA", "ms", &params::tau_AMPA},
      {"E_NMDA", "mV", &params::E_NMDA},
      {"tau_NMDA_rise", "ms", &params::tau_NMDA_rise},
      {"tau_NMDA_decay", "ms", &params::tau_NMDA_decay},
      {"Mg", "mM", &params::Mg},
      {"NMDA_block", "1", &params::NMDA_block},
      {"E_GABA_A", "mV", &params::E_GABA_A},
      {"tau_GABA_A", "ms", &params::tau_GABA_A},
      {"E_GABA_B", "mV", &params::E_GABA_B},
      {"tau_GABA_B_rise", "ms", &params::tau_GABA_B_rise},
      {"tau_GABA_B_decay", "ms", &params::tau_GABA_B_decay}};

  struct state {
    real v;         // mV
    real g_AMPA;    // nS
    real g_NMDA;    // nS (before the Mg2+ block)
    real h_NMDA;    // nS/ms, rising phase
    real g_GABA_A;  // nS
    real g_GABA_B;  // nS
    real h_GABA_B;  // nS/ms
    real refractory;
  };
  static constexpr named_unit state_table[] = {{"v", "mV"},        {"g_AMPA", "nS"},   {"g_NMDA", "nS"},
                                               {"h_NMDA", "nS/ms"}, {"g_GABA_A", "nS"}, {"g_GABA_B", "nS"},
                                               {"h_GABA_B", "nS/ms"}, {"refractory", "steps"}};

  struct derived {
    real E_L, V_th, V_reset, I_e, g_L, E_AMPA, E_NMDA, E_GABA_A, E_GABA_B;
    real minus_dt_over_C;  // -dt/C, ms/pF
    real P_AMPA, P_GABA_A;
    receptors::dual_exp_propagator nmda, gaba_b;
    real mg;          // [Mg2+] in mM
    real nmda_open;   // 1 - NMDA_block
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
    d.E_NMDA = static_cast<real>(p.E_NMDA);
    d.E_GABA_A = static_cast<real>(p.E_GABA_A);
    d.E_GABA_B = static_cast<real>(p.E_GABA_B);
    d.minus_dt_over_C = static_cast<real>(-dt / p.C_m);
    d.P_AMPA = static_cast<real>(std::exp(-dt / p.tau_AMPA));
    d.P_GABA_A = static_cast<real>(std::exp(-dt / p.tau_GABA_A));
    d.nmda = receptors::make_dual_exp(p.tau_NMDA_rise, p.tau_NMDA_decay, dt);
    d.gaba_b = receptors::make_dual_exp(p.tau_GABA_B_rise, p.tau_GABA_B_decay, dt);
    d.mg = static_cast<real>(p.Mg);
    d.nmda_open = static_cast<real>(1.0 - p.NMDA_block);
    d.ref_steps = static_cast<real>(to_steps(p.t_ref, dt));
    return d;
  }

  static void check(const params& p, param_check& c) {
    c.require(p.C_m > 0, "C_m", "must be > 0 pF");
    c.require(p.g_L > 0, "g_L", "must be > 0 nS");
    c.require(p.t_ref >= 0, "t_ref", "must be >= 0 ms");
    c.require(p.V_reset < p.V_th, "V_reset", "must be below V_th");
    c.require(p.tau_AMPA > 0, "tau_AMPA", "must be > 0 ms");
    c.require(p.tau_GABA_A > 0, "tau_GABA_A", "must be > 0 ms");
    c.require(p.tau_NMDA_rise > 0, "tau_NMDA_rise", "must be > 0 ms");
    c.require(p.tau_NMDA_rise < p.tau_NMDA_decay, "tau_NMDA_rise", "must be < tau_NMDA_decay");
    c.require(p.tau_GABA_B_rise > 0, "tau_GABA_B_rise", "must be > 0 ms");
    c.require(p.tau_GABA_B_rise < p.tau_GABA_B_decay, "tau_GABA_B_rise", "must be < tau_GABA_B_decay");
    c.require(p.Mg >= 0, "Mg", "must be >= 0 mM");
    c.require(p.NMDA_block >= 0 && p.NMDA_block <= 1, "NMDA_block", "must lie in [0, 1] (fraction of NMDA receptors blocked)");
  }

  static state initial(const params& p) { return {static_cast<real>(p.E_L), 0, 0, 0, 0, 0, 0, 0}; }

  ENGRAM_HOST_DEVICE static bool update(state& s, const derived& d, const real* in, real i_stim) {
    bool spiked = false;
    if (s.refractory > 0) {
      s.refractory -= 1;
      s.v = d.V_reset;
    } else {
      const real g_nmda = s.g_NMDA * d.nmda_open * receptors::mg_block(s.v, d.mg);
      const real g_tot = d.g_L + s.g_AMPA + g_nmda + s.g_GABA_A + s.g_GABA_B;
      const real v_inf = (d.g_L * d.E_L + s.g_AMPA * d.E_AMPA + g_nmda * d.E_NMDA + s.g_GABA_A * d.E_GABA_A +
                          s.g_GABA_B * d.E_GABA_B + d.I_e + i_stim) / g_tot;
      s.v = v_inf + (s.v - v_inf) * math::expf(g_tot * d.minus_dt_over_C);
      if (s.v >= d.V_th) {
        s.v = d.V_reset;
        s.refractory = d.ref_steps;
        spiked = true;
      }
    }
    s.g_AMPA = s.g_AMPA * d.P_AMPA + in[0];
    receptors::dual_exp_step(s.g_NMDA, s.h_NMDA, d.nmda, in[1]);
    s.g_GABA_A = s.g_GABA_A * d.P_GABA_A + in[2];
    receptors::dual_exp_step(s.g_GABA_B, s.h_GABA_B, d.gaba_b, in[3]);
    return spiked;
  }
};

}  // namespace engram::neurons
