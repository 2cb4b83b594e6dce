// Poisson input counts: mean, variance, zero-count probability and the distribution of the
// gaps between non-empty steps, for means below and above the chunking threshold.
#include <gtest/gtest.h>

#include <cmath>

#include "engram/models.hpp"
#include "engram/simulation.hpp"
#include "models/poisson.hpp"

using namespace engram;

namespace {
struct stats {
  double mean = 0, var = 0, p0 = 0;
};
stats sample_counts(double lambda, std::uint32_t n) {
  const auto chunks = static_cast<std::uint32_t>(std::max(1.0, std::ceil(lambda / poisson_chunk_mean)));
  const double cl = lambda / chunks;
  stats s;
  double m2 = 0;
  for (std::uint32_t i = 0; i < n; ++i) {
    const double c = poisson_count(42, 3, i % 1000, i / 1000, chunks, cl, std::exp(-cl));
    s.mean += c;
    m2 += c * c;
    s.p0 += c == 0;
  }
  s.mean /= n;
  s.var = m2 / n - s.mean * s.mean;
  s.p0 /= n;
  return s;
}
}  // namespace

TEST(Poisson, CountsHaveMeanAndVarianceLambda) {
  const std::uint32_t n = 400000;
  for (double lambda : {0.002, 0.2, 2.0, 7.5, 20.0, 150.0}) {
    const stats s = sample_counts(lambda, n);
    // Standard error of the mean is sqrt(lambda/n); allow 5 of them.
    EXPECT_NEAR(s.mean, lambda, 5 * std::sqrt(lambda / n)) << "lambda " << lambda;
    // Var of the sample variance ~ (lambda + 2 lambda^2)/n.
    EXPECT_NEAR(s.var, lambda, 5 * std::sqrt((lambda + 2 * lambda * lambda) / n)) << "lambda " << lambda;
    const double p0 = std::exp(-lambda);
    EXPECT_NEAR(s.p0, p0, 5 * std::sqrt(p0 * (1 - p0) / n) + 1e-12) << "lambda " << lambda;
  }
}

// A Poisson source at rate r sampled per step has geometric gaps between non-empty steps:
// the mean gap is 1/(1 - exp(-lambda)) steps and the gap CV is sqrt(exp(-lambda)).
TEST(Poisson, IntervalsAreGeometric) {
  const double lambda = 0.01;  // 100 Hz source, dt = 0.1 ms
  std::vector<double> gaps;
  for (std::uint32_t neuron = 0; neuron < 50; ++neuron) {
    long last = -1;
    for (std::uint32_t step = 0; step < 200000; ++step) {
      if (poisson_count(7, 1, neuron, step, 1, lambda, std::exp(-lambda)) > 0) {
        if (last >= 0) gaps.push_back(static_cast<double>(step - last));
        last = step;
      }
    }
  }
  double m = 0, m2 = 0;
  for (double g : gaps) m += g;
  m /= gaps.size();
  for (double g : gaps) m2 += (g - m) * (g - m);
  const double cv = std::sqrt(m2 / gaps.size()) / m;
  const double p = 1 - std::exp(-lambda);
  EXPECT_NEAR(m, 1 / p, 4 * (std::sqrt(1 - p) / p) / std::sqrt(gaps.size()));
  EXPECT_NEAR(cv, std::sqrt(1 - p), 0.01);
}

TEST(Poisson, CountsDependOnlyOnTheirKey) {
  const double l = 3.0, e = std::exp(-3.0);
  EXPECT_EQ(poisson_count(1, 2, 3, 4, 1, l, e), poisson_count(1, 2, 3, 4, 1, l, e));
  int differ = 0;
  for (std::uint32_t s = 0; s < 100; ++s) differ += poisson_count(1, 2, 3, s, 1, l, e) != poisson_count(2, 2, 3, s, 1, l, e);
  EXPECT_GT(differ, 50);  // another seed gives other numbers
}

// spike_source_poisson: 2000 neurons at 20 Hz in [1 s, 6 s): the count has mean
// rate x duration per neuron (within 4 standard errors of the total), the counts per neuron
// have a Fano factor of 1 (variance = mean, within 10%), no spike falls outside [start, stop),
// and another seed gives other trains.

TEST(Poisson, SpikeSourcePoissonHasItsRateAndPoissonCounts) {
  network net;
  net.run.dt = 0.1;
  net.run.duration = 7000.0;
  population p;
  p.name = "P";
  p.model = spike_source_poisson_model;
  p.size = 2000;
  p.params = {{"rate", 20.0}, {"start", 1000.0}, {"stop", 6000.0}};
  net.populations.push_back(p);
  recorder r;
  r.population = "P";
  net.recorders.push_back(r);
  const auto counts = [&](std::uint64_t seed) {
    net.run.seed = seed;
    auto sim = make_simulation(net, {backend_choice::cpu, 1});
    sim->advance(net.steps());
    const auto& rec = sim->results().spike_recorders.at(0);
    std::vector<double> c(2000, 0.0);
    for (std::size_t k = 0; k < rec.step.size(); ++k) {
      EXPECT_GE(rec.step[k], 10000u);
      EXPECT_LT(rec.step[k], 60000u);
      c[rec.neuron[k]] += 1;
    }
    return c;
  };
  const auto c = counts(1);
  double mean = 0, m2 = 0;
  for (double x : c) mean += x, m2 += x * x;
  mean /= 2000.0;
  const double var = m2 / 2000.0 - mean * mean;
  const double q = -std::expm1(-20.0 * 1e-4);  // one spike at most per step: Bernoulli q per step
  const double expected = 50000.0 * q;
  EXPECT_NEAR(mean, expected, 4.0 * std::sqrt(expected / 2000.0));
  EXPECT_NEAR(var / mean, 1.0 - q, 0.1);
  EXPECT_NE(counts(2), c);
}

// Single-chunk counts of four neighbouring neurons come from the four words of one Philox block
// (the CPU backend draws the block once for all four): the counts equal the per-neuron function's,
// and neighbours sharing a block are uncorrelated.
TEST(Poisson, NeighboursShareABlockIndependently) {
  const double l = 0.5, e = std::exp(-l);
  double sxy = 0, sx = 0, sy = 0, sxx = 0, syy = 0;
  const int n = 200000;
  for (std::uint32_t g = 0; g < static_cast<std::uint32_t>(n); ++g) {
    const auto r = poisson_block_of_four(5, 2, g, 9);
    for (std::uint32_t k = 0; k < 4; ++k)
      ASSERT_EQ(poisson_inversion(unit_from_word(r.v[k]), l, e), poisson_count(5, 2, 4 * g + k, 9, 1, l, e));
    const double x = poisson_count(5, 2, 4 * g, 9, 1, l, e), y = poisson_count(5, 2, 4 * g + 1, 9, 1, l, e);
    sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
  }
  const double cov = sxy / n - (sx / n) * (sy / n);
  const double corr = cov / std::sqrt((sxx / n - (sx / n) * (sx / n)) * (syy / n - (sy / n) * (sy / n)));
  EXPECT_NEAR(corr, 0.0, 5.0 / std::sqrt(static_cast<double>(n)));  // 5 standard errors
}


// The CPU backend skips a neuron's word without converting it when it is at most
// quiet_word_limit(exp(-lambda)): exactly the words whose uniform gives no event.
TEST(Poisson, QuietWordLimitSplitsWordsExactly) {
  for (double lambda : {1e-9, 1e-6, 0.05, 0.5, 2.0, 8.0, 25.0}) {
    const double e = std::exp(-lambda);
    const std::int64_t limit = quiet_word_limit(e);
    ASSERT_GE(limit, -1);
    ASSERT_LE(limit, 4294967295);
    const auto quiet = [&](std::int64_t w) { return unit_from_word(static_cast<std::uint32_t>(w)) <= e; };
    if (limit >= 0) EXPECT_TRUE(quiet(limit)) << lambda;
    if (limit < 4294967295) EXPECT_FALSE(quiet(limit + 1)) << lambda;
    for (std::int64_t w = std::max<std::int64_t>(0, limit - 1000); w <= std::min<std::int64_t>(4294967295, limit + 1000); ++w)
      ASSERT_EQ(w <= limit, quiet(w)) << "lambda " << lambda << ", word " << w;
    for (std::uint32_t i = 0; i < 100000; ++i) {
      const std::uint32_t w = rng::block(7, rng::domain::poisson, 1, i, 0, 0).v[0];
      ASSERT_EQ(static_cast<std::int64_t>(w) <= limit, quiet(w)) << "lambda " << lambda << ", word " << w;
    }
  }
  EXPECT_EQ(quiet_word_limit(0.0), -1);          // every word has an event
  EXPECT_EQ(quiet_word_limit(1.0), 4294967295);  // no word has one
}
