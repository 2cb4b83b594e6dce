#pragma once
// Conductance-based LIF with the four receptors of the science dossier (M2, engram default
// composite): AMPA (single exponential), NMDA (dual exponential with the Jahr & Stevens Mg2+
// block), GABA_A (single exponential), GABA_B (dual exponential); receptor code shared with
// adex_cond_nmda in models/synapses/receptors.hpp.
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

  struct params : receptors::four_receptor_params {
    double C_m = 200.0;      // pF
    double g_L = 10.0;       // nS
    double E_L = -65.0;      // mV
    double V_th = -50.0;     // mV
    double V_reset = -65.0;  // mV
    double t_ref = 2.0;      // ms
    double I_e = 0.0;        // pA
  };
  static constexpr param_field<params> own_params[] = {
      {"C_m", "pF", &params::C_m},         {"g_L", "nS", &params::g_L},   {"E_L", "mV", &params::E_L},
      {"V_th", "mV", &params::V_th},       {"V_reset", "mV", &params::V_reset},
      {"t_ref", "ms", &params::t_ref},     {"I_e", "pA", &params::I_e}};
  static constexpr auto param_table =
      join_tables(own_params, receptors::receptor_fields<params, param_field<params>>::table);

  struct state {
    real v;                    // mV
    receptors::conductances g; // nS (h_*: nS/ms)
    real refractory;
  };
  static constexpr named_unit state_table[] = {{"v", "mV"},        {"g_AMPA", "nS"},   {"g_NMDA", "nS"},
                                               {"h_NMDA", "nS/ms"}, {"g_GABA_A", "nS"}, {"g_GABA_B", "nS"},
                                               {"h_GABA_B", "nS/ms"}, {"refractory", "steps"}};

  struct derived {
    real E_L, V_th, V_reset, I_e, g_L;
    real minus_dt_over_C;  // -dt/C, ms/pF
    receptors::four_receptor_derived rec;
    real ref_steps;
  };

  static derived derive(const params& p, double dt) {
    derived d{};
    d.E_L = static_cast<real>(p.E_L);
    d.V_th = static_cast<real>(p.V_th);
    d.V_reset = static_cast<real>(p.V_reset);
    d.I_e = static_cast<real>(p.I_e);
    d.g_L = static_cast<real>(p.g_L);
    d.minus_dt_over_C = static_cast<real>(-dt / p.C_m);
    d.rec = receptors::derive_four_receptors(p, dt);
    d.ref_steps = static_cast<real>(to_steps(p.t_ref, dt));
    return d;
  }

  static void check(const params& p, param_check& c) {
    c.require(p.C_m > 0, "C_m", "must be > 0 pF");
    c.require(p.g_L > 0, "g_L", "must be > 0 nS");
    c.require(p.t_ref >= 0, "t_ref", "must be >= 0 ms");
    c.require(p.V_reset < p.V_th, "V_reset", "must be below V_th");
    receptors::check_four_receptors(p, c);
  }

  static state initial(const params& p) { return {static_cast<real>(p.E_L), {}, 0}; }

  ENGRAM_HOST_DEVICE static bool update(state& s, const derived& d, const real* in, real i_stim) {
    bool spiked = false;
    if (s.refractory > 0) {
      s.refractory -= 1;
      s.v = d.V_reset;
    } else {
      const auto& g = s.g;
      const auto& r = d.rec;
      const real g_nmda = receptors::nmda_conductance(g, r, s.v);
      const real g_tot = d.g_L + g.g_AMPA + g_nmda + g.g_GABA_A + g.g_GABA_B;
      const real v_inf = (d.g_L * d.E_L + g.g_AMPA * r.E_AMPA + g_nmda * r.E_NMDA + g.g_GABA_A * r.E_GABA_A +
                          g.g_GABA_B * r.E_GABA_B + d.I_e + i_stim) / g_tot;
      s.v = v_inf + (s.v - v_inf) * math::expf(g_tot * d.minus_dt_over_C);
      if (s.v >= d.V_th) {
        s.v = d.V_reset;
        s.refractory = d.ref_steps;
        spiked = true;
      }
    }
    receptors::receive(s.g, d.rec, in);
    return spiked;
  }
};

}  // namespace engram::neurons
