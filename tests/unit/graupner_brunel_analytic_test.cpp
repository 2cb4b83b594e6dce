// Analytic reduction of Graupner & Brunel 2012 (models/plasticity/graupner_brunel_analytic.hpp)
// against the numbers of the science dossier (protocols.md P-UNIT-4, P-STDP-2, P-STDP-3,
// P-META-1; models.md M3.2, M4.2). Expected values are the dossier's, never this code's output.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/plasticity/graupner_brunel_analytic.hpp"

using namespace engram::plasticity;
namespace gba = engram::plasticity::gb_analytic;

namespace {
graupner_brunel::params named_set(const std::string& name) {
  graupner_brunel::params p;
  EXPECT_TRUE(graupner_brunel::parameter_set(name, p)) << name;
  return p;
}
}  // namespace

// P-UNIT-4 (protocols.md; [derived], DP set, M3.2): time above theta_d / theta_p for one
// isolated pair, exact event-driven update, tolerance 1e-3 ms.
TEST(Protocol, P_UNIT_4_time_above_threshold_DP_set) {
  const auto p = named_set("DP");
  struct row {
    double dt, above_d, above_p;
  };
  const row rows[] = {{-10, 23.406, 12.912}, {0, 27.645, 17.313}, {10, 23.283, 18.036}, {20, 20.084, 14.837}};
  for (const auto& r : rows) {
    EXPECT_NEAR(gba::pair_time_above(p, r.dt, p.theta_d), r.above_d, 1e-3) << "dt = " << r.dt;
    EXPECT_NEAR(gba::pair_time_above(p, r.dt, p.theta_p), r.above_p, 1e-3) << "dt = " << r.dt;
  }
}

// P-STDP-2 (protocols.md; GB2012 Fig. 2, [derived] with the authors' timeAboveThreshold.py and
// synapticChange.py): 60 pairs at 1 Hz, beta and b of each set, tolerance +-0.002.
TEST(Protocol, P_STDP_2_analytic_reduction_all_sets) {
  const double dts[11] = {-100, -50, -20, -10, -5, 0, 5, 10, 20, 50, 100};
  struct row {
    const char* set;
    double change[11];
  };
  const row table[] = {
      {"DP", {0.992, 0.905, 0.764, 0.882, 0.943, 1.008, 1.241, 1.221, 1.172, 1.055, 1.005}},
      {"DPD", {1.000, 1.000, 0.998, 0.859, 0.846, 0.997, 1.193, 0.961, 0.868, 1.000, 1.000}},
      {"DPD'", {0.945, 0.914, 0.811, 0.771, 0.801, 1.041, 1.139, 0.971, 0.900, 0.938, 0.947}},
      {"P", {1.003, 1.029, 1.098, 1.230, 1.256, 1.238, 1.256, 1.230, 1.098, 1.029, 1.003}},
      {"D", {1.000, 1.000, 1.000, 1.000, 0.994, 0.637, 0.994, 1.000, 1.000, 1.000, 1.000}},
      {"D'", {0.922, 0.874, 0.735, 0.719, 0.753, 0.784, 0.811, 0.834, 0.868, 0.913, 0.925}},
      {"hippocampal slices", {1.000, 0.999, 0.988, 0.978, 0.972, 0.964, 0.955, 0.945, 0.936, 1.000, 1.000}},
      {"cortical slices", {0.999, 0.999, 0.999, 0.860, 0.735, 0.772, 1.130, 1.041, 0.964, 0.990, 0.999}},
      {"hippocampal cultures", {1.000, 1.000, 1.000, 1.000, 0.913, 0.774, 1.115, 1.212, 1.116, 1.011, 1.000}},
  };
  for (const auto& r : table) {
    const auto p = named_set(r.set);
    for (int i = 0; i < 11; ++i)
      EXPECT_NEAR(gba::stdp_change(p, dts[i], 1.0, 60), r.change[i], 0.002) << r.set << ", dt = " << dts[i];
  }

  // Extra DP points.
  const auto dp = named_set("DP");
  const double extra[][2] = {{-30, 0.775}, {-15, 0.821}, {15, 1.197}, {30, 1.125}};
  for (const auto& e : extra) EXPECT_NEAR(gba::stdp_change(dp, e[0], 1.0, 60), e[1], 0.002) << "dt = " << e[0];

  // DP fractions of time above threshold at 1 Hz (given to 4 decimals: tolerance half a unit).
  const double alphas[][3] = {{-10, 0.0234, 0.0129}, {0, 0.0276, 0.0173}, {10, 0.0233, 0.0180}};
  for (const auto& a : alphas) {
    const auto f = gba::pair_fractions(dp, a[0], 1.0);
    EXPECT_NEAR(f.alpha_d, a[1], 5e-5) << "dt = " << a[0];
    EXPECT_NEAR(f.alpha_p, a[2], 5e-5) << "dt = " << a[0];
  }
}

// P-STDP-3 (protocols.md; GB2012 Fig. 4B, cortical-slices set, [derived] rows): 75 pairs at f,
// beta = 0.5, b = 5.40988 (the set's own values), tolerance +-0.002; then model vs Sjöström,
// Turrigiano & Nelson 2001 (data + 1 +- SEM) within 2.5 SEM.
TEST(Protocol, P_STDP_3_rate_dependence_cortical_slices_analytic) {
  const auto p = named_set("cortical slices");
  ASSERT_EQ(p.beta, 0.5);
  ASSERT_EQ(p.b, 5.40988);
  const double freqs[8] = {0.1, 1, 5, 10, 20, 30, 40, 50};
  const double plus10[8] = {1.061, 1.061, 1.062, 1.083, 1.253, 1.192, 1.553, 1.637};
  const double minus10[8] = {0.691, 0.691, 0.690, 0.621, 0.635, 1.186, 1.585, 1.637};
  for (int i = 0; i < 8; ++i) {
    EXPECT_NEAR(gba::stdp_change(p, +10, freqs[i], 75), plus10[i], 0.002) << "f = " << freqs[i];
    EXPECT_NEAR(gba::stdp_change(p, -10, freqs[i], 75), minus10[i], 0.002) << "f = " << freqs[i];
  }

  struct datum {
    double f, dt, mean, sem;
  };
  const datum data[] = {{0.1, 10, 0.96, 0.05}, {10, 10, 1.14, 0.10},  {20, 10, 1.29, 0.14},
                        {40, 10, 1.53, 0.11},  {50, 10, 1.56, 0.26},  {0.1, -10, 0.71, 0.08},
                        {10, -10, 0.59, 0.11}, {20, -10, 0.66, 0.10}, {40, -10, 1.56, 0.32},
                        {50, -10, 1.75, 0.19}};
  for (const auto& d : data)
    EXPECT_LE(std::fabs(gba::stdp_change(p, d.dt, d.f, 75) - d.mean), 2.5 * d.sem)
        << "f = " << d.f << ", dt = " << d.dt;
}

// P-META-1 (protocols.md, [derived]): kappa_NMDA scales C_pre, cortical-slices set,
// presynaptic-only regular trains; onset frequency f* of calcium crossing theta_d / theta_p,
// tolerance +-0.2 Hz; checked also by bisection on f with the event-driven train.
TEST(Protocol, P_META_1_nmda_ratio_shifts_ltp_onset) {
  struct row {
    double kappa, f_d, f_p;
  };
  const row rows[] = {{1.0, 53.4, 77.9}, {1.5, 23.8, 42.2}, {2.0, 0.0, 22.1}};
  for (const auto& r : rows) {
    auto p = named_set("cortical slices");
    p.kappa_NMDA = r.kappa;
    EXPECT_NEAR(gba::lti_onset_frequency(p, p.theta_d), r.f_d, 0.2) << "kappa = " << r.kappa;
    EXPECT_NEAR(gba::lti_onset_frequency(p, p.theta_p), r.f_p, 0.2) << "kappa = " << r.kappa;

    // Bisection on f: does a train started from c = 0 ever cross theta (within 1000 spikes)?
    for (const double theta : {p.theta_d, p.theta_p}) {
      const double expected = theta == p.theta_d ? r.f_d : r.f_p;
      if (gba::pre_train_first_crossing(p, 1e-3, theta, 1000) == 1) {  // one spike suffices
        EXPECT_EQ(expected, 0.0) << "kappa = " << r.kappa;
        continue;
      }
      double lo = 1e-3, hi = 1000.0;
      ASSERT_NE(gba::pre_train_first_crossing(p, hi, theta, 1000), 0);
      for (int it = 0; it < 60; ++it) {
        const double mid = 0.5 * (lo + hi);
        (gba::pre_train_first_crossing(p, mid, theta, 1000) ? hi : lo) = mid;
      }
      EXPECT_NEAR(hi, expected, 0.2) << "kappa = " << r.kappa << ", theta = " << theta;
      // The steady-state fractions agree: zero below f*, positive above.
      const auto below = gba::pre_train_fractions(p, 0.99 * hi), above = gba::pre_train_fractions(p, 1.01 * hi);
      EXPECT_EQ(theta == p.theta_d ? below.alpha_d : below.alpha_p, 0.0);
      EXPECT_GT(theta == p.theta_d ? above.alpha_d : above.alpha_p, 0.0);
    }
  }
}
