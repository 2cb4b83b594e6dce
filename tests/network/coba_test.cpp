// P-NET-2: the COBA benchmark (Vogels & Abbott 2005; Brette et al. 2007 benchmark 1) sustains
// asynchronous irregular activity by itself. The comparison with a Brian 2 run of the same
// network is the separate CTest test network.coba_vs_brian2 (skipped where Brian 2 is absent).
#include <gtest/gtest.h>

#include "engram/model_file.hpp"
#include "engram/simulation.hpp"
#include "support/analysis.hpp"

using namespace engram;

TEST(Protocol, P_NET_2_coba_self_sustained_asynchronous_irregular) {
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/coba.json");
  net.run.duration = 2000.0;
  ASSERT_TRUE(net.stimuli.empty()) << "the activity must be self-sustained: no external input";
  auto sim = make_simulation(net);
  sim->advance(net.steps());
  const recording& rec = sim->results();
  const auto& e = rec.spike_recorders.at(0);
  // Activity persists in the last second (>= 1 s after the initial kick), without runaway.
  const auto counts = test::population_counts(e, net.steps(), 100, 10000);  // 10 ms bins, second 2
  double last_second = 0;
  int silent_bins = 0;
  for (double c : counts) {
    last_second += c;
    silent_bins += c == 0;
  }
  const double rate = last_second / 3200.0;
  std::printf("COBA: E rate in the second second %.2f Hz, CV(ISI) %.3f, chi %.3f\n", rate,
              test::mean_cv(test::trains(e, 3200)), test::synchrony(e, net.steps(), 10, 3200, 10000));
  EXPECT_GT(rate, 2.0);
  EXPECT_LT(rate, 100.0);
  EXPECT_EQ(silent_bins, 0);
  EXPECT_GT(test::mean_cv(test::trains(e, 3200)), 0.5);          // irregular
  EXPECT_LT(test::synchrony(e, net.steps(), 10, 3200, 10000), 0.1);  // asynchronous
}
