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

}  // namespace engram::receptors
