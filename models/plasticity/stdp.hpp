#pragma once
// Pair-based STDP in the general form of NEST's stdp_synapse (science dossier M7)
// [code: nest/nest-simulator models/stdp_synapse.h], so that NEST comparisons are one-to-one:
//
//   at a postsynaptic spike:  w/W_max <- w/W_max + lambda (1 - w/W_max)^mu_plus x_pre
//   at a presynaptic spike:   w/W_max <- w/W_max - alpha lambda (w/W_max)^mu_minus y_post
//   clipped to [0, W_max];  x_pre decays with tau_plus, y_post with tau_minus
//
//   mu_plus = mu_minus = 0: additive (Song, Miller & Abbott 2000: lambda = A+, alpha = A-/A+,
//                           W_max = g_max; hard bounds)
//   mu_plus = 0, mu_minus = 1: mixed (van Rossum, Bi & Turrigiano 2000: multiplicative depression)
//   mu_plus = mu_minus = 1: multiplicative (Rubin, Lee & Sompolinsky 2001; soft bounds)
//
// nearest_spike = 1 sets a trace to 1 at a spike instead of adding 1: each spike pairs with the
// latest spike of the other side only (NEST's stdp_nn_symm_synapse). The rule changes the stored
// weight (a weight rule): the projection's weight is the initial weight, in its port's unit,
// and must lie in [0, W_max]. Delay convention: stdp_common.hpp (default: NEST's).
#include <array>
#include <cmath>
#include <cstdint>

#include "models/plasticity/stdp_common.hpp"

namespace engram::plasticity {

struct stdp : pair_rule {
  static constexpr const char* name = "stdp";

  // Defaults: NEST stdp_synapse.
  struct params : pairing_params {
    double tau_plus = 20.0;   // ms, presynaptic trace (potentiation window)
    double tau_minus = 20.0;  // ms, postsynaptic trace (depression window)
    double lambda = 0.01;     // step size (units of W_max)
    double alpha = 1.0;       // depression / potentiation ratio
    double mu_plus = 1.0;     // weight dependence of potentiation (0: additive)
    double mu_minus = 1.0;    // weight dependence of depression (0: additive)
  };
  static constexpr param_field<params> own_fields[] = {
      {"tau_plus", "ms", &params::tau_plus}, {"tau_minus", "ms", &params::tau_minus}, {"lambda", "1", &params::lambda},
      {"alpha", "1", &params::alpha},        {"mu_plus", "1", &params::mu_plus},      {"mu_minus", "1", &params::mu_minus}};
  static constexpr auto param_table = join_tables(own_fields, pairing_fields<params>);

  static void check(const params& p, double dt, param_check& c) {
    check_pair(p, dt, c);
    c.require(p.mu_plus >= 0, "mu_plus", "must be >= 0");
    c.require(p.mu_minus >= 0, "mu_minus", "must be >= 0");
  }

  struct derived {
    traces tr;
    real lambda, alpha_lambda, mu_plus, mu_minus, w_max;
  };
  static derived derive(const params& p, double dt) {
    derived d{};
    d.tr = make_traces(p.tau_plus, p.tau_minus, p, dt);
    d.lambda = static_cast<real>(p.lambda);
    d.alpha_lambda = static_cast<real>(p.alpha * p.lambda);
    d.mu_plus = static_cast<real>(p.mu_plus);
    d.mu_minus = static_cast<real>(p.mu_minus);
    d.w_max = static_cast<real>(p.W_max);
    return d;
  }

  ENGRAM_HOST_DEVICE static real on_post(real w, const derived& d, const pre_state& pre, const post_state&) {
    const real u = w / d.w_max;
    return clip_weight((u + d.lambda * power(real(1) - u, d.mu_plus) * pre.x) * d.w_max, d.w_max);
  }
  ENGRAM_HOST_DEVICE static real on_pre(real w, const derived& d, const pre_state&, const post_state& post) {
    const real u = w / d.w_max;
    return clip_weight((u - d.alpha_lambda * power(u, d.mu_minus) * post.y) * d.w_max, d.w_max);
  }
};

}  // namespace engram::plasticity
