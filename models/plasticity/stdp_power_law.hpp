#pragma once
// Power-law STDP of Morrison, Aertsen & Diesmann (2007, Neural Comput 19:1437; science dossier
// M7), as NEST's stdp_pl_synapse_hom [code: nest/nest-simulator models/stdp_pl_synapse_hom.h],
// the rule of NEST's hpc_benchmark and GeNN's STDP benchmark:
//
//   at a postsynaptic spike:  w <- w + lambda w^mu x_pre          (w in pA; w0 = 1 pA implicit)
//   at a presynaptic spike:   w <- max(0, w - lambda alpha w y_post)
//   x_pre decays with tau_plus, y_post with tau_minus (all-to-all: +1 a spike)
//
// Defaults: hpc_benchmark's (lambda 0.1, alpha 0.0513, mu 0.4, tau_plus 15 ms, tau_minus 30 ms).
// No upper bound in the published rule: W_max defaults to 1e9 (the unit of the weight), so it
// never acts unless set. A weight rule; delay convention and nearest_spike: stdp_common.hpp.
#include <array>
#include <cmath>
#include <cstdint>

#include "models/plasticity/stdp_common.hpp"

namespace engram::plasticity {

struct stdp_power_law : pair_rule {
  static constexpr const char* name = "stdp_power_law";

  struct params : pairing_params {
    double tau_plus = 15.0;   // ms, presynaptic trace
    double tau_minus = 30.0;  // ms, postsynaptic trace
    double lambda = 0.1;      // step size
    double alpha = 0.0513;    // depression / potentiation ratio
    double mu = 0.4;          // exponent of the weight dependence of potentiation
    params() { W_max = 1.0e9; }
  };
  static constexpr param_field<params> own_fields[] = {{"tau_plus", "ms", &params::tau_plus},
                                                       {"tau_minus", "ms", &params::tau_minus},
                                                       {"lambda", "1", &params::lambda},
                                                       {"alpha", "1", &params::alpha},
                                                       {"mu", "1", &params::mu}};
  static constexpr auto param_table = join_tables(own_fields, pairing_fields<params>);

  static void check(const params& p, double dt, param_check& c) {
    check_pair(p, dt, c);
    c.require(p.mu >= 0 && p.mu <= 1, "mu", "must lie in [0, 1]");
  }

  struct derived {
    traces tr;
    real lambda, alpha_lambda, mu, w_max;
  };
  static derived derive(const params& p, double dt) {
    derived d{};
    d.tr = make_traces(p.tau_plus, p.tau_minus, p, dt);
    d.lambda = static_cast<real>(p.lambda);
    d.alpha_lambda = static_cast<real>(p.alpha * p.lambda);
    d.mu = static_cast<real>(p.mu);
    d.w_max = static_cast<real>(p.W_max);
    return d;
  }
  // w^mu with w >= 0 pA (power() is exact at mu = 0 and 1).
  ENGRAM_HOST_DEVICE static real on_post(real w, const derived& d, const pre_state& pre, const post_state&) {
    return clip_weight(w + d.lambda * power(w, d.mu) * pre.x, d.w_max);
  }
  ENGRAM_HOST_DEVICE static real on_pre(real w, const derived& d, const pre_state&, const post_state& post) {
    return clip_weight(w - d.alpha_lambda * w * post.y, d.w_max);
  }
};

}  // namespace engram::plasticity
