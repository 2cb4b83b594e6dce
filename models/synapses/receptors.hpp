#pragma once
// Receptor kinetics shared by the conductance-based neuron models and the calcium models
// (science dossier M2). Host and device.
//   NMDA Mg2+ block (Jahr & Stevens 1990): B(V) = 1 / (1 + exp(-0.062 V) [Mg2+] / 3.57),
//   V in mV, [Mg2+] in mM.
//   Dual exponential conductance g(t) = w N (exp(-t/tau_d) - exp(-t/tau_r)), normalised so
//   that its peak equals w: t_peak = tau_d tau_r ln(tau_d/tau_r) / (tau_d - tau_r),
//   N = 1 / (exp(-t_peak/tau_d) - exp(-t_peak/tau_r)).
#include "engram/config.hpp"
#include "models/math.hpp"

namespace engram::receptors {

// Fraction of NMDA receptors not blocked by Mg2+ at membrane potential v (mV) and
// extracellular [Mg2+] mg (mM). Single precision through engram::math::expf (host = device).
ENGRAM_HOST_DEVICE inline float mg_block(float v, float mg) {
  return 1.0f / (1.0f + math::expf(-0.062f * v) * (mg * (1.0f / 3.57f)));
}

// Double-precision reference of the same formula (host-side checks and analytic tools).
inline double mg_block_exact(double v, double mg) { return 1.0 / (1.0 + math::exp(-0.062 * v) * mg / 3.57); }

// Peak time (ms) of a dual exponential with rise tau_r and decay tau_d (tau_r < tau_d).
inline double dual_exp_peak_time(double tau_r, double tau_d) {
  return tau_d * tau_r * math::log(tau_d / tau_r) / (tau_d - tau_r);
}
// Factor N that makes the dual exponential's peak equal to its weight.
inline double dual_exp_norm(double tau_r, double tau_d) {
  const double tp = dual_exp_peak_time(tau_r, tau_d);
  return 1.0 / (math::exp(-tp / tau_d) - math::exp(-tp / tau_r));
}

// A dual-exponential conductance as a linear pair (g, h): dg/dt = -g/tau_d + h,
// dh/dt = -h/tau_r. A spike of weight w sets h += w N (tau_d - tau_r)/(tau_d tau_r), which
// gives g(t) = w N (exp(-t/tau_d) - exp(-t/tau_r)): peak w at t_peak. Exact propagators
// over a step of dt, computed once on the host.
struct dual_exp_propagator {
  float P_d, P_r;  // exp(-dt/tau_d), exp(-dt/tau_r)
  float coupling;  // g gained per unit h over one step: tau_d tau_r/(tau_d - tau_r) (P_d - P_r)
  float jump;      // h per unit weight: N (tau_d - tau_r)/(tau_d tau_r)
};
inline dual_exp_propagator make_dual_exp(double tau_r, double tau_d, double dt) {
  const double pd = math::exp(-dt / tau_d), pr = math::exp(-dt / tau_r);
  dual_exp_propagator p{};
  p.P_d = static_cast<float>(pd);
  p.P_r = static_cast<float>(pr);
  p.coupling = static_cast<float>(tau_d * tau_r / (tau_d - tau_r) * (pd - pr));
  p.jump = static_cast<float>(dual_exp_norm(tau_r, tau_d) * (tau_d - tau_r) / (tau_d * tau_r));
  return p;
}
// One step: propagate (g, h) exactly, then add this step's input w (weight units).
ENGRAM_HOST_DEVICE inline void dual_exp_step(float& g, float& h, const dual_exp_propagator& p, float w) {
  g = g * p.P_d + h * p.coupling;
  h = h * p.P_r + w * p.jump;
}

// ---- The four receptors of the dossier (M2) as used by the conductance neurons ----
// (lif_cond_nmda, adex_cond_nmda): AMPA and GABA_A single exponential, NMDA and GABA_B dual
// exponential; NMDA blocked by Mg2+ and, as pharmacology, by an antagonist fraction.
struct four_receptor_params {
  double E_AMPA = 0.0;             // mV
  double tau_AMPA = 2.0;           // ms (Brunel & Wang 2001)
  double E_NMDA = 0.0;             // mV
  double tau_NMDA_rise = 2.0;      // ms (Brunel & Wang 2001 time constants, linear form)
  double tau_NMDA_decay = 100.0;   // ms
  double Mg = 1.0;                 // mM, extracellular [Mg2+]
  double NMDA_block = 0.0;         // fraction of NMDA receptors blocked by an antagonist, 0..1
  double E_GABA_A = -70.0;         // mV (Brunel & Wang 2001)
  double tau_GABA_A = 10.0;        // ms
  double E_GABA_B = -90.0;         // mV (Hill & Tononi 2005)
  double tau_GABA_B_rise = 60.0;   // ms
  double tau_GABA_B_decay = 200.0; // ms
};
// Entries of a neuron's param_table for the receptor parameters (Params derives from
// four_receptor_params).
template <class Params, class Field>
struct receptor_fields {
  static constexpr Field table[] = {
      {"E_AMPA", "mV", &Params::E_AMPA},
      {"tau_AMPA", "ms", &Params::tau_AMPA},
      {"E_NMDA", "mV", &Params::E_NMDA},
      {"tau_NMDA_rise", "ms", &Params::tau_NMDA_rise},
      {"tau_NMDA_decay", "ms", &Params::tau_NMDA_decay},
      {"Mg", "mM", &Params::Mg},
      {"NMDA_block", "1", &Params::NMDA_block},
      {"E_GABA_A", "mV", &Params::E_GABA_A},
      {"tau_GABA_A", "ms", &Params::tau_GABA_A},
      {"E_GABA_B", "mV", &Params::E_GABA_B},
      {"tau_GABA_B_rise", "ms", &Params::tau_GABA_B_rise},
      {"tau_GABA_B_decay", "ms", &Params::tau_GABA_B_decay}};
};

template <class Check>
void check_four_receptors(const four_receptor_params& p, Check& c) {
  c.require(p.tau_AMPA > 0, "tau_AMPA", "must be > 0 ms");
  c.require(p.tau_GABA_A > 0, "tau_GABA_A", "must be > 0 ms");
  c.require(p.tau_NMDA_rise > 0, "tau_NMDA_rise", "must be > 0 ms");
  c.require(p.tau_NMDA_rise < p.tau_NMDA_decay, "tau_NMDA_rise", "must be < tau_NMDA_decay");
  c.require(p.tau_GABA_B_rise > 0, "tau_GABA_B_rise", "must be > 0 ms");
  c.require(p.tau_GABA_B_rise < p.tau_GABA_B_decay, "tau_GABA_B_rise", "must be < tau_GABA_B_decay");
  c.require(p.Mg >= 0, "Mg", "must be >= 0 mM");
  c.require(p.NMDA_block >= 0 && p.NMDA_block <= 1, "NMDA_block", "must lie in [0, 1] (fraction of NMDA receptors blocked)");
}

// The receptors' conductances, part of a neuron's state (nS; h_* in nS/ms: rising phases).
struct conductances {
  float g_AMPA, g_NMDA, h_NMDA, g_GABA_A, g_GABA_B, h_GABA_B;
};

struct four_receptor_derived {
  float E_AMPA, E_NMDA, E_GABA_A, E_GABA_B;
  float P_AMPA, P_GABA_A;  // exp(-dt/tau) over one step
  dual_exp_propagator nmda, gaba_b;
  float mg, nmda_open;     // [Mg2+] (mM); 1 - NMDA_block
};
// Propagators over `step` ms (a whole step, or half of one for RK4 midpoints).
inline four_receptor_derived derive_four_receptors(const four_receptor_params& p, double step) {
  four_receptor_derived d{};
  d.E_AMPA = static_cast<float>(p.E_AMPA);
  d.E_NMDA = static_cast<float>(p.E_NMDA);
  d.E_GABA_A = static_cast<float>(p.E_GABA_A);
  d.E_GABA_B = static_cast<float>(p.E_GABA_B);
  d.P_AMPA = static_cast<float>(math::exp(-step / p.tau_AMPA));
  d.P_GABA_A = static_cast<float>(math::exp(-step / p.tau_GABA_A));
  d.nmda = make_dual_exp(p.tau_NMDA_rise, p.tau_NMDA_decay, step);
  d.gaba_b = make_dual_exp(p.tau_GABA_B_rise, p.tau_GABA_B_decay, step);
  d.mg = static_cast<float>(p.Mg);
  d.nmda_open = static_cast<float>(1.0 - p.NMDA_block);
  return d;
}
// The conductances `step` later without input (exact), e.g. at an RK4 midpoint.
ENGRAM_HOST_DEVICE inline conductances advanced(const conductances& g, const four_receptor_derived& d) {
  conductances a = g;
  a.g_AMPA = g.g_AMPA * d.P_AMPA;
  dual_exp_step(a.g_NMDA, a.h_NMDA, d.nmda, 0.0f);
  a.g_GABA_A = g.g_GABA_A * d.P_GABA_A;
  dual_exp_step(a.g_GABA_B, a.h_GABA_B, d.gaba_b, 0.0f);
  return a;
}
// One step: propagate exactly, then add this step's input (ports AMPA, NMDA, GABA_A, GABA_B).
ENGRAM_HOST_DEVICE inline void receive(conductances& g, const four_receptor_derived& d, const float* in) {
  g.g_AMPA = g.g_AMPA * d.P_AMPA + in[0];
  dual_exp_step(g.g_NMDA, g.h_NMDA, d.nmda, in[1]);
  g.g_GABA_A = g.g_GABA_A * d.P_GABA_A + in[2];
  dual_exp_step(g.g_GABA_B, g.h_GABA_B, d.gaba_b, in[3]);
}
// Effective NMDA conductance at membrane potential v (Mg2+ block and antagonist applied).
ENGRAM_HOST_DEVICE inline float nmda_conductance(const conductances& g, const four_receptor_derived& d, float v) {
  return g.g_NMDA * d.nmda_open * mg_block(v, d.mg);
}
// Synaptic current into the cell at v (pA): -sum_x g_x B_x(v) (v - E_x).
ENGRAM_HOST_DEVICE inline float synaptic_current(const conductances& g, const four_receptor_derived& d, float v) {
  return -(g.g_AMPA * (v - d.E_AMPA) + nmda_conductance(g, d, v) * (v - d.E_NMDA) + g.g_GABA_A * (v - d.E_GABA_A) +
           g.g_GABA_B * (v - d.E_GABA_B));
}

}  // namespace engram::receptors
