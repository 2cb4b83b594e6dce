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

}  // namespace engram::receptors
