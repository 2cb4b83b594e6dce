#pragma once
// Multiplicative homeostatic synaptic scaling (science dossier M10.1; van Rossum, Bi &
// Turrigiano 2000 form):
//
//   tau_a da/dt = -a + 1000 ms/s * sum_k delta(t - t_k)     rate sensor of the target neuron (Hz)
//   dw_i/dt    = beta w_i (target_rate - a)                  every synapse i of the projection
//
// A weight rule: it scales the stored weight, so it combines with any other rule of the
// projection (e.g. after stdp_triplet in the same "plasticity" list). Because the change is
// proportional to w_i it keeps the ratios of a neuron's weights (P-HOM-1). Put it on the
// excitatory projections onto a population; each projection keeps its own (identical) sensor.
//
// Integrator (docs/models.md): the sensor is stepped exactly every step; every
// update_interval the weights are multiplied by exp(beta update_interval (target_rate - a)),
// exact while a is constant over the interval, computed in double. The sensor starts at target_rate (stored as its
// deviation from it), so a run does not begin with a burst of scaling.
// Default beta: a neuron silenced for 48 h at target_rate = 5 Hz scales its weights by 1.5
// (the dossier's calibration, within the reported x1.3-2): beta = ln 1.5 / (5 Hz * 48 h).
#include <array>
#include <cmath>
#include <cstdint>

#include "models/math.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/plasticity/rule_common.hpp"

namespace engram::plasticity {

struct synaptic_scaling {
  static constexpr const char* name = "synaptic_scaling";
  static constexpr bool changes_weight = true;
  static constexpr bool reads_membrane_potential = false;

  struct params {
    double target_rate = 5.0;         // Hz, a_goal
    double tau_a = 10000.0;           // ms, time constant of the rate sensor
    double beta = 4.692883e-10;       // 1/(Hz ms): ln(1.5) / (5 Hz * 1.728e8 ms)
    double update_interval = 1000.0;  // ms, how often weights are scaled (multiple of dt)
  };
  static constexpr param_field<params> param_table[] = {{"target_rate", "Hz", &params::target_rate},
                                                        {"tau_a", "ms", &params::tau_a},
                                                        {"beta", "1/(Hz ms)", &params::beta},
                                                        {"update_interval", "ms", &params::update_interval}};

  static void check(const params& p, double dt, param_check& c) {
    c.require(p.target_rate >= 0, "target_rate", "must be >= 0 Hz");
    c.require(p.tau_a > 0, "tau_a", "must be > 0 ms");
    c.require(p.tau_a / dt <= max_parameter_steps, "tau_a", "must be at most 2e9 steps");
    c.require(p.beta >= 0, "beta", "must be >= 0");
    const double k = p.update_interval / dt;
    c.require(p.update_interval > 0 && std::fabs(k - std::floor(k + 0.5)) < 1e-9, "update_interval",
              "must be a positive multiple of dt");
    c.require(k <= max_parameter_steps, "update_interval", "must be at most 2e9 steps");
  }

  struct derived {
    real decay;        // exp(-dt / tau_a)
    real jump;         // Hz added to the sensor by one spike: 1000 / tau_a
    real drift;        // target_rate (1 - decay): keeps the stored deviation a - target_rate
    double beta_interval;  // beta * update_interval, 1/Hz
    real target;
    std::uint32_t every;  // update_interval in steps
  };
  static derived derive(const params& p, double dt) {
    derived d{};
    const double decay = std::exp(-dt / p.tau_a);
    d.decay = static_cast<real>(decay);
    d.jump = static_cast<real>(1000.0 / p.tau_a);
    d.drift = static_cast<real>(p.target_rate * (1.0 - decay));
    d.beta_interval = p.beta * p.update_interval;
    d.target = static_cast<real>(p.target_rate);
    d.every = static_cast<std::uint32_t>(to_steps(p.update_interval, dt));
    return d;
  }

  struct pre_state {};
  struct post_state {
    real deviation;  // a - target_rate, Hz
  };
  struct state {};
  static constexpr std::array<named_unit, 0> state_table{};
  static state initial(const params&, double) { return {}; }

  ENGRAM_HOST_DEVICE static std::uint32_t delay_steps(const derived&) { return 0; }
  ENGRAM_HOST_DEVICE static std::uint32_t post_delay_steps(const derived&) { return 0; }
  ENGRAM_HOST_DEVICE static void update_pre(pre_state&, const derived&, bool) {}
  // (a - T) <- (a - T) e + (spike ? jump : 0) - T (1 - e), the exact step of a around T.
  ENGRAM_HOST_DEVICE static void update_post_neuron(post_state& s, const derived& d, bool fired, real) {
    s.deviation = s.deviation * d.decay - d.drift + (fired ? d.jump : real(0));  // a select: the loop vectorises
  }
  ENGRAM_HOST_DEVICE static real rate(const post_state& s, const derived& d) { return d.target + s.deviation; }

  ENGRAM_HOST_DEVICE static std::uint32_t slow_every(const derived& d) { return d.every; }
  // In double: a factor of 1 + 2e-6 rounded to float is off by up to 2% of its change, and
  // 170 000 such updates in 48 h would bias the scaling by that much.
  ENGRAM_HOST_DEVICE static real slow_weight(real w, const derived& d, const post_state& post) {
    return static_cast<real>(static_cast<double>(w) * math::exp(-d.beta_interval * static_cast<double>(post.deviation)));
  }
  ENGRAM_HOST_DEVICE static real efficacy(real w, const state&, const derived&) { return w; }
};

}  // namespace engram::plasticity
