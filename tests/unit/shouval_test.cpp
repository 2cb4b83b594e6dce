// Shouval, Bear & Cooper (2002) spine calcium and Omega rule (models/plasticity/shouval.hpp)
// against the science dossier: models.md M2, M3.1, M4.1, M4.3; protocols.md P-UNIT-1, P-UNIT-3,
// P-UNIT-6, P-CA-1, P-CA-2. Expected values are the dossier's, not this code's output.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <utility>

#include "models/plasticity/shouval.hpp"
#include "models/synapses/receptors.hpp"
#include "support/clamped_protocols.hpp"

using namespace engram;
using sh = plasticity::shouval;

namespace {

// P-UNIT-6 peak spine calcium (µM) of one pairing (tests/support/clamped_protocols.hpp).
double peak_calcium(const sh::params& p, double dt, bool pre, std::optional<double> t_post) {
  return protocols::shouval_pairing(p, dt, pre, t_post).peak;
}
// P-CA-1: W after `steps` steps at clamped calcium c.
sh::state clamp_calcium(const sh::params& p, const sh::derived& d, real c, long steps, double& q_uMs) {
  return protocols::shouval_clamp(p, d, c, steps, q_uMs);
}

}  // namespace

// P-UNIT-1 (M2): Jahr-Stevens Mg block, [derived] values, 1e-4 absolute.
TEST(Shouval, P_UNIT_1_mg_block) {
  struct row {
    double v, mg, b;
  };
  const row rows[] = {{-80, 1, 0.0244}, {-65, 1, 0.0597}, {-40, 1, 0.2302}, {-20, 1, 0.5081},
                      {0, 1, 0.7812},   {20, 1, 0.9250},  {-65, 2, 0.0308}, {0, 2, 0.6409}};
  for (const row& r : rows) {
    EXPECT_NEAR(receptors::mg_block_exact(r.v, r.mg), r.b, 1e-4) << "V = " << r.v << " mV, Mg = " << r.mg;
    EXPECT_NEAR(receptors::mg_block(static_cast<real>(r.v), static_cast<real>(r.mg)), r.b, 1e-4)
        << "float, V = " << r.v << " mV, Mg = " << r.mg;
  }
}

// P-UNIT-3 (M4.1): Omega and tau = 1/eta, 1e-4 relative, double reference and float model.
TEST(Shouval, P_UNIT_3_omega_and_eta) {
  const sh::params p{};
  const sh::derived d = sh::derive(p, 0.1);
  const double om[][2] = {{0.0, 0.2500}, {0.40, 0.0045027}, {0.55, 0.5000}, {1.0, 1.0000}};
  for (const auto& r : om) {
    EXPECT_NEAR(sh::omega_exact(r[0], p), r[1], 1e-4 * r[1]) << "c = " << r[0];
    EXPECT_NEAR(sh::omega(static_cast<real>(r[0]), d), r[1], 1e-4 * r[1]) << "float, c = " << r[0];
  }
  const double tau_s[][2] = {{0.0, 10001.0}, {0.40, 2.5623}, {1.10, 1.0751}};  // µM, s
  for (const auto& r : tau_s) {
    EXPECT_NEAR(1.0 / sh::eta_exact(r[0], p) / 1000.0, r[1], 1e-4 * r[1]) << "c = " << r[0];
    EXPECT_NEAR(1.0 / sh::eta(static_cast<real>(r[0]), d) / 1000.0, r[1], 1e-4 * r[1]) << "float, c = " << r[0];
  }
}

// P-CA-1 (M4.1, M4.3): clamped square calcium pulses from W0 = 0.25 at dt = 0.1 ms; W within
// 1e-3, and the excess integral Q = ∫ max(0, Ca - 0.35 µM) dt.
TEST(Shouval, P_CA_1_calcium_waveform_decides_direction) {
  const sh::params p{};  // theta_Q = 0.35 µM = alpha1
  const double dt = 0.1;
  const sh::derived d = sh::derive(p, dt);
  double q = 0.0;
  EXPECT_NEAR(clamp_calcium(p, d, 1.1f, std::lround(400.0 / dt), q).w, 0.4830, 1e-3) << "1.1 uM, 400 ms: LTP";
  EXPECT_NEAR(q, 0.30, 1e-4);
  EXPECT_NEAR(clamp_calcium(p, d, 0.4f, std::lround(1200.0 / dt), q).w, 0.1582, 1e-3) << "0.4 uM, 1.2 s: LTD";
  EXPECT_NEAR(q, 0.06, 1e-4);
  EXPECT_NEAR(clamp_calcium(p, d, 0.2f, std::lround(10000.0 / dt), q).w, 0.2500, 1e-3) << "0.2 uM, 10 s: none";
  EXPECT_EQ(q, 0.0);  // 0.2 µM never exceeds theta_0 (M4.3 definition)
}

// M4.1: after the pulse W relaxes to 0.25 with tau(0) = 10 001 s. One step moves W by ~2.5e-9 here,
// below float resolution, so this checks the compensated sum in w_step.
TEST(Shouval, W_relaxes_at_rest_with_tau0) {
  sh::params p{};
  p.W_init = 0.5;
  const double dt = 0.1, t_ms = 10000.0;
  const sh::derived d = sh::derive(p, dt);
  double q = 0.0;
  const sh::state s = clamp_calcium(p, d, 0.0f, std::lround(t_ms / dt), q);
  const double expected = 0.25 + 0.25 * std::exp(-t_ms / (10001.0 * 1000.0));  // 0.5 - 2.4988e-4
  EXPECT_NEAR(s.w + s.w_lo, expected, 2e-6);
}

// P-UNIT-6 (M3.1, BPAP + ADP, EPSP peak 1 mV, BPAP delay 2 ms): peak spine calcium, ±2%, at the
// dossier's dt = 0.005 ms. The NMDA convention does not matter for one spike from rest (both add
// P0); the default (saturating) is used.
TEST(Shouval, P_UNIT_6_spine_calcium_pairing) {
  const sh::params p{};
  struct row {
    const char* what;
    bool pre;
    std::optional<double> t_post;
    double peak;
  };
  const row rows[] = {{"pre only", true, std::nullopt, 0.288}, {"dt = -10 ms", true, -10.0, 0.423},
                      {"dt = +10 ms", true, 10.0, 0.640},      {"dt = +50 ms", true, 50.0, 0.551},
                      {"dt = -50 ms", true, -50.0, 0.306}};
  for (const row& r : rows) {
    EXPECT_NEAR(peak_calcium(p, 0.005, r.pre, r.t_post), r.peak, 0.02 * r.peak) << r.what;
    // At the engine's usual dt = 0.1 ms the held-influx integrator (first order) overestimates the
    // peaks by < 0.5%, so the dossier's ±2% is kept rather than loosened.
    EXPECT_NEAR(peak_calcium(p, 0.1, r.pre, r.t_post), r.peak, 0.02 * r.peak) << r.what << ", dt = 0.1 ms";
  }
  EXPECT_EQ(peak_calcium(p, 0.005, false, 0.0), 0.0) << "post only: no NMDA current without glutamate";
}

// P-CA-2 (M3.1): NMDA receptors detect coincidence. Pre->post (+10 ms) over pre only: dossier
// 0.640 / 0.288 = 2.22 (asserted > 2.0 and within the two ±2% of P-UNIT-6), crossing alpha2;
// with [Mg2+] = 0 the pre-only peak rises >= 5x (acceptance margin, ours, in the dossier).
TEST(Shouval, P_CA_2_coincidence) {
  const sh::params p{};
  const double dt = 0.005;
  const double pre_only = peak_calcium(p, dt, true, std::nullopt);
  const double paired = peak_calcium(p, dt, true, 10.0);
  EXPECT_GT(paired / pre_only, 2.0);
  EXPECT_NEAR(paired / pre_only, 0.640 / 0.288, 0.04 * 0.640 / 0.288);
  EXPECT_GT(paired, p.alpha2);
  EXPECT_LT(pre_only, p.alpha1);
  EXPECT_EQ(peak_calcium(p, dt, false, 0.0), 0.0);
  sh::params no_mg = p;
  no_mg.Mg = 0.0;
  EXPECT_GE(peak_calcium(no_mg, dt, true, std::nullopt), 5.0 * pre_only);
}

// P-CTRL-1 (M3.1): with NMDA receptors blocked and C_VDCC = 0 a pairing leaves calcium at rest.
TEST(Shouval, NmdaBlockRemovesCalcium) {
  sh::params p{};
  p.nmda_block = 1.0;
  EXPECT_EQ(peak_calcium(p, 0.1, true, 10.0), 0.0);
}

// M3.1 occupancy conventions, analytic: a second spike T after the first opens P0 of the
// receptors still closed (saturating) or adds P0 (linear); identical for the first spike.
TEST(Shouval, NmdaOccupancyConventions) {
  const double dt = 0.1, T = 20.0;
  for (double saturating : {1.0, 0.0}) {
    sh::params p{};
    p.nmda_saturating = saturating;
    const sh::derived d = sh::derive(p, dt);
    sh::pre_state s{};
    sh::update_pre(s, d, true);
    EXPECT_NEAR(s.o_f + s.o_s, p.P0, 1e-7);
    for (long n = 0; n < std::lround(T / dt); ++n) sh::update_pre(s, d, n + 1 == std::lround(T / dt));
    const double o = p.P0 * (p.I_f * std::exp(-T / p.tau_f) + p.I_s * std::exp(-T / p.tau_s));
    const double expected = o + p.P0 * (saturating == 1.0 ? 1.0 - o : 1.0);
    // 1e-5: 200 products with float propagators, each exp(-dt/tau) rounded to ~6e-8 relative.
    EXPECT_NEAR(s.o_f + s.o_s, expected, 1e-5) << "saturating = " << saturating;
  }
}

// M3.1: the occupancy convention decides train results. 100 presynaptic spikes at 5 Hz, no
// postsynaptic spikes, EPSP peak 10 mV with EPSPs of successive spikes summed linearly (folmez
// EPSP.m), dt = 0.1 ms, W read 1 s after the last spike: dossier W/W0 = 0.72 (saturating) and
// 1.97 (linear), [independent re-computation]. No tolerance is given there; ±2% is ours.
TEST(Shouval, Train5HzOccupancyConventions) {
  for (const auto& [saturating, expected] : {std::pair{1.0, 0.72}, std::pair{0.0, 1.97}}) {
    sh::params p{};
    p.nmda_saturating = saturating;
    const double dt = 0.1;
    const sh::derived d = sh::derive(p, dt);
    const double epsp_amp = 10.0 * receptors::dual_exp_norm(5.0, 50.0);  // mV, peak 10 mV
    const double decay_1 = std::exp(-dt / 50.0), decay_2 = std::exp(-dt / 5.0);
    double x1 = 0.0, x2 = 0.0;  // EPSP = x1 - x2, mV
    sh::pre_state ps{};
    sh::state s = sh::initial(p);
    const long isi = std::lround(200.0 / dt), n_steps = 100 * isi + std::lround(1000.0 / dt);
    for (long n = 0; n < n_steps; ++n) {
      const bool spike = n % isi == 0 && n / isi < 100;
      x1 = x1 * decay_1 + (spike ? epsp_amp : 0.0);
      x2 = x2 * decay_2 + (spike ? epsp_amp : 0.0);
      sh::update_pre(ps, d, spike);
      sh::synapse_step(s, d, ps, static_cast<real>(-65.0 + x1 - x2));
    }
    EXPECT_NEAR((s.w + s.w_lo) / p.W_init, expected, 0.02 * expected) << "saturating = " << saturating;
  }
}

TEST(Shouval, CheckRejectsBadParameters) {
  param_check ok;
  sh::check(sh::params{}, 0.1, ok);
  EXPECT_TRUE(ok.ok()) << ok.field << ": " << ok.message;
  const auto field_of = [](sh::params p) {
    param_check c;
    sh::check(p, 0.1, c);
    return c.field;
  };
  sh::params p{};
  p.alpha1 = 0.6;
  EXPECT_EQ(field_of(p), "alpha2");
  p = {};
  p.tau_Ca = -1.0;
  EXPECT_EQ(field_of(p), "tau_Ca");
  p = {};
  p.G_NMDA = 0.002;
  EXPECT_EQ(field_of(p), "G_NMDA");
  p = {};
  p.P3 = 2.5;
  EXPECT_EQ(field_of(p), "P3");
  p = {};
  p.nmda_block = 1.5;
  EXPECT_EQ(field_of(p), "nmda_block");
}
