#pragma once
// The AdEx membrane and adaptation (Brette & Gerstner 2005), shared by adex_cond_exp and
// adex_cond_nmda, which differ only in their receptors:
//   C dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T)/Delta_T) - w + I_syn(V, t) + I_e + I_stim
//   tau_w dw/dt = a (V - E_L) - w ;   V >= V_peak: spike, V <- V_reset, w <- w + b
// Integrator: classic fixed-step RK4 for (V, w); the model supplies I_syn at the three RK4
// times (stage 0: t, 1: t + dt/2, 2: t + dt) from its exactly propagated conductances; the
// exponential term is evaluated at min(V, V_peak) as NEST does, so V stays finite inside a step.
// While refractory (t_ref > 0) V is clamped at V_reset and w relaxes exactly. At most one spike
// per step.
#include "models/math.hpp"
#include "models/neurons/neuron_common.hpp"

namespace engram::neurons {

// Defaults: NEST aeif_cond_exp; Brian2 examples/frompapers/Brette_Gerstner_2005.py [code].
struct adex_membrane_params {
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

template <class Params, class Field>
struct adex_membrane_fields {
  static constexpr Field table[] = {
      {"C_m", "pF", &Params::C_m},       {"g_L", "nS", &Params::g_L},         {"E_L", "mV", &Params::E_L},
      {"V_T", "mV", &Params::V_T},       {"Delta_T", "mV", &Params::Delta_T}, {"tau_w", "ms", &Params::tau_w},
      {"a", "nS", &Params::a},           {"b", "pA", &Params::b},             {"V_reset", "mV", &Params::V_reset},
      {"V_peak", "mV", &Params::V_peak}, {"t_ref", "ms", &Params::t_ref},     {"I_e", "pA", &Params::I_e}};
};

struct adex_membrane {
  real C_m, g_L, E_L, V_T, Delta_T, inv_Delta_T, inv_tau_w, a, b, V_reset, V_peak, I_e;
  real h;    // dt, ms
  real P_w;  // exp(-dt/tau_w)
  real ref_steps;

  static adex_membrane make(const adex_membrane_params& p, double dt) {
    adex_membrane d{};
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
    d.ref_steps = static_cast<real>(to_steps(p.t_ref, dt));
    return d;
  }

  template <class Check>
  static void check(const adex_membrane_params& p, Check& c) {
    c.require(p.C_m > 0, "C_m", "must be > 0 pF");
    c.require(p.g_L > 0, "g_L", "must be > 0 nS");
    c.require(p.Delta_T > 0, "Delta_T", "must be > 0 mV");
    c.require(p.tau_w > 0, "tau_w", "must be > 0 ms");
    c.require(p.t_ref >= 0, "t_ref", "must be >= 0 ms");
    c.require(p.V_peak > p.V_T, "V_peak", "must be above V_T");
    c.require(p.V_reset < p.V_peak, "V_reset", "must be below V_peak");
  }

  // dV/dt (mV/ms) and dw/dt (pA/ms) given the synaptic current i_syn (pA) at v.
  ENGRAM_HOST_DEVICE void rhs(real v, real w, real i_syn, real i_in, real& dv, real& dw) const {
    const real v_cap = math::minf(v, V_peak);
    const real spike_current = g_L * Delta_T * math::expf((v_cap - V_T) * inv_Delta_T);
    dv = (-g_L * (v - E_L) + spike_current - w + i_syn + i_in) / C_m;
    dw = (a * (v - E_L) - w) * inv_tau_w;
  }

  // One step of (V, w, refractory); i_syn(stage, v) is the synaptic current at RK4 stage time
  // 0 (t), 1 (t + dt/2) or 2 (t + dt). Returns true on a spike.
  template <class Isyn>
  ENGRAM_HOST_DEVICE bool step(real& v, real& w, real& refractory, real i_stim, const Isyn& i_syn) const {
    const real i_in = I_e + i_stim;
    if (refractory > 0) {
      refractory -= 1;
      v = V_reset;
      const real w_inf = a * (V_reset - E_L);
      w = w_inf + (w - w_inf) * P_w;
      return false;
    }
    const real hh = real(0.5) * h;
    real k1v, k1w, k2v, k2w, k3v, k3w, k4v, k4w;
    rhs(v, w, i_syn(0, v), i_in, k1v, k1w);
    const real v2 = v + hh * k1v, w2 = w + hh * k1w;
    rhs(v2, w2, i_syn(1, v2), i_in, k2v, k2w);
    const real v3 = v + hh * k2v, w3 = w + hh * k2w;
    rhs(v3, w3, i_syn(1, v3), i_in, k3v, k3w);
    const real v4 = v + h * k3v, w4 = w + h * k3w;
    rhs(v4, w4, i_syn(2, v4), i_in, k4v, k4w);
    v = v + h / real(6) * (k1v + real(2) * k2v + real(2) * k3v + k4v);
    w = w + h / real(6) * (k1w + real(2) * k2w + real(2) * k3w + k4w);
    if (v >= V_peak) {
      v = V_reset;
      w += b;
      refractory = ref_steps;
      return true;
    }
    return false;
  }
};

}  // namespace engram::neurons
