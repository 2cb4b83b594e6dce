#pragma once
// Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005) with the four
// receptors of the science dossier (M2; shared with lif_cond_nmda, models/synapses/receptors.hpp):
//   C dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w + I_syn(V, t) + I_e + I_stim
//   I_syn   = -g_AMPA (V - E_AMPA) - (1 - NMDA_block) B(V) g_NMDA (V - E_NMDA)
//             - g_GABA_A (V - E_GABA_A) - g_GABA_B (V - E_GABA_B)
//   tau_w dw/dt = a (V - E_L) - w ;   V >= V_peak: spike, V <- V_reset, w <- w + b
// Integrator (adex_common.hpp): RK4 for (V, w) with the conductances at the RK4 stages from
// their exact propagators (t, t + dt/2, t + dt) and B(V) evaluated at each stage's V. Then the
// conductances propagate exactly and this step's input is added.
#include <cmath>

#include "models/math.hpp"
#include "models/neurons/adex_common.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/synapses/receptors.hpp"

namespace engram::neurons {

struct adex_cond_nmda {
  static constexpr const char* name = "adex_cond_nmda";
  static constexpr named_unit ports[] = {{"AMPA", "nS"}, {"NMDA", "nS"}, {"GABA_A", "nS"}, {"GABA_B", "nS"}};
  static constexpr int n_ports = 4;

  struct params : adex_membrane_params, receptors::four_receptor_params {};
  static constexpr auto param_table = join_tables(adex_membrane_fields<params, param_field<params>>::table,
                                                  receptors::receptor_fields<params, param_field<params>>::table);

  struct state {
    real v;                     // mV
    real w;                     // pA
    receptors::conductances g;  // nS (h_*: nS/ms)
    real refractory;
  };
  static constexpr named_unit state_table[] = {
      {"v", "mV"},         {"w", "pA"},         {"g_AMPA", "nS"},     {"g_NMDA", "nS"},         {"h_NMDA", "nS/ms"},
      {"g_GABA_A", "nS"},  {"g_GABA_B", "nS"},  {"h_GABA_B", "nS/ms"}, {"refractory", "steps"}};

  struct derived {
    adex_membrane m;
    receptors::four_receptor_derived rec, rec_half;  // propagators over dt and dt/2
  };

  static derived derive(const params& p, double dt) {
    derived d{};
    d.m = adex_membrane::make(p, dt);
    d.rec = receptors::derive_four_receptors(p, dt);
    d.rec_half = receptors::derive_four_receptors(p, 0.5 * dt);
    return d;
  }

  static void check(const params& p, param_check& c) {
    adex_membrane::check(p, c);
    receptors::check_four_receptors(p, c);
  }

  static state initial(const params& p) { return {static_cast<real>(p.E_L), 0, {}, 0}; }

  ENGRAM_HOST_DEVICE static bool update(state& s, const derived& d, const real* in, real i_stim) {
    const receptors::conductances g[3] = {s.g, receptors::advanced(s.g, d.rec_half), receptors::advanced(s.g, d.rec)};
    const bool spiked = d.m.step(s.v, s.w, s.refractory, i_stim,
                                 [&](int stage, real v) { return receptors::synaptic_current(g[stage], d.rec, v); });
    receptors::receive(s.g, d.rec, in);
    return spiked;
  }
};

}  // namespace engram::neurons
