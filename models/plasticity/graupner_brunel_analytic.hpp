#pragma once
// Host-only analytic reduction of the Graupner & Brunel (2012) rule (science dossier M3.2,
// M4.2; protocols P-UNIT-4, P-STDP-2, P-STDP-3, P-META-1). It is the reference the simulated
// rule is tested against, following the authors' own method [code: mgraupe/
// CalciumBasedPlasticityModel timeAboveThreshold.py::spikePairFrequency,
// synapticChange.py::changeInSynapticStrength]: the calcium is piecewise exponential, so the
// time it spends above a threshold is exact, and during a periodic protocol rho sees constant
// average rates (the cubic CaMKII term is neglected), an Ornstein-Uhlenbeck process whose
// UP/DOWN transition probabilities are error functions.
//
// Units: times in ms, frequencies in Hz (converted with 1000 ms/s), calcium dimensionless.
// The paper works in s; only the ratios T/tau and Delta t/tau_Ca enter, so ms throughout is
// the same computation.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "models/plasticity/graupner_brunel.hpp"

namespace engram::plasticity::gb_analytic {

using params = graupner_brunel::params;

// One calcium jump: time (ms; a phase in [0, period) for periodic protocols) and amplitude.
struct jump {
  double t;
  double amp;
};

// Fractions of time (of one period) the calcium spends above theta_d and theta_p.
struct fractions {
  double alpha_d;
  double alpha_p;
};

// Time (ms) above theta within an interval of length len (ms) that starts at c0 with pure
// decay: min(len, tau_Ca ln(c0/theta)) if c0 > theta (M3.2, exact).
inline double interval_time_above(double c0, double theta, double len, double tau_Ca) {
  if (!(c0 > theta)) return 0.0;
  return std::min(len, tau_Ca * std::log(c0 / theta));
}

// Exact time (ms) above theta for a finite list of jumps starting from c = 0, with the
// calcium decaying forever after the last jump.
inline double time_above(std::vector<jump> jumps, double theta, double tau_Ca) {
  std::stable_sort(jumps.begin(), jumps.end(), [](const jump& a, const jump& b) { return a.t < b.t; });
  double c = 0.0, total = 0.0;
  for (std::size_t i = 0; i < jumps.size(); ++i) {
    c += jumps[i].amp;
    const double len = i + 1 < jumps.size() ? jumps[i + 1].t - jumps[i].t
                                            : std::numeric_limits<double>::infinity();
    total += interval_time_above(c, theta, len, tau_Ca);
    if (i + 1 < jumps.size()) c *= std::exp(-len / tau_Ca);
  }
  return total;
}

// The two calcium jumps of one pre/post pair with t_pre = 0 and t_post = dt_ms: the NMDA jump
// arrives D late and is scaled by kappa_NMDA (M3.2, P-META-1).
inline std::vector<jump> pair_jumps(const params& p, double dt_ms) {
  return {{p.D, p.C_pre * p.kappa_NMDA}, {dt_ms, p.C_post}};
}

// Time (ms) above theta for ONE isolated pair, dt_ms = t_post - t_pre (P-UNIT-4).
inline double pair_time_above(const params& p, double dt_ms, double theta) {
  return time_above(pair_jumps(p, dt_ms), theta, p.tau_Ca);
}

// Periodic steady state of jumps repeated every period_ms (calcium carried over from all
// earlier periods): just after jump i, c_i = sum_j amp_j e^{-lag_ij/tau_Ca} / (1 - e^{-T/tau_Ca}),
// lag_ij = (t_i - t_j) mod T in [0, T) -- the geometric series of timeAboveThreshold.py.
// Returns the fraction of the period spent above theta.
inline double periodic_fraction_above(std::vector<jump> jumps, double period_ms, double theta,
                                      double tau_Ca) {
  for (auto& j : jumps) j.t -= period_ms * std::floor(j.t / period_ms);  // phases in [0, T)
  std::stable_sort(jumps.begin(), jumps.end(), [](const jump& a, const jump& b) { return a.t < b.t; });
  const double carry = 1.0 / (1.0 - std::exp(-period_ms / tau_Ca));  // sum_k e^{-kT/tau_Ca}
  double total = 0.0;
  for (std::size_t i = 0; i < jumps.size(); ++i) {
    double c = 0.0;
    for (const auto& j : jumps) {
      // Jumps later in the period act from the previous period; coincident jumps (lag 0)
      // are all counted, and the zero-length interval between them adds nothing.
      const double lag = j.t <= jumps[i].t ? jumps[i].t - j.t : jumps[i].t - j.t + period_ms;
      c += j.amp * std::exp(-lag / tau_Ca);
    }
    c *= carry;
    const double next = i + 1 < jumps.size() ? jumps[i + 1].t : jumps[0].t + period_ms;
    total += interval_time_above(c, theta, next - jumps[i].t, tau_Ca);
  }
  return total / period_ms;
}

// alpha_d, alpha_p for pre/post pairs (t_post - t_pre = dt_ms) repeated at f_hz, steady state
// (P-STDP-2, P-STDP-3; timeAboveThreshold.spikePairFrequency).
inline fractions pair_fractions(const params& p, double dt_ms, double f_hz) {
  const double T = 1000.0 / f_hz;
  const auto j = pair_jumps(p, dt_ms);
  return {periodic_fraction_above(j, T, p.theta_d, p.tau_Ca),
          periodic_fraction_above(j, T, p.theta_p, p.tau_Ca)};
}

// alpha_d, alpha_p for a regular presynaptic-only train at f_hz, steady state (P-META-1).
inline fractions pre_train_fractions(const params& p, double f_hz) {
  const double T = 1000.0 / f_hz;
  const std::vector<jump> j = {{p.D, p.C_pre * p.kappa_NMDA}};
  return {periodic_fraction_above(j, T, p.theta_d, p.tau_Ca),
          periodic_fraction_above(j, T, p.theta_p, p.tau_Ca)};
}

// Index (1-based) of the first spike of a regular presynaptic train at f_hz, starting from
// c = 0, after which the calcium exceeds theta; 0 if none within max_spikes. Event-driven, so
// it checks the closed form of lti_onset_frequency independently (P-META-1).
inline int pre_train_first_crossing(const params& p, double f_hz, double theta, int max_spikes) {
  const double decay = std::exp(-1000.0 / (f_hz * p.tau_Ca));
  double c = 0.0;
  for (int n = 1; n <= max_spikes; ++n) {
    c = c * decay + p.C_pre * p.kappa_NMDA;  // peak right after spike n
    if (c > theta) return n;
  }
  return 0;
}

// Probability that a synapse starting at rho0 (0 or 1) ends on the other side of rho_star
// after T_ms, for the OU process with mean rho_bar, stationary variance sigma_rho2 and time
// constant tau_eff_ms (synapticChange.transitionProbability).
inline double transition_probability(const params& p, double rho0, double rho_bar,
                                     double sigma_rho2, double tau_eff_ms, double T_ms) {
  const double decay = std::exp(-T_ms / tau_eff_ms);
  const double x = -(p.rho_star - rho_bar + (rho_bar - rho0) * decay) /
                   std::sqrt(sigma_rho2 * (1.0 - decay * decay));
  return rho0 == 0.0 ? 0.5 * (1.0 + std::erf(x)) : 0.5 * (1.0 - std::erf(x));
}

// Population "change in synaptic strength" (after / before) for a protocol of duration T_ms
// with fractions alpha_d, alpha_p above theta_d, theta_p (M4.2). beta synapses start DOWN
// (rho = 0), 1 - beta UP; b = w_UP / w_DOWN. Calcium never above theta_d: exactly 1 (the
// authors' formula is 0/0 there).
inline double change_in_synaptic_strength(const params& p, double alpha_d, double alpha_p,
                                          double T_ms) {
  const double gamma_p = p.gamma_p * alpha_p, gamma_d = p.gamma_d * alpha_d;
  const double rate = gamma_p + gamma_d;
  if (!(rate > 0.0)) return 1.0;
  const double rho_bar = gamma_p / rate;
  const double sigma_rho2 = (alpha_p + alpha_d) * p.sigma * p.sigma / rate;
  const double tau_eff = p.tau / rate;  // ms, as p.tau
  const double up = transition_probability(p, 0.0, rho_bar, sigma_rho2, tau_eff, T_ms);
  const double down = transition_probability(p, 1.0, rho_bar, sigma_rho2, tau_eff, T_ms);
  const double beta = p.beta, b = p.b;
  return (beta * (1.0 - up) + (1.0 - beta) * down + b * (beta * up + (1.0 - beta) * (1.0 - down))) /
         (beta + (1.0 - beta) * b);
}

// Change after n_pairs pre/post pairs (t_post - t_pre = dt_ms) at f_hz; protocol duration
// n_pairs / f (the authors' N * interval).
inline double stdp_change(const params& p, double dt_ms, double f_hz, int n_pairs) {
  const fractions a = pair_fractions(p, dt_ms, f_hz);
  return change_in_synaptic_strength(p, a.alpha_d, a.alpha_p, n_pairs * 1000.0 / f_hz);
}

// Lowest frequency (Hz) of a regular presynaptic train whose calcium reaches theta:
// C/(1 - e^{-1/(f tau_Ca)}) = theta, C = C_pre kappa_NMDA (P-META-1). 0 if one spike already
// crosses theta; infinity if there is no presynaptic calcium.
inline double lti_onset_frequency(const params& p, double theta) {
  const double c = p.C_pre * p.kappa_NMDA;
  if (c >= theta) return 0.0;
  if (!(c > 0.0)) return std::numeric_limits<double>::infinity();
  return -1000.0 / (p.tau_Ca * std::log(1.0 - c / theta));
}

}  // namespace engram::plasticity::gb_analytic
