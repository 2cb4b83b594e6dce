#pragma once
// Graupner & Brunel (2012, PNAS 109:3991) calcium-based bistable synapse, the engram default
// calcium rule and its CaMKII switch (science dossier M3.2, M4.2, M5).
//
//   c(t): dc/dt = -c/tau_Ca;  c += C_pre kappa_NMDA at t_pre + D;  c += C_post at t_post
//   tau drho/dt = -rho (1 - rho)(rho_star - rho)                      (CaMKII autophosphorylation)
//                 + gamma_p (1 - rho) H[c - theta_p] - gamma_d rho H[c - theta_d]
//                 + sigma sqrt(tau) sqrt(H[c - theta_d] + H[c - theta_p]) xi(t)
//   efficacy w = w0 (1 + (b - 1) rho)       (w0: the projection's weight = the DOWN state)
//
// T286A-like mutant (camkii_autophosphorylation = 0, an engram modelling choice, M5): the
// cubic term is replaced by -rho, so rho relaxes to 0 after the calcium is gone.
//
// c is linear in the spikes, so it is the sum of a presynaptic trace (per presynaptic
// neuron, delayed by D) and a postsynaptic trace (per postsynaptic neuron): no per-synapse
// calcium array is needed, only rho. Integrator (docs/models.md): the traces decay exactly
// each step and jump at spikes; the calcium-gated terms and the noise are integrated each step
// with Euler-Maruyama on the start-of-step calcium (threshold crossing times are resolved to
// one step); the calcium-free drift (cubic or -rho) every `drift_dt` with explicit Euler,
// because one step's drift (< 4e-8 at dt = 0.1 ms, tau = 150 s) is below float resolution.
#include <cmath>
#include <cstdint>
#include <string>

#include "models/math.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/plasticity/rule_common.hpp"

namespace engram::plasticity {

struct graupner_brunel {
  static constexpr const char* name = "graupner_brunel";

  // Defaults: the DP set of GB2012 Fig. 2 [code: mgraupe/CalciumBasedPlasticityModel
  // synapticChange.py::choseParameterSet]; other published sets by name in `parameter_set`.
  struct params {
    double tau_Ca = 20.0;        // ms, calcium decay
    double C_pre = 1.0;          // calcium jump per presynaptic spike (dimensionless, as thresholds)
    double C_post = 2.0;         // calcium jump per postsynaptic spike
    double D = 13.7;             // ms, delay of the presynaptic calcium transient after the spike
    double theta_d = 1.0;        // depression threshold
    double theta_p = 1.3;        // potentiation threshold
    double gamma_d = 200.0;      // depression rate (units of 1/tau)
    double gamma_p = 321.808;    // potentiation rate (units of 1/tau)
    double sigma = 2.8284;       // noise amplitude
    double tau = 150000.0;       // ms, time constant of rho (150 s)
    double rho_star = 0.5;       // unstable fixed point between DOWN (0) and UP (1)
    double b = 5.0;              // w_UP / w_DOWN
    double beta = 0.5;           // fraction of synapses starting DOWN (rho = 0); the rest start UP
    double kappa_NMDA = 1.0;     // NMDA/AMPA scale: multiplies C_pre, not the weight (P-META-1)
    double camkii_autophosphorylation = 1.0;  // 1: wild type (bistable); 0: T286A-like mutant
    double drift_dt = 1.0;       // ms, step of the calcium-free drift (multiple of dt)
  };
  static constexpr param_field<params> param_table[] = {
      {"tau_Ca", "ms", &params::tau_Ca},       {"C_pre", "1", &params::C_pre},
      {"C_post", "1", &params::C_post},        {"D", "ms", &params::D},
      {"theta_d", "1", &params::theta_d},      {"theta_p", "1", &params::theta_p},
      {"gamma_d", "1", &params::gamma_d},      {"gamma_p", "1", &params::gamma_p},
      {"sigma", "1", &params::sigma},          {"tau", "ms", &params::tau},
      {"rho_star", "1", &params::rho_star},    {"b", "1", &params::b},
      {"beta", "1", &params::beta},            {"kappa_NMDA", "1", &params::kappa_NMDA},
      {"camkii_autophosphorylation", "1", &params::camkii_autophosphorylation},
      {"drift_dt", "ms", &params::drift_dt}};

  // Published parameter sets (M4.2 table); false if the name is unknown.
  static bool parameter_set(const std::string& set, params& p) {
    struct row {
      const char* name;
      double tau_Ca, C_pre, C_post, theta_d, theta_p, gamma_d, gamma_p, sigma, tau_s, D, beta, b;
    };
    static constexpr row rows[] = {
        {"DP", 20, 1, 2, 1, 1.3, 200, 321.808, 2.8284, 150, 13.7, 0.5, 5},
        {"DPD", 20, 0.9, 0.9, 1, 1.3, 250, 550, 2.8284, 150, 4.6, 0.5, 5},
        {"DPD'", 20, 1, 2, 1, 2.5, 50, 600, 2.8284, 150, 2.2, 0.5, 5},
        {"P", 20, 2, 2, 1, 1.3, 160, 257.447, 2.8284, 150, 0, 0.5, 5},
        {"D", 20, 0.6, 0.6, 1, 1.3, 500, 550, 5.6568, 150, 0, 0.5, 5},
        {"D'", 20, 1, 2, 1, 3.5, 60, 600, 2.8284, 150, 0, 0.5, 5},
        {"hippocampal slices", 48.8373, 1, 0.275865, 1, 1.3, 313.0965, 1645.59, 9.1844, 688.355, 18.8008, 0.7, 5.28145},
        {"hippocampal cultures", 11.9536, 0.58156, 1.76444, 1, 1.3, 61.141, 113.6545, 2.5654, 33.7596, 10, 0.5, 36.0263},
        {"cortical slices", 22.6936, 0.5617539, 1.23964, 1, 1.3, 331.909, 725.085, 3.3501, 346.3615, 4.6098, 0.5, 5.40988},
    };
    for (const auto& r : rows) {
      if (set != r.name) continue;
      p = params{};
      p.tau_Ca = r.tau_Ca, p.C_pre = r.C_pre, p.C_post = r.C_post, p.theta_d = r.theta_d;
      p.theta_p = r.theta_p, p.gamma_d = r.gamma_d, p.gamma_p = r.gamma_p, p.sigma = r.sigma;
      p.tau = r.tau_s * 1000.0, p.D = r.D, p.beta = r.beta, p.b = r.b;
      return true;
    }
    return false;
  }
  static constexpr const char* parameter_set_names =
      "DP, DPD, DPD', P, D, D', hippocampal slices, hippocampal cultures, cortical slices";

  static void check(const params& p, double dt, param_check& c) {
    gb_calcium::check(p, dt, c);
    c.require(p.gamma_d >= 0, "gamma_d", "must be >= 0");
    c.require(p.gamma_p >= 0, "gamma_p", "must be >= 0");
    c.require(p.sigma >= 0, "sigma", "must be >= 0");
    c.require(p.tau > 0, "tau", "must be > 0 ms");
    c.require(p.rho_star > 0 && p.rho_star < 1, "rho_star", "must lie in (0, 1)");
    c.require(p.b > 0, "b", "must be > 0 (w_UP / w_DOWN)");
    c.require(p.beta >= 0 && p.beta <= 1, "beta", "must lie in [0, 1]");
    c.require(p.camkii_autophosphorylation == 0 || p.camkii_autophosphorylation == 1,
              "camkii_autophosphorylation", "must be 1 (wild type) or 0 (T286A-like mutant)");
    const double k = p.drift_dt / dt;
    c.require((p.gamma_p + p.gamma_d) * dt / p.tau < 1, "gamma_p",
              "(gamma_p + gamma_d) dt / tau must be < 1 (explicit Euler of the calcium-gated terms)");
    c.require(k <= max_parameter_steps, "drift_dt", "must be at most 2e9 steps");
    c.require(p.drift_dt > 0 && std::fabs(k - std::floor(k + 0.5)) < 1e-9, "drift_dt",
              "must be a positive multiple of dt");
    c.require(p.drift_dt <= 0.01 * p.tau, "drift_dt", "must be at most tau / 100 (explicit Euler)");
  }

  struct derived {
    gb_calcium ca;
    real rate_p, rate_d;  // gamma dt / tau
    real noise;           // sigma sqrt(dt / tau)
    real drift;           // drift_dt / tau
    real rho_star, b_minus_1;
    int mutant;
    std::uint32_t drift_every;  // drift_dt in steps
  };

  static derived derive(const params& p, double dt) {
    derived d{};
    d.ca = gb_calcium::make(p, dt);
    d.rate_p = static_cast<real>(p.gamma_p * dt / p.tau);
    d.rate_d = static_cast<real>(p.gamma_d * dt / p.tau);
    d.noise = static_cast<real>(p.sigma * std::sqrt(dt / p.tau));
    d.drift = static_cast<real>(p.drift_dt / p.tau);
    d.rho_star = static_cast<real>(p.rho_star);
    d.b_minus_1 = static_cast<real>(p.b - 1.0);
    d.mutant = p.camkii_autophosphorylation == 0 ? 1 : 0;
    d.drift_every = static_cast<std::uint32_t>(to_steps(p.drift_dt, dt));
    return d;
  }

  // Per presynaptic neuron: calcium trace of its spikes, D late (units of C_pre).
  struct pre_state {
    real x;
  };
  // Per postsynaptic neuron: calcium trace of its spikes (units of C_post).
  struct post_state {
    real y;
  };
  // Per synapse: the CaMKII / efficacy variable.
  struct state {
    real rho;
  };
  static constexpr named_unit state_table[] = {{"rho", "1"}};

  static state initial(const params& p, double u) { return {u < p.beta ? real(0) : real(1)}; }

  // Trace updates for the step: decay, then this step's (delayed) spike.
  ENGRAM_HOST_DEVICE static void update_pre(pre_state& s, const derived& d, bool arrived) {
    s.x = d.ca.step(s.x, arrived);
  }
  ENGRAM_HOST_DEVICE static void update_post(post_state& s, const derived& d, bool fired) {
    s.y = d.ca.step(s.y, fired);
  }
  ENGRAM_HOST_DEVICE static real calcium(const pre_state& pre, const post_state& post, const derived& d) {
    return d.ca.at(pre.x, post.y);
  }

  ENGRAM_HOST_DEVICE static std::uint32_t delay_steps(const derived& d) { return d.ca.delay_steps; }
  static constexpr bool reads_membrane_potential = false;
  ENGRAM_HOST_DEVICE static std::uint32_t post_delay_steps(const derived&) { return 0; }
  ENGRAM_HOST_DEVICE static void update_post_neuron(post_state& s, const derived& d, bool fired, real) {
    update_post(s, d, fired);
  }
  ENGRAM_HOST_DEVICE static real post_bound(const post_state& s) { return s.y; }
  ENGRAM_HOST_DEVICE static bool drift_due(const derived& d, std::uint64_t t) { return (t + 1) % d.drift_every == 0; }
  ENGRAM_HOST_DEVICE static bool row_quiet(const pre_state& pre, real max_post_y, const derived& d, std::uint64_t t) {
    return !drift_due(d, t) && d.ca.at(pre.x, max_post_y) < d.ca.theta_d;
  }
  // One step of one synapse: calcium-gated terms when c >= theta_d, drift when due.
  ENGRAM_HOST_DEVICE static void synapse_step(state& s, const derived& d, const pre_state& pre, const post_state& post,
                                              std::uint64_t t, const synapse_noise& noise) {
    const real c = calcium(pre, post, d);
    if (c >= d.ca.theta_d) gated_step(s, d, c, d.noise != real(0) ? noise.gauss() : real(0));
    if (drift_due(d, t)) drift_step(s, d);
  }

  // Calcium-gated part of one step (call only when c >= theta_d). `gauss` is a standard normal
  // draw used only here.
  ENGRAM_HOST_DEVICE static void gated_step(state& s, const derived& d, real c, real gauss) {
    const bool pot = c >= d.ca.theta_p;
    real drho = -d.rate_d * s.rho;
    if (pot) drho += d.rate_p * (real(1) - s.rho);
    const real gates = pot ? real(1.41421356f) : real(1);  // sqrt(H_d + H_p)
    s.rho = s.rho + (drho + d.noise * gates * gauss);
  }
  // Calcium-free drift over drift_dt: the CaMKII bistability, or decay in the mutant.
  ENGRAM_HOST_DEVICE static void drift_step(state& s, const derived& d) {
    const real r = s.rho;
    const real f = d.mutant ? -r : -r * (real(1) - r) * (d.rho_star - r);
    s.rho = r + d.drift * f;
  }
  ENGRAM_HOST_DEVICE static real efficacy(real w, const state& s, const derived& d) {
    return w * non_negative(real(1) + d.b_minus_1 * s.rho);
  }
};

}  // namespace engram::plasticity
