#pragma once
// Shouval, Bear & Cooper (2002, PNAS 99:10831) calcium control hypothesis: NMDA-receptor spine
// calcium (science dossier M3.1) and the Omega rule (M4.1). Host and device.
//
//   d[Ca]/dt = I_NMDA - [Ca]/tau_Ca            ([Ca] above rest, µM; += C_VDCC when a BPAP arrives)
//   I_NMDA   = G_NMDA kappa_NMDA (1 - nmda_block) o(t) B(V) (V - V_r)
//   o(t)     = o_f + o_s: open NMDA receptors, decaying with tau_f, tau_s; per presynaptic spike
//              saturating (default): o_x += P0 I_x (1 - o_f - o_s)  (P0 of the receptors still closed)
//              linear:               o_x += P0 I_x
//   BPAP(t)  = V_max (I_bf e^{-t/tau_bf} + I_bs e^{-t/tau_bs}), t since the last BPAP arrival
//              (bpap_delay after the postsynaptic spike); a new arrival resets it, only the last
//              spike counts (M3.1)
//   dW/dt    = eta(Ca) (Omega(Ca) - lambda W)
//   Omega(c) = 0.25 + sig(c - alpha2, beta2) - 0.25 sig(c - alpha1, beta1),  sig(x, b) = 1/(1 + e^{-b x})
//   eta(c)   = 1 / (P1 / (P2 + c^P3) + P4)
//
// Units: time in ms throughout, so P1 = 0.1 s -> 100 ms µM^P3 and P4 = 1 s -> 1000 ms. The
// dossier's P2 = P1 1e-4 holds with P1 in seconds: P2 = 1e-5 µM^P3 (tau(0) = P1/P2 + P4 = 10 001 s).
// G_NMDA < 0 so that the influx is positive below V_r = 130 mV (folmez/CaDP-MatLab convention).
//
// The two occupancy conventions coincide for one spike from rest; over trains they differ (M3.1:
// 100 pulses at 5 Hz, EPSP 10 mV: W/W0 = 0.72 saturating, 1.97 linear). The saturating form is the
// one that reproduces 0.72 (~0.727; pooling the saturation per component instead gives 0.37).
//
// Integrator, per step of length dt (order of calls within a step):
//   1. update_pre / update_post: traces decay exactly by one step, then this step's presynaptic
//      spike / BPAP arrival is applied, so the traces hold their values at the step's start t_n;
//      on_bpap (the VDCC jump) for the synapses whose BPAP arrives this step.
//   2. synapse_step with the dendritic voltage V: Ca decays exactly and the influx, evaluated at
//      that V, is held over the step (exponential Euler, first order in dt); then W takes one
//      explicit Euler step with the new Ca (folmez update_w order). In the unit tests V is V(t_n);
//      in a network it is the neuron's membrane potential after this step's neuron update (the
//      same on both backends; V_reset right after a spike, with the BPAP added).
// W is stored as a float plus its rounding residue (compensated sum): at resting calcium one step
// moves W by ~1e-8 |W - 0.25| (tau(0) = 2.78 h against dt = 0.1 ms, beyond float's 2^-24), which a
// plain float sum would round away, so W would never relax back to 0.25.
#include <cmath>
#include <cstdint>
#include <string>

#include "models/math.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/plasticity/rule_common.hpp"
#include "models/synapses/receptors.hpp"

namespace engram::plasticity {

struct shouval {
  static constexpr const char* name = "shouval";

  // Defaults: Shouval 2002 as in the folmez/CaDP-MatLab re-implementation (dossier M3.1, M4.1),
  // BPAP + ADP shape.
  struct params {
    double tau_Ca = 50.0;          // ms, spine calcium decay
    double P0 = 0.5;               // fraction of closed NMDA receptors opened by one spike
    double G_NMDA = -1.0 / 500.0;  // µM/(ms mV), calcium influx per open fraction per mV (< 0)
    double I_f = 0.5;              // fast share of the NMDA occupancy
    double I_s = 0.5;              // slow share
    double tau_f = 50.0;           // ms, fast NMDA decay
    double tau_s = 200.0;          // ms, slow NMDA decay
    double V_r = 130.0;            // mV, calcium reversal potential
    double Mg = 1.0;               // mM, extracellular [Mg2+] (Jahr-Stevens block, M2)
    double V_max = 100.0;          // mV, BPAP amplitude at the spine
    double I_bf = 0.75;            // fast share of the BPAP
    double I_bs = 0.25;            // slow share (after-depolarisation)
    double tau_bf = 3.0;           // ms, fast BPAP decay
    double tau_bs = 25.0;          // ms, slow BPAP decay
    double bpap_delay = 2.0;       // ms, postsynaptic spike -> BPAP arrival at the spine
    double C_VDCC = 0.0;           // µM, calcium jump per BPAP arrival (VDCC; 0 in Shouval 2002)
    double alpha1 = 0.35;          // µM, LTD threshold of Omega
    double alpha2 = 0.55;          // µM, LTP threshold of Omega
    double beta1 = 80.0;           // 1/µM, steepness at alpha1
    double beta2 = 80.0;           // 1/µM, steepness at alpha2
    double P1 = 100.0;             // ms µM^P3 (0.1 s)
    double P2 = 1e-5;              // µM^P3 (P1 1e-4 with P1 in s)
    double P3 = 3.0;               // exponent (a positive integer: c^P3 by multiplication)
    double P4 = 1000.0;            // ms (1 s), the shortest learning time constant
    double lambda = 1.0;           // weight decay factor in Omega - lambda W
    double W_init = 0.25;          // initial weight (= Omega(0): the resting fixed point)
    double kappa_NMDA = 1.0;       // NMDA/AMPA scale, multiplies the influx (M2, P-META-1)
    double nmda_block = 0.0;       // fraction of NMDA receptors blocked (AP5, P-CTRL-1), 0..1
    double nmda_saturating = 1.0;  // 1: saturating occupancy (default), 0: linear
    double theta_Q = 0.35;         // µM, threshold of the excess-calcium read-out Q (M4.3)
    double D = -1.0;               // ms, NMDA receptors open D after the presynaptic spike;
                                   // < 0: when the spike arrives (the projection's delay)
  };
  static constexpr param_field<params> param_table[] = {
      {"tau_Ca", "ms", &params::tau_Ca},         {"P0", "1", &params::P0},
      {"G_NMDA", "uM/(ms*mV)", &params::G_NMDA}, {"I_f", "1", &params::I_f},
      {"I_s", "1", &params::I_s},                {"tau_f", "ms", &params::tau_f},
      {"tau_s", "ms", &params::tau_s},           {"V_r", "mV", &params::V_r},
      {"Mg", "mM", &params::Mg},                 {"V_max", "mV", &params::V_max},
      {"I_bf", "1", &params::I_bf},              {"I_bs", "1", &params::I_bs},
      {"tau_bf", "ms", &params::tau_bf},         {"tau_bs", "ms", &params::tau_bs},
      {"bpap_delay", "ms", &params::bpap_delay}, {"C_VDCC", "uM", &params::C_VDCC},
      {"alpha1", "uM", &params::alpha1},         {"alpha2", "uM", &params::alpha2},
      {"beta1", "1/uM", &params::beta1},         {"beta2", "1/uM", &params::beta2},
      {"P1", "ms*uM^P3", &params::P1},           {"P2", "uM^P3", &params::P2},
      {"P3", "1", &params::P3},                  {"P4", "ms", &params::P4},
      {"lambda", "1", &params::lambda},          {"W_init", "1", &params::W_init},
      {"kappa_NMDA", "1", &params::kappa_NMDA},  {"nmda_block", "1", &params::nmda_block},
      {"nmda_saturating", "1", &params::nmda_saturating},
      {"theta_Q", "uM", &params::theta_Q},       {"D", "ms", &params::D}};

  static void check(const params& p, double dt, param_check& c) {
    const auto is_one = [](double x) { return std::fabs(x - 1.0) < 1e-9; };
    c.require(p.tau_Ca > 0, "tau_Ca", "must be > 0 ms");
    c.require(p.P0 > 0 && p.P0 <= 1, "P0", "must lie in (0, 1]");
    c.require(p.G_NMDA <= 0, "G_NMDA", "must be <= 0 uM/(ms*mV): the sign makes the influx positive below V_r");
    c.require(p.I_f >= 0 && p.I_s >= 0 && is_one(p.I_f + p.I_s), "I_f",
              "I_f and I_s must be >= 0 and sum to 1 (shares of the NMDA occupancy)");
    c.require(p.tau_f > 0, "tau_f", "must be > 0 ms");
    c.require(p.tau_s > 0, "tau_s", "must be > 0 ms");
    c.require(p.Mg >= 0, "Mg", "must be >= 0 mM");
    c.require(p.V_max >= 0, "V_max", "must be >= 0 mV");
    c.require(p.I_bf >= 0 && p.I_bs >= 0 && is_one(p.I_bf + p.I_bs), "I_bf",
              "I_bf and I_bs must be >= 0 and sum to 1 (shares of the BPAP)");
    c.require(p.tau_bf > 0, "tau_bf", "must be > 0 ms");
    c.require(p.tau_bs > 0, "tau_bs", "must be > 0 ms");
    c.require(p.bpap_delay >= 0, "bpap_delay", "must be >= 0 ms");
    c.require(p.bpap_delay / dt <= 65535, "bpap_delay", "must be at most 65535 steps");
    c.require(p.C_VDCC >= 0, "C_VDCC", "must be >= 0 uM");
    c.require(p.alpha1 >= 0, "alpha1", "must be >= 0 uM");
    c.require(p.alpha1 < p.alpha2, "alpha2", "must be > alpha1 (LTD threshold below LTP threshold)");
    c.require(p.beta1 > 0, "beta1", "must be > 0 1/uM");
    c.require(p.beta2 > 0, "beta2", "must be > 0 1/uM");
    c.require(p.P1 >= 0, "P1", "must be >= 0 ms*uM^P3");
    c.require(p.P2 > 0, "P2", "must be > 0 uM^P3 (finite learning time at rest)");
    c.require(p.P3 >= 1 && p.P3 <= 8 && p.P3 == std::floor(p.P3), "P3", "must be an integer in [1, 8]");
    c.require(p.P4 > 0, "P4", "must be > 0 ms (bounds the learning rate)");
    c.require(p.lambda >= 0, "lambda", "must be >= 0");
    c.require(p.lambda * dt < 0.1 * p.P4, "lambda", "lambda dt must be below P4 / 10 (explicit Euler on W)");
    c.require(p.W_init > 0 && std::isfinite(p.W_init), "W_init", "must be > 0 (efficacies are weight x W / W_init)");
    c.require(p.D / dt <= 65535, "D", "must be at most 65535 steps");
    c.require(p.kappa_NMDA >= 0, "kappa_NMDA", "must be >= 0");
    c.require(p.nmda_block >= 0 && p.nmda_block <= 1, "nmda_block", "must lie in [0, 1]");
    c.require(p.nmda_saturating == 0 || p.nmda_saturating == 1, "nmda_saturating",
              "must be 1 (saturating occupancy) or 0 (linear)");
    c.require(p.theta_Q >= 0, "theta_Q", "must be >= 0 uM");
  }

  struct derived {
    real dt;                          // ms
    real ca_decay, ca_gain;           // exp(-dt/tau_Ca); tau_Ca (1 - ca_decay), ms
    real nmda_f_decay, nmda_s_decay;  // exp(-dt/tau_f), exp(-dt/tau_s)
    real open_f, open_s;              // P0 I_f, P0 I_s
    real closed_scale;                // 1: saturating, 0: linear
    real g_nmda;                      // G_NMDA kappa_NMDA (1 - nmda_block), µM/(ms mV)
    real v_r, mg;                     // mV, mM
    real bpap_f_decay, bpap_s_decay;  // exp(-dt/tau_bf), exp(-dt/tau_bs)
    real bpap_f, bpap_s;              // V_max I_bf, V_max I_bs, mV
    real c_vdcc;                      // µM
    real alpha1, alpha2, beta1, beta2;
    real P1, P2, P4;                  // ms µM^P3, µM^P3, ms
    int P3;
    real lambda;
    real theta_Q;                     // µM
    real inv_W_init;                  // efficacy = weight W / W_init
    std::uint32_t bpap_delay_steps;
    std::uint32_t pre_delay_steps;    // D
  };

  static derived derive(const params& p, double dt) {
    derived d{};
    const auto decay = [dt](double tau) { return math::exp(-dt / tau); };
    d.dt = static_cast<real>(dt);
    d.ca_decay = static_cast<real>(decay(p.tau_Ca));
    d.ca_gain = static_cast<real>(p.tau_Ca * (1.0 - decay(p.tau_Ca)));
    d.nmda_f_decay = static_cast<real>(decay(p.tau_f));
    d.nmda_s_decay = static_cast<real>(decay(p.tau_s));
    d.open_f = static_cast<real>(p.P0 * p.I_f);
    d.open_s = static_cast<real>(p.P0 * p.I_s);
    d.closed_scale = static_cast<real>(p.nmda_saturating);
    d.g_nmda = static_cast<real>(p.G_NMDA * p.kappa_NMDA * (1.0 - p.nmda_block));
    d.v_r = static_cast<real>(p.V_r);
    d.mg = static_cast<real>(p.Mg);
    d.bpap_f_decay = static_cast<real>(decay(p.tau_bf));
    d.bpap_s_decay = static_cast<real>(decay(p.tau_bs));
    d.bpap_f = static_cast<real>(p.V_max * p.I_bf);
    d.bpap_s = static_cast<real>(p.V_max * p.I_bs);
    d.c_vdcc = static_cast<real>(p.C_VDCC);
    d.alpha1 = static_cast<real>(p.alpha1);
    d.alpha2 = static_cast<real>(p.alpha2);
    d.beta1 = static_cast<real>(p.beta1);
    d.beta2 = static_cast<real>(p.beta2);
    d.P1 = static_cast<real>(p.P1);
    d.P2 = static_cast<real>(p.P2);
    d.P3 = static_cast<int>(p.P3);
    d.P4 = static_cast<real>(p.P4);
    d.lambda = static_cast<real>(p.lambda);
    d.theta_Q = static_cast<real>(p.theta_Q);
    d.bpap_delay_steps = static_cast<std::uint32_t>(to_steps(p.bpap_delay, dt));
    d.inv_W_init = static_cast<real>(1.0 / p.W_init);
    d.pre_delay_steps = static_cast<std::uint32_t>(to_steps(p.D > 0 ? p.D : 0.0, dt));
    return d;
  }

  // Per presynaptic neuron: open NMDA receptor fraction, fast and slow parts (P0 included).
  struct pre_state {
    real o_f, o_s;
  };
  // Per postsynaptic neuron: BPAP at the spine, fast and slow parts (mV above V_rest); in a
  // network also this step's calcium drive per open NMDA fraction (µM/ms, from the neuron's
  // membrane potential plus the BPAP) and whether a BPAP arrived this step (VDCC).
  struct post_state {
    real b_f, b_s;
    real drive;
    real arrived;
  };
  // Per synapse: calcium above rest, the weight and the weight's rounding residue, and the
  // excess-calcium read-out Q (M4.3) accumulated since the start of the run.
  struct state {
    real ca;    // µM
    real w;     // 1
    real w_lo;  // 1, compensated-sum residue of w (w + w_lo is the weight to float accuracy)
    real Q;     // µM ms, integral of max(0, ca - theta_Q) (float sum: ~1e-4 relative over 1e4 steps)
  };
  static constexpr named_unit state_table[] = {{"ca", "uM"}, {"w", "1"}, {"w_lo", "1"}, {"Q", "uM*ms"}};

  static state initial(const params& p) { return {real(0), static_cast<real>(p.W_init), real(0), real(0)}; }
  static state initial(const params& p, double) { return initial(p); }

  // ---- the backend interface (rule_common.hpp) ----
  static constexpr bool reads_membrane_potential = true;
  // Presynaptic spikes open NMDA receptors D after emission (by default when they arrive,
  // together with the AMPA current: D = the projection's delay); BPAPs arrive bpap_delay after
  // the postsynaptic spike.
  static constexpr bool D_defaults_to_synaptic_delay = true;
  ENGRAM_HOST_DEVICE static std::uint32_t delay_steps(const derived& d) { return d.pre_delay_steps; }
  ENGRAM_HOST_DEVICE static std::uint32_t post_delay_steps(const derived& d) { return d.bpap_delay_steps; }
  // The dendritic voltage at the spine is the neuron's membrane potential v (mV, absolute) plus
  // the BPAP; the NMDA calcium drive depends only on it, so it is computed once per neuron.
  ENGRAM_HOST_DEVICE static void update_post_neuron(post_state& s, const derived& d, bool arrived, real v) {
    update_post(s, d, arrived);
    s.arrived = arrived ? real(1) : real(0);
    s.drive = nmda_drive(v + bpap(s), d);
  }
  ENGRAM_HOST_DEVICE static real post_bound(const post_state&) { return real(0); }
  ENGRAM_HOST_DEVICE static bool row_quiet(const pre_state&, real, const derived&, std::uint64_t) { return false; }
  template <class Noise>
  ENGRAM_HOST_DEVICE static void synapse_step(state& s, const derived& d, const pre_state& pre, const post_state& post,
                                              std::uint64_t, const Noise&) {
    if (post.arrived != real(0)) on_bpap(s, d);
    calcium_step(s, d, pre, post.drive);
    w_step(s, d, s.ca);
    s.Q = s.Q + excess_increment(s.ca, d);
  }
  ENGRAM_HOST_DEVICE static real efficacy(real w, const state& s, const derived& d) {
    return w * non_negative((s.w + s.w_lo) * d.inv_W_init);
  }

  // One step of the receptor occupancy: decay, then this step's presynaptic spike.
  ENGRAM_HOST_DEVICE static void update_pre(pre_state& s, const derived& d, bool spike) {
    s.o_f = s.o_f * d.nmda_f_decay;
    s.o_s = s.o_s * d.nmda_s_decay;
    if (spike) {
      const real closed = real(1) - d.closed_scale * (s.o_f + s.o_s);
      s.o_f = s.o_f + d.open_f * closed;
      s.o_s = s.o_s + d.open_s * closed;
    }
  }
  // One step of the BPAP: decay, then a BPAP arriving this step replaces the previous one.
  ENGRAM_HOST_DEVICE static void update_post(post_state& s, const derived& d, bool bpap_arrives) {
    s.b_f = s.b_f * d.bpap_f_decay;
    s.b_s = s.b_s * d.bpap_s_decay;
    if (bpap_arrives) {
      s.b_f = d.bpap_f;
      s.b_s = d.bpap_s;
    }
  }
  // BPAP depolarisation at the spine (mV above rest).
  ENGRAM_HOST_DEVICE static real bpap(const post_state& s) { return s.b_f + s.b_s; }
  // VDCC calcium of a BPAP arriving this step (call before synapse_step).
  ENGRAM_HOST_DEVICE static void on_bpap(state& s, const derived& d) { s.ca = s.ca + d.c_vdcc; }

  ENGRAM_HOST_DEVICE static real sig(real x, real b) { return real(1) / (real(1) + math::expf(-b * x)); }
  ENGRAM_HOST_DEVICE static real omega(real c, const derived& d) {
    return real(0.25) + sig(c - d.alpha2, d.beta2) - real(0.25) * sig(c - d.alpha1, d.beta1);
  }
  // Learning rate, 1/ms.
  ENGRAM_HOST_DEVICE static real eta(real c, const derived& d) {
    real cp = c;
    for (int i = 1; i < d.P3; ++i) cp = cp * c;
    return real(1) / (d.P1 / (d.P2 + cp) + d.P4);
  }

  // Calcium influx per unit open NMDA fraction at dendritic voltage v (mV, absolute), µM/ms.
  // Depends only on the postsynaptic neuron: compute once per neuron and step where it matters.
  ENGRAM_HOST_DEVICE static real nmda_drive(real v, const derived& d) {
    return d.g_nmda * receptors::mg_block(v, d.mg) * (v - d.v_r);
  }
  // One step of calcium: exact decay, influx at the step's start held over the step.
  ENGRAM_HOST_DEVICE static void calcium_step(state& s, const derived& d, const pre_state& pre, real drive) {
    s.ca = s.ca * d.ca_decay + (pre.o_f + pre.o_s) * drive * d.ca_gain;
  }
  // One explicit Euler step of W at calcium c, summed with compensation (see the header comment).
  // Calcium below 0 (possible only if the dendrite goes above V_r, e.g. a huge BPAP) counts as
  // 0: eta has a pole at negative c for odd P3.
  ENGRAM_HOST_DEVICE static void w_step(state& s, const derived& d, real c_in) {
    const real c = c_in > real(0) ? c_in : real(0);
    const real dw = eta(c, d) * (omega(c, d) - d.lambda * s.w) * d.dt;
    const real y = dw - s.w_lo;
    const real t = s.w + y;
    s.w_lo = (t - s.w) - y;
    s.w = t;
  }
  // One step of a synapse: calcium from its presynaptic occupancy and the voltage, then W.
  ENGRAM_HOST_DEVICE static void synapse_step(state& s, const derived& d, const pre_state& pre, real v_dendrite) {
    calcium_step(s, d, pre, nmda_drive(v_dendrite, d));
    w_step(s, d, s.ca);
    s.Q = s.Q + excess_increment(s.ca, d);
  }

  // Excess-calcium read-out (M4.3): this step's contribution max(0, Ca - theta_Q) dt, µM ms;
  // summed per synapse into state Q in a network (record it with a weights recorder,
  // "variable": "Q").
  ENGRAM_HOST_DEVICE static real excess_increment(real ca, const derived& d) {
    return ca > d.theta_Q ? (ca - d.theta_Q) * d.dt : real(0);
  }

  // Double-precision references (host only, for tests and analysis).
  static double omega_exact(double c, const params& p) {
    const auto sg = [](double x, double b) { return 1.0 / (1.0 + math::exp(-b * x)); };
    return 0.25 + sg(c - p.alpha2, p.beta2) - 0.25 * sg(c - p.alpha1, p.beta1);
  }
  static double eta_exact(double c, const params& p) {  // 1/ms
    return 1.0 / (p.P1 / (p.P2 + std::pow(c, p.P3)) + p.P4);
  }
};

}  // namespace engram::plasticity
