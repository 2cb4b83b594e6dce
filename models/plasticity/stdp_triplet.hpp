#pragma once
// Triplet STDP (Pfister & Gerstner 2006, J Neurosci 26:9673; science dossier M8), as NEST's
// stdp_triplet_synapse [code: nest/nest-simulator models/stdp_triplet_synapse.h]:
//
//   presynaptic traces r1 (tau_plus), r2 (tau_x); postsynaptic traces o1 (tau_minus), o2 (tau_y)
//   at a presynaptic spike:   w <- w - o1 (A2_minus + A3_minus r2)   (r2 read before its own jump)
//   at a postsynaptic spike:  w <- w + r1 (A2_plus + A3_plus o2)     (o2 read before its own jump)
//   clipped to [0, W_max]; all-to-all traces jump by 1, nearest-spike traces are set to 1
//
// The amplitudes are in units of the weight (the published fits take the initial weight as 1).
// sliding_threshold = 1 makes the pair depression homeostatic, a BCM sliding threshold
// (Pfister & Gerstner 2006; Auryn TripletConnection; dossier M8, M10.3, P-META-2):
//   A2_minus_eff = A2_minus (nu / rate_ref)^2,  tau_hom dnu/dt = -nu + 1000 sum_k delta(t - t_post,k)
// nu is a slow estimate of the postsynaptic rate (Hz) that starts at rate_ref. For Poisson
// firing the rule's mean drift is nu_pre nu_post (A3_plus tau_plus tau_y nu_post -
// A2_minus_eff tau_minus) (minimal sets), so LTD turns to LTP above
// nu* = A2_minus_eff tau_minus / (A3_plus tau_plus tau_y), which slides up with the history.
// A weight rule: the projection's weight is the initial weight. Delay convention:
// stdp_common.hpp. The published sets are the dossier's M8 table; several are marked
// (unverified) there and in docs/plasticity.md.
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "models/plasticity/stdp_common.hpp"

namespace engram::plasticity {

struct stdp_triplet : spike_timing_rule {
  static constexpr const char* name = "stdp_triplet";

  // Defaults: the visual-cortex all-to-all full set (NEST stdp_triplet_synapse defaults).
  struct params : pairing_params {
    double tau_plus = 16.8;   // ms, r1
    double tau_minus = 33.7;  // ms, o1
    double tau_x = 101.0;     // ms, r2
    double tau_y = 125.0;     // ms, o2
    double A2_plus = 5e-10;   // pair potentiation (weight units)
    double A3_plus = 6.2e-3;  // triplet potentiation
    double A2_minus = 7e-3;   // pair depression
    double A3_minus = 2.3e-4; // triplet depression
    double sliding_threshold = 0;  // 1: A2_minus scaled by (nu / rate_ref)^2 (BCM)
    double tau_hom = 3600000.0;    // ms, time constant of the rate estimate nu (1 h)
    double rate_ref = 5.0;         // Hz, nu at which A2_minus is as given (and nu's start)
  };
  static constexpr param_field<params> own_fields[] = {
      {"tau_plus", "ms", &params::tau_plus},     {"tau_minus", "ms", &params::tau_minus},
      {"tau_x", "ms", &params::tau_x},           {"tau_y", "ms", &params::tau_y},
      {"A2_plus", "weight", &params::A2_plus},   {"A3_plus", "weight", &params::A3_plus},
      {"A2_minus", "weight", &params::A2_minus}, {"A3_minus", "weight", &params::A3_minus},
      {"sliding_threshold", "1", &params::sliding_threshold}, {"tau_hom", "ms", &params::tau_hom},
      {"rate_ref", "Hz", &params::rate_ref}};
  static constexpr auto param_table = join_tables(own_fields, pairing_fields<params>);

  // The dossier's M8 table (minimal sets have no r2: tau_x is irrelevant and left at 101 ms).
  static bool parameter_set(const std::string& set, params& p) {
    struct row {
      const char* name;
      double tau_x, tau_y, A2p, A3p, A2m, A3m, nearest;
    };
    static constexpr row rows[] = {
        {"visual cortex all-to-all full", 101, 125, 5e-10, 6.2e-3, 7e-3, 2.3e-4, 0},
        {"visual cortex all-to-all minimal", 101, 114, 0, 6.5e-3, 7.1e-3, 0, 0},
        {"visual cortex nearest-spike full", 714, 40, 8.8e-11, 5.3e-2, 6.6e-3, 3.1e-3, 1},
        {"visual cortex nearest-spike minimal", 101, 40, 0, 5e-2, 8e-3, 0, 1},
        {"hippocampal all-to-all full", 946, 27, 6.1e-3, 6.7e-3, 1.6e-3, 1.4e-3, 0},
        {"hippocampal all-to-all minimal", 101, 40, 5.3e-3, 8e-3, 3.5e-3, 0, 0},
        {"hippocampal nearest-spike full", 575, 47, 4.6e-3, 9.1e-3, 3e-3, 7.5e-9, 1},
        {"hippocampal nearest-spike minimal", 101, 48, 4.6e-3, 9.1e-3, 3e-3, 0, 1},
    };
    for (const auto& r : rows) {
      if (set != r.name) continue;
      p = params{};
      p.tau_x = r.tau_x, p.tau_y = r.tau_y, p.A2_plus = r.A2p, p.A3_plus = r.A3p;
      p.A2_minus = r.A2m, p.A3_minus = r.A3m, p.nearest_spike = r.nearest;
      return true;
    }
    return false;
  }
  static constexpr const char* parameter_set_names =
      "visual cortex all-to-all full, visual cortex all-to-all minimal, visual cortex nearest-spike full, "
      "visual cortex nearest-spike minimal, hippocampal all-to-all full, hippocampal all-to-all minimal, "
      "hippocampal nearest-spike full, hippocampal nearest-spike minimal";

  static void check(const params& p, double dt, param_check& c) {
    c.require(p.tau_plus > 0, "tau_plus", "must be > 0 ms");
    c.require(p.tau_minus > 0, "tau_minus", "must be > 0 ms");
    c.require(p.tau_x > 0, "tau_x", "must be > 0 ms");
    c.require(p.tau_y > 0, "tau_y", "must be > 0 ms");
    c.require(p.A2_plus >= 0, "A2_plus", "must be >= 0");
    c.require(p.A3_plus >= 0, "A3_plus", "must be >= 0");
    c.require(p.A2_minus >= 0, "A2_minus", "must be >= 0");
    c.require(p.A3_minus >= 0, "A3_minus", "must be >= 0");
    c.require(p.sliding_threshold == 0 || p.sliding_threshold == 1, "sliding_threshold", "must be 0 (fixed A2_minus) or 1 (BCM)");
    c.require(p.tau_hom > 0 && p.tau_hom / dt <= max_parameter_steps, "tau_hom", "must be > 0 ms and at most 2e9 steps");
    c.require(p.rate_ref > 0, "rate_ref", "must be > 0 Hz");
    check_pairing(p, dt, c);
  }

  struct derived {
    spike_trace r1, r2, o1, o2;
    real A2_plus, A3_plus, A2_minus, A3_minus, w_max;
    pairing_delays delays;
    int sliding;
    real nu_decay, nu_jump, nu_drift;  // the rate estimate, stored as nu - rate_ref (as synaptic_scaling)
    real inv_rate_ref;
  };
  static derived derive(const params& p, double dt) {
    const bool nn = p.nearest_spike == 1;
    derived d{};
    d.r1 = spike_trace::make(p.tau_plus, nn, dt);
    d.r2 = spike_trace::make(p.tau_x, nn, dt);
    d.o1 = spike_trace::make(p.tau_minus, nn, dt);
    d.o2 = spike_trace::make(p.tau_y, nn, dt);
    d.A2_plus = static_cast<real>(p.A2_plus), d.A3_plus = static_cast<real>(p.A3_plus);
    d.A2_minus = static_cast<real>(p.A2_minus), d.A3_minus = static_cast<real>(p.A3_minus);
    d.w_max = static_cast<real>(p.W_max);
    d.delays = pairing_delays::make(p, dt);
    d.sliding = p.sliding_threshold == 1 ? 1 : 0;
    const double decay = std::exp(-dt / p.tau_hom);
    d.nu_decay = static_cast<real>(decay);
    d.nu_jump = static_cast<real>(1000.0 / p.tau_hom);
    d.nu_drift = static_cast<real>(p.rate_ref * (1.0 - decay));
    d.inv_rate_ref = static_cast<real>(1.0 / p.rate_ref);
    return d;
  }

  struct pre_state {
    real r1, r2;
  };
  struct post_state {
    real o1, o2;
    real nu_dev;  // nu - rate_ref (Hz), the slow rate estimate of the sliding threshold
  };
  ENGRAM_HOST_DEVICE static void update_pre(pre_state& s, const derived& d, bool arrived) {
    s.r1 = d.r1.step(s.r1, arrived);
    s.r2 = d.r2.step(s.r2, arrived);
  }
  ENGRAM_HOST_DEVICE static void update_post_neuron(post_state& s, const derived& d, bool fired, real) {
    s.o1 = d.o1.step(s.o1, fired);
    s.o2 = d.o2.step(s.o2, fired);
    s.nu_dev = s.nu_dev * d.nu_decay - d.nu_drift + d.nu_jump * (fired ? real(1) : real(0));
  }
  // A2_minus, scaled by (nu / rate_ref)^2 with the sliding threshold.
  ENGRAM_HOST_DEVICE static real a2_minus(const derived& d, const post_state& post) {
    if (!d.sliding) return d.A2_minus;
    const real x = real(1) + post.nu_dev * d.inv_rate_ref;
    return d.A2_minus * x * x;
  }

  ENGRAM_HOST_DEVICE static real on_post(real w, const derived& d, const pre_state& pre, const post_state& post) {
    return clip_weight(w + pre.r1 * (d.A2_plus + d.A3_plus * post.o2), d.w_max);
  }
  ENGRAM_HOST_DEVICE static real on_pre(real w, const derived& d, const pre_state& pre, const post_state& post) {
    return clip_weight(w - post.o1 * (a2_minus(d, post) + d.A3_minus * pre.r2), d.w_max);
  }
};

}  // namespace engram::plasticity
