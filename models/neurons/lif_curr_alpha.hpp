#pragma once
// Current-based LIF with alpha-shaped synaptic currents (NEST iaf_psc_alpha; the neuron of the
// Morrison et al. 2007 STDP benchmark and NEST's hpc_benchmark).
//   C dV/dt = -(C/tau_m)(V - E_L) + I_exc + I_inh + I_e + I_stim
//   I_x(t) = w (e / tau_syn_x) t e^{-t/tau_syn_x} after an arrival: the current peaks at w (pA)
//            tau_syn_x after it (inhibitory weights negative)
// as the linear system dJ/dt = -J/tau_s, dI/dt = J - I/tau_s with J += w e / tau_s at an
// arrival. Exact integration with propagators computed once on the host (Rotter & Diesmann
// 1999), in NEST's order: V is advanced with the currents at the start of the step, then the
// currents and this step's input (input affects V from the next step on). While refractory V
// is clamped at V_reset; the currents keep evolving.
#include <cmath>

#include "models/neurons/lif_curr_exp.hpp"
#include "models/neurons/neuron_common.hpp"

namespace engram::neurons {

struct lif_curr_alpha {
  static constexpr const char* name = "lif_curr_alpha";
  static constexpr named_unit ports[] = {{"exc", "pA"}, {"inh", "pA"}};
  static constexpr int n_ports = 2;

  // lif_curr_exp's parameters (tau_syn: the time of the current's peak) with NEST
  // iaf_psc_alpha's defaults.
  struct params : lif_curr_exp::params {
    params() { E_L = -70.0, V_th = -55.0, V_reset = -70.0, tau_syn_exc = 2.0, tau_syn_inh = 2.0; }
  };
  static constexpr auto param_table = rebase_table<params>(lif_curr_exp::param_table);

  struct state {
    real v;       // mV
    real i_exc;   // pA
    real di_exc;  // pA/ms (J)
    real i_inh;   // pA
    real di_inh;  // pA/ms
    real refractory;  // steps left
  };
  static constexpr named_unit state_table[] = {{"v", "mV"},      {"i_exc", "pA"},     {"di_exc", "pA/ms"},
                                               {"i_inh", "pA"},  {"di_inh", "pA/ms"}, {"refractory", "steps"}};

  struct synapse {  // propagators of one alpha port
    real P11;   // exp(-h/tau_s): J -> J and I -> I
    real P21;   // h exp(-h/tau_s): J -> I
    real P31;   // J -> V, mV per (pA/ms)
    real P32;   // I -> V, mV per pA
    real jump;  // e / tau_s: J per unit weight
  };
  // lif_curr_exp's membrane propagators (E_L, V_th, V_reset, I_e, P22 = exp(-h/tau_m),
  // P20, ref_steps; its exponential-current terms are unused) plus the alpha ports.
  struct derived : lif_curr_exp::derived {
    synapse exc, inh;
  };

  // J(0) = 1 pA/ms, I(0) = 0: V after h is (1/C) int_0^h e^{-(h-s)/tau_m} s e^{-s/tau_s} ds
  // = (e^{-h/tau_m}/C) (h k e^{hk} - expm1(hk)) / k^2 with k = 1/tau_m - 1/tau_s; a series
  // where hk is small (the closed form cancels; NEST handles the same singularity).
  static double propagator_31(double tau_s, double tau_m, double C, double h) {
    const double k = 1.0 / tau_m - 1.0 / tau_s, x = h * k;
    const double scaled = std::fabs(x) < 1e-3 ? h * h * (0.5 + x / 3.0 + x * x / 8.0)
                                              : (x * std::exp(x) - std::expm1(x)) / (k * k);
    return std::exp(-h / tau_m) / C * scaled;
  }
  static synapse make_synapse(double tau_s, const params& p, double h) {
    return {static_cast<real>(std::exp(-h / tau_s)), static_cast<real>(h * std::exp(-h / tau_s)),
            static_cast<real>(propagator_31(tau_s, p.tau_m, p.C_m, h)),
            static_cast<real>(lif_curr_exp::propagator_32(tau_s, p.tau_m, p.C_m, h)),
            static_cast<real>(std::exp(1.0) / tau_s)};
  }

  static derived derive(const params& p, double dt) {
    derived d{};
    static_cast<lif_curr_exp::derived&>(d) = lif_curr_exp::derive(p, dt);
    d.exc = make_synapse(p.tau_syn_exc, p, dt);
    d.inh = make_synapse(p.tau_syn_inh, p, dt);
    return d;
  }

  static void check(const params& p, param_check& c) { lif_curr_exp::check(p, c); }

  static state initial(const params& p) { return {static_cast<real>(p.E_L), 0, 0, 0, 0, 0}; }

  // One port's current over a step: I <- P21 J + P11 I, J <- P11 J + this step's input.
  ENGRAM_HOST_DEVICE static void advance_current(real& i, real& di, const synapse& y, real input) {
    i = y.P21 * di + y.P11 * i;
    di = di * y.P11 + input * y.jump;
  }

  ENGRAM_HOST_DEVICE static bool update(state& s, const derived& d, const real* in, real i_stim) {
    bool spiked = false;
    if (s.refractory > 0) {
      s.refractory -= 1;
      s.v = d.V_reset;
    } else {
      // Small terms first, E_L last: one rounding at the scale of |V| (see lif_delta.hpp).
      s.v = d.E_L + ((s.v - d.E_L) * d.P22 + (d.I_e + i_stim) * d.P20 + (s.di_exc * d.exc.P31 + s.i_exc * d.exc.P32) +
                     (s.di_inh * d.inh.P31 + s.i_inh * d.inh.P32));
      if (s.v >= d.V_th) {
        s.v = d.V_reset;
        s.refractory = d.ref_steps;
        spiked = true;
      }
    }
    advance_current(s.i_exc, s.di_exc, d.exc, in[0]);
    advance_current(s.i_inh, s.di_inh, d.inh, in[1]);
    return spiked;
  }
};

}  // namespace engram::neurons
