#pragma once
// Adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005) with the four
// receptors of the science dossier (M2; shared with lif_cond_nmda, models/synapses/receptors.hpp):
//   C dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w + I_syn(V, t) + I_e + I_stim
//   I_syn   = -g_AMPA (V - E_AMPA) - (1 - NMDA_block) B(V) g_NMDA (V - E_NMDA)
//             - g_GABA_A (V - E_GABA_A) - g_GABA_B (V - E_GABA_B)
//   tau_w dw/dt = a (V - E_L) - w ;   V >= V_peak: spike, V <- V_reset, w <- w + b
// Integrator: classic fixed-step RK4 for (V, w) as adex_cond_exp, with the conductances at the
// RK4 stages taken from their exact propagators (t, t + dt/2, t + dt) and B(V) evaluated at
// each stage's V; the exponential term at min(V, V_peak). Then the conductances propagate
// exactly and this step's input is added. While refractory (t_ref > 0) V is clamped at V_reset
// and w relaxes exactly. At most one spike per step.
#include <cmath>

#include "models/math.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/synapses/receptors.hpp"

namespace engram::neurons {

struct adex_cond_nmda {
  static constexpr const char* name = "adex_cond_nmda";
  static constexpr named_unit ports[] = {{"AMPA", "nS"}, {"NMDA", "nS"}, {"GABA_A", "nS"}, {"GABA_B", "nS"}};
  static constexpr int n_ports = 4;

  // AdEx defaults as adex_cond_exp (Brette & Gerstner 2005; NEST aeif_cond_exp, Brian2 example).
  struct params : receptors::four_receptor_params {
    double C_m = 281.0;      // pF
    double g_L = 30.0;       // nS
    double E_L = -70.6;      // mV
    double V_T = -50.4;      // mV
    double Delta_T = 2.0;    // mV
    double tau_w = 144.0;    // ms
    double a = 4.0;          // nS
    double b = 80.5;         // pA
    double V_reset = -70.6;  // mV
    double V_peak = -40.4;   // mV (V_T + 5 Delta_T)
    double t_ref = 0.0;      // ms
    double I_e = 0.0;        // pA
  };
  static constexpr param_field<params> own_params[] = {
      {"C_m", "pF", &params::C_m},         {"g_L", "nS", &params::g_L},         {"E_L", "mV", &params::E_L},
      {"V_T", "mV", &params::V_T},         {"Delta_T", "mV", &params::Delta_T}, {"tau_w", "ms", &params::tau_w},
      {"a", "nS", &params::a},             {"b", "pA", &params::b},             {"V_reset", "mV", &params::V_reset},
      {"V_peak", "mV", &params::V_peak},   {"t_ref", "ms", &params::t_ref},     {"I_e", "pA", &params::I_e}};
  static constexpr auto param_table =
      join_tables(own_params, receptors::receptor_fields<params, param_field<params>>::table);

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
    real C_m, g_L, E_L, V_T, Delta_T, inv_Delta_T, inv_tau_w, a, b, V_reset, V_peak, I_e;
    real h;    // dt, ms
    real P_w;  // exp(-dt/tau_w)
    receptors::four_receptor_derived rec, rec_half;  // propagators over dt and dt/2
    real ref_steps;
  };

  static derived derive(const params& p, double dt) {
    derived d{};
    d.C_m = static_cast<real>(p.C_m);
    d.g_L = static_cast<real>(p.g_L);
    d.E_L = static_cast<real>(p.E_L);
    d.V_T = static_cast<real>(p.V_T);
    d.Delta_T = static_cast<real>(p.Delta_T);
    d.inv_Delta_T = static_cast<real>(1.0 / p.Delta_T);
    d.inv_tau_w = static_cast<real>(1.0 / p.tau_w);
    d.a = static_cast<real>(p.a);
    d.b = static_cast<real>(p.b);
    d.V_reset = static_cast<real>(p.V_reset);
    d.V_peak = static_cast<real>(p.V_peak);
    d.I_e = static_cast<real>(p.I_e);
    d.h = static_cast<real>(dt);
    d.P_w = static_cast<real>(math::exp(-dt / p.tau_w));
    d.rec = receptors::derive_four_receptors(p, dt);
    d.rec_half = receptors::derive_four_receptors(p, 0.5 * dt);
    d.ref_steps = static_cast<real>(to_steps(p.t_ref, dt));
    return d;
  }

  static void check(const params& p, param_check& c) {
    c.require(p.C_m > 0, "C_m", "must be > 0 pF");
    c.require(p.g_L > 0, "g_L", "must be > 0 nS");
    c.require(p.Delta_T > 0, "Delta_T", "must be > 0 mV");
    c.require(p.tau_w > 0, "tau_w", "must be > 0 ms");
    c.require(p.t_ref >= 0, "t_ref", "must be >= 0 ms");
    c.require(p.V_peak > p.V_T, "V_peak", "must be above V_T");
    c.require(p.V_reset < p.V_peak, "V_reset", "must be below V_peak");
    receptors::check_four_receptors(p, c);
  }

  static state initial(const params& p) { return {static_cast<real>(p.E_L), 0, {}, 0}; }

  // Right-hand side: dV/dt (mV/ms) and dw/dt (pA/ms) with conductances g.
  ENGRAM_HOST_DEVICE static void rhs(const derived& d, real v, real w, const receptors::conductances& g, real i_in,
                                     real& dv, real& dw) {
    const real v_cap = math::minf(v, d.V_peak);
    const real spike_current = d.g_L * d.Delta_T * math::expf((v_cap - d.V_T) * d.inv_Delta_T);
    dv = (-d.g_L * (v - d.E_L) + spike_current - w + receptors::synaptic_current(g, d.rec, v) + i_in) / d.C_m;
    dw = (d.a * (v - d.E_L) - w) * d.inv_tau_w;
  }

  ENGRAM_HOST_DEVICE static bool update(state& s, const derived& d, const real* in, real i_stim) {
    bool spiked = false;
    const real i_in = d.I_e + i_stim;
    if (s.refractory > 0) {
      s.refractory -= 1;
      s.v = d.V_reset;
      const real w_inf = d.a * (d.V_reset - d.E_L);
      s.w = w_inf + (s.w - w_inf) * d.P_w;
    } else {
      const receptors::conductances g0 = s.g;
      const receptors::conductances g1 = receptors::advanced(g0, d.rec_half);
      const receptors::conductances g2 = receptors::advanced(g0, d.rec);
      const real h = d.h, hh = real(0.5) * d.h;
      real k1v, k1w, k2v, k2w, k3v, k3w, k4v, k4w;
      rhs(d, s.v, s.w, g0, i_in, k1v, k1w);
      rhs(d, s.v + hh * k1v, s.w + hh * k1w, g1, i_in, k2v, k2w);
      rhs(d, s.v + hh * k2v, s.w + hh * k2w, g1, i_in, k3v, k3w);
      rhs(d, s.v + h * k3v, s.w + h * k3w, g2, i_in, k4v, k4w);
      s.v = s.v + h / real(6) * (k1v + real(2) * k2v + real(2) * k3v + k4v);
      s.w = s.w + h / real(6) * (k1w + real(2) * k2w + real(2) * k3w + k4w);
      if (s.v >= d.V_peak) {
        s.v = d.V_reset;
        s.w += d.b;
        s.refractory = d.ref_steps;
        spiked = true;
      }
    }
    receptors::receive(s.g, d.rec, in);
    return spiked;
  }
};

}  // namespace engram::neurons
