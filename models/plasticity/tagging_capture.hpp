#pragma once
// Early- and late-phase plasticity with synaptic tagging and capture: Li, Kulvicius & Tetzlaff
// (2016, PLoS ONE 11:e0161679) as used by Luboeinski & Tetzlaff (2021, Commun Biol 4:275)
// [code: jlubo/memory-consolidation-stc simulation-code/Network.cpp]; science dossier M6.
//
//   calcium c: as graupner_brunel (C_pre at t_pre + D, C_post at t_post, decay tau_Ca)
//   tau_h dh/dt = 0.1 (h0 - h) + gamma_p (10 mV - h) H[c - theta_p] - gamma_d h H[c - theta_d]
//                 + sigma_pl sqrt(tau_h (H[c - theta_p] + H[c - theta_d])) xi(t)      early phase
//   tau_p dp/dt = -p + alpha H[ sum_j |h_j - h0| - theta_pro ]          protein, per neuron
//   tau_z dz/dt = p (1 - z) H[(h - h0) - theta_tag] - p (z + 0.5) H[(h0 - h) - theta_tag]
//   weight w = h + h0 z (mV)   tag: |h - h0| > theta_tag
//
// engram's efficacy is the projection's weight times w / h0, so the projection's weight is the
// weight at baseline (h = h0, z = 0). The protein pool of a neuron sums the synapses of this
// projection onto it: put pathways that share a pool (P-TAG's S1 and S2) in one projection.
// Drugs (dossier M6 mapping): a protein-synthesis or transcription blocker sets alpha = 0 during
// [blocker_start, blocker_stop).
//
// Integrator (docs/models.md): calcium traces and the calcium-gated terms of h each step, as in
// graupner_brunel (Euler-Maruyama, calcium after this step's jumps); every slow_dt the slow
// parts: the protein sum (in fixed point, so the order of summation does not matter), p
// exactly (p <- p e^{-slow_dt/tau_p} + alpha H (1 - e^{-slow_dt/tau_p})), z and the relaxation of h
// with explicit Euler. slow_dt defaults to 1 s: at 10 ms the relaxation of h per step (~1.5e-6
// mV) would be a few float ulps and its rounding would bias the E-LTP lifetime.
#include <cmath>
#include <cstdint>
#include <string>

#include "models/math.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/plasticity/rule_common.hpp"

namespace engram::plasticity {

struct tagging_capture {
  static constexpr const char* name = "tagging_capture";

  // Defaults: the dossier's M6 table (GB2012 hippocampal-slices calcium, Li et al. 2016).
  struct params {
    double tau_Ca = 48.8;          // ms
    double C_pre = 1.0;            // calcium jump per presynaptic spike
    double C_post = 0.2758;        // calcium jump per postsynaptic spike
    double D = 18.8;               // ms, delay of the presynaptic calcium
    double theta_p = 3.0;          // potentiation threshold
    double theta_d = 1.2;          // depression threshold
    double tau_h = 688400.0;       // ms (688.4 s); E-LTP lifetime tau_h / 0.1 = 1.9 h
    double gamma_p = 1645.6;       // potentiation rate
    double gamma_d = 313.1;        // depression rate
    double h0 = 4.20075;           // mV, baseline early-phase weight
    double h_max = 10.0;           // mV, potentiation target of h
    double sigma_pl = 0.0;         // mV, early-phase noise (dossier: value unverified; off by default)
    double theta_tag = 0.840149;   // mV, tag threshold on |h - h0|
    double theta_pro = 2.100375;   // mV, protein-synthesis threshold on sum |h - h0| of a neuron
    double tau_p = 3600000.0;      // ms (60 min), protein time constant
    double alpha = 1.0;            // protein synthesis rate (units of 1/tau_p)
    double tau_z = 3600000.0;      // ms (60 min), late-phase time constant
    double kappa_NMDA = 1.0;       // scales C_pre (NMDA/AMPA ratio)
    double blocker_start = -1.0;   // ms, protein-synthesis blocker applied from (< 0: never)
    double blocker_stop = -1.0;    // ms, ... until (washout)
    double slow_dt = 1000.0;       // ms, step of the slow processes (multiple of dt)
  };
  static constexpr param_field<params> param_table[] = {
      {"tau_Ca", "ms", &params::tau_Ca},       {"C_pre", "1", &params::C_pre},
      {"C_post", "1", &params::C_post},        {"D", "ms", &params::D},
      {"theta_p", "1", &params::theta_p},      {"theta_d", "1", &params::theta_d},
      {"tau_h", "ms", &params::tau_h},         {"gamma_p", "1", &params::gamma_p},
      {"gamma_d", "1", &params::gamma_d},      {"h0", "mV", &params::h0},
      {"h_max", "mV", &params::h_max},         {"sigma_pl", "mV", &params::sigma_pl},
      {"theta_tag", "mV", &params::theta_tag}, {"theta_pro", "mV", &params::theta_pro},
      {"tau_p", "ms", &params::tau_p},         {"alpha", "1", &params::alpha},
      {"tau_z", "ms", &params::tau_z},         {"kappa_NMDA", "1", &params::kappa_NMDA},
      {"blocker_start", "ms", &params::blocker_start}, {"blocker_stop", "ms", &params::blocker_stop},
      {"slow_dt", "ms", &params::slow_dt}};

  static void check(const params& p, double dt, param_check& c) {
    gb_calcium::check(p, dt, c);
    c.require(p.tau_h > 0, "tau_h", "must be > 0 ms");
    c.require(p.gamma_p >= 0, "gamma_p", "must be >= 0");
    c.require(p.gamma_d >= 0, "gamma_d", "must be >= 0");
    c.require(p.h0 > 0, "h0", "must be > 0 mV");
    c.require(p.h_max > p.h0, "h_max", "must be > h0");
    c.require(p.sigma_pl >= 0, "sigma_pl", "must be >= 0 mV");
    c.require(p.theta_tag > 0, "theta_tag", "must be > 0 mV");
    c.require(p.theta_pro > 0, "theta_pro", "must be > 0 mV");
    c.require(p.tau_p > 0, "tau_p", "must be > 0 ms");
    c.require(p.alpha >= 0, "alpha", "must be >= 0");
    c.require(p.tau_z > 0, "tau_z", "must be > 0 ms");
    c.require(p.blocker_stop >= p.blocker_start, "blocker_stop", "must be >= blocker_start");
    c.require((p.blocker_start < 0) == (p.blocker_stop < 0), "blocker_start",
              "give both blocker_start and blocker_stop (ms, >= 0), or neither");
    c.require(p.blocker_stop / dt <= 1e15, "blocker_stop", "must be at most 1e15 steps");
    c.require((p.gamma_p + p.gamma_d) * dt / p.tau_h < 1, "gamma_p",
              "(gamma_p + gamma_d) dt / tau_h must be < 1 (explicit Euler of the calcium-gated terms)");
    c.require(p.alpha * p.slow_dt / p.tau_z < 1, "alpha", "alpha slow_dt / tau_z must be < 1 (explicit Euler of z)");
    c.require(p.slow_dt / dt <= max_parameter_steps, "slow_dt", "must be at most 2e9 steps");
    const double k = p.slow_dt / dt;
    c.require(p.slow_dt > 0 && std::fabs(k - std::floor(k + 0.5)) < 1e-9, "slow_dt", "must be a positive multiple of dt");
    c.require(p.slow_dt <= 0.01 * std::min(p.tau_z, p.tau_h / 0.1), "slow_dt", "must be at most 1% of tau_z and of tau_h / 0.1");
  }

  struct derived {
    gb_calcium ca;
    real rate_p, rate_d;  // gamma dt / tau_h
    real h_max, h0;
    real noise;           // sigma_pl sqrt(dt / tau_h)
    real relax;           // 0.1 slow_dt / tau_h
    real theta_tag, theta_pro;
    real p_decay;         // exp(-slow_dt / tau_p)
    real alpha;
    real z_rate;          // slow_dt / tau_z
    real inv_h0;
    std::uint64_t blocker_start, blocker_stop;  // steps [start, stop)
    std::uint32_t slow_steps;
  };

  static derived derive(const params& p, double dt) {
    derived d{};
    d.ca = gb_calcium::make(p, dt);
    d.rate_p = static_cast<real>(p.gamma_p * dt / p.tau_h);
    d.rate_d = static_cast<real>(p.gamma_d * dt / p.tau_h);
    d.h_max = static_cast<real>(p.h_max);
    d.h0 = static_cast<real>(p.h0);
    d.noise = static_cast<real>(p.sigma_pl * std::sqrt(dt / p.tau_h));
    d.relax = static_cast<real>(0.1 * p.slow_dt / p.tau_h);
    d.theta_tag = static_cast<real>(p.theta_tag);
    d.theta_pro = static_cast<real>(p.theta_pro);
    d.p_decay = static_cast<real>(std::exp(-p.slow_dt / p.tau_p));
    d.alpha = static_cast<real>(p.alpha);
    d.z_rate = static_cast<real>(p.slow_dt / p.tau_z);
    d.inv_h0 = static_cast<real>(1.0 / p.h0);
    const bool blocked = p.blocker_start >= 0 && p.blocker_stop > p.blocker_start;
    d.blocker_start = blocked ? static_cast<std::uint64_t>(std::llround(p.blocker_start / dt)) : 0;
    d.blocker_stop = blocked ? static_cast<std::uint64_t>(std::llround(p.blocker_stop / dt)) : 0;
    d.slow_steps = static_cast<std::uint32_t>(to_steps(p.slow_dt, dt));
    return d;
  }

  struct pre_state {
    real x;  // presynaptic calcium trace, D late
  };
  struct post_state {
    real y;  // postsynaptic calcium trace
    real p;  // protein amount of the neuron
  };
  struct state {
    real h;  // mV, early-phase weight
    real z;  // late-phase weight, -0.5 .. 1
  };
  static constexpr named_unit state_table[] = {{"h", "mV"}, {"z", "1"}};
  static state initial(const params& p, double) { return {static_cast<real>(p.h0), real(0)}; }

  static constexpr bool reads_membrane_potential = false;
  ENGRAM_HOST_DEVICE static std::uint32_t delay_steps(const derived& d) { return d.ca.delay_steps; }
  ENGRAM_HOST_DEVICE static std::uint32_t post_delay_steps(const derived&) { return 0; }
  ENGRAM_HOST_DEVICE static void update_pre(pre_state& s, const derived& d, bool arrived) {
    s.x = d.ca.step(s.x, arrived);
  }
  ENGRAM_HOST_DEVICE static void update_post_neuron(post_state& s, const derived& d, bool fired, real) {
    s.y = d.ca.step(s.y, fired);
  }
  ENGRAM_HOST_DEVICE static real post_bound(const post_state& s) { return s.y; }
  ENGRAM_HOST_DEVICE static bool row_quiet(const pre_state& pre, real max_post_y, const derived& d, std::uint64_t) {
    return d.ca.at(pre.x, max_post_y) < d.ca.theta_d;
  }
  // Calcium-gated early phase, each step.
  ENGRAM_HOST_DEVICE static void synapse_step(state& s, const derived& d, const pre_state& pre, const post_state& post,
                                              std::uint64_t, const synapse_noise& noise) {
    const real c = d.ca.at(pre.x, post.y);
    if (c < d.ca.theta_d) return;
    const bool pot = c >= d.ca.theta_p;
    real dh = -d.rate_d * s.h;
    if (pot) dh += d.rate_p * (d.h_max - s.h);
    if (d.noise != real(0)) dh += d.noise * (pot ? real(1.41421356f) : real(1)) * noise.gauss();
    s.h = s.h + dh;
  }

  // ---- slow processes, every slow_steps ----
  ENGRAM_HOST_DEVICE static std::uint32_t slow_every(const derived& d) { return d.slow_steps; }
  // A synapse's contribution to its neuron's protein-synthesis drive (mV).
  ENGRAM_HOST_DEVICE static real protein_drive(const state& s, const derived& d) {
    const real e = s.h - d.h0;
    return e < real(0) ? -e : e;
  }
  // Protein of one neuron over slow_dt, given the summed drive of its synapses (exact).
  ENGRAM_HOST_DEVICE static void slow_post(post_state& s, const derived& d, real drive, std::uint64_t t) {
    const bool blocked = t >= d.blocker_start && t < d.blocker_stop;
    const real target = (!blocked && drive > d.theta_pro) ? d.alpha : real(0);
    s.p = target + (s.p - target) * d.p_decay;
  }
  // Late phase (capture by tagged synapses) and the relaxation of the early phase over slow_dt.
  ENGRAM_HOST_DEVICE static void slow_synapse(state& s, const derived& d, const post_state& post) {
    const real e = s.h - d.h0;
    real dz = 0;
    if (e > d.theta_tag) dz = post.p * (real(1) - s.z);
    else if (-e > d.theta_tag) dz = -post.p * (s.z + real(0.5));
    s.z = s.z + d.z_rate * dz;
    s.h = s.h - d.relax * e;
  }
  ENGRAM_HOST_DEVICE static real efficacy(real w, const state& s, const derived& d) {
    return w * non_negative((s.h + d.h0 * s.z) * d.inv_h0);
  }
};

}  // namespace engram::plasticity
