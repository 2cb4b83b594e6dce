// The Hebbian instability and its cure (issue 6; science dossier P-HOM-2): the demonstration
// networks models/networks/hebbian_instability{,_scaling,_ip}.json run time-compressed. Both files
// describe 10 h of biological time with hours-long homeostasis; here every slow time scale is
// shortened 200 times (STDP's lambda, scaling's beta and the adaptive threshold's theta_plus
// x200, the rate sensor's tau_a and the scaling interval /200) and the run lasts 60 s, with the same network (800 E, 200 I).
// Expected (the dossier's acceptance margins): without homeostasis the E rate grows at least
// three-fold and the E->E weights pile up at W_max; with synaptic scaling every 1 s bin of the E
// rate stays within +-50% of the 5 Hz target.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include "engram/model_file.hpp"
#include "engram/simulation.hpp"

namespace engram {
namespace {

constexpr double compression = 200.0;
constexpr double duration_ms = 60000.0;

network compressed(const char* file) {
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR "/models/networks/") + file);
  net.run.duration = duration_ms;
  for (auto& [k, v] : net.populations[0].params)
    if (k == "theta_plus") v *= compression;  // intrinsic plasticity: the threshold's rate of change
  for (auto& spec : net.projections[static_cast<std::size_t>(net.projection_index("EE"))].plasticity) {
    if (spec.rule == "stdp") spec.params["lambda"] *= compression;
    if (spec.rule == "synaptic_scaling") {
      spec.params["beta"] *= compression;
      spec.params["tau_a"] /= compression;
      spec.params["update_interval"] /= compression;
    }
  }
  for (auto& r : net.recorders) {
    if (r.type == recorder::kind::rate) r.bin = 1000.0;
    if (r.type == recorder::kind::weights) r.times = {0.0, duration_ms};
  }
  return net;
}

struct history {
  std::vector<double> rate;  // E, Hz, 1 s bins
  double w_start = 0, w_end = 0, at_max = 0;  // mean E->E weights; fraction within 1% of W_max
};
history run(const network& net) {
  auto sim = make_simulation(net, {backend_choice::cpu, 0});
  sim->advance(net.steps());
  const auto& res = sim->results();
  history h;
  const double n_e = static_cast<double>(net.populations[static_cast<std::size_t>(net.population_index("E"))].size);
  for (const auto& r : res.rate_recorders)
    if (r.population == net.population_index("E"))
      for (auto c : r.counts) h.rate.push_back(static_cast<double>(c) / n_e);  // 1 s bins: spikes per neuron = Hz
  const auto& w = res.weight_recorders.at(0).values;
  const std::size_t n = w.size() / 2;
  h.w_start = std::accumulate(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(n), 0.0) / static_cast<double>(n);
  h.w_end = std::accumulate(w.begin() + static_cast<std::ptrdiff_t>(n), w.end(), 0.0) / static_cast<double>(n);
  h.at_max = static_cast<double>(std::count_if(w.begin() + static_cast<std::ptrdiff_t>(n), w.end(), [](float x) { return x >= 0.99f; })) /
             static_cast<double>(n);
  return h;
}

void print(const char* label, const history& h) {
  std::printf("%s: E rate per second:", label);
  for (double r : h.rate) std::printf(" %.1f", r);
  std::printf("\n%s: mean E->E weight %.4f -> %.4f mV, %.1f%% within 1%% of W_max\n", label, h.w_start, h.w_end, 100.0 * h.at_max);
}

TEST(Protocol, P_HOM_2_hebbian_runaway_without_homeostasis) {
  const history h = run(compressed("hebbian_instability.json"));
  print("without homeostasis", h);
  ASSERT_EQ(h.rate.size(), 60u);
  const double baseline = std::accumulate(h.rate.begin(), h.rate.begin() + 5, 0.0) / 5.0;
  EXPECT_NEAR(baseline, 5.0, 1.5) << "the network must start near 5 Hz";
  const auto runaway = std::find_if(h.rate.begin(), h.rate.end(), [&](double r) { return r > 3.0 * baseline; });
  ASSERT_NE(runaway, h.rate.end()) << "the E rate never exceeded three times its baseline";
  const double t_runaway = static_cast<double>(runaway - h.rate.begin()) + 1.0;
  std::printf("time to runaway (rate > 3x baseline): %.0f s here, about %.1f h uncompressed\n", t_runaway,
              t_runaway * compression / 3600.0);
  EXPECT_GT(h.rate.back(), 3.0 * baseline);
  EXPECT_GT(h.w_end, 0.9) << "weights must pile up near W_max = 1 mV";
}

TEST(Protocol, P_HOM_2_synaptic_scaling_holds_the_target_rate) {
  const history h = run(compressed("hebbian_instability_scaling.json"));
  print("with synaptic scaling", h);
  ASSERT_EQ(h.rate.size(), 60u);
  for (std::size_t b = 0; b < h.rate.size(); ++b) {
    EXPECT_GT(h.rate[b], 2.5) << "second " << b;
    EXPECT_LT(h.rate[b], 7.5) << "second " << b;
  }
  EXPECT_LT(h.at_max, 0.5) << "with scaling the weights must not pile up at W_max";
}

// Intrinsic plasticity instead of scaling (hebbian_instability_ip.json): the adaptive threshold
// holds the rate near target well past the time at which the network without homeostasis ran
// away (28 s), but it does not stop additive STDP from potentiating, so the weights keep
// growing (they reach W_max after about 110 s and the network then bursts: docs/plasticity.md).
// Asserted: every 10 s window of the E rate within +-50% of 5 Hz for 60 s, and the mean weight
// grown by at least 10%.
TEST(Protocol, P_HOM_2_intrinsic_plasticity_holds_the_rate_but_not_the_weights) {
  const history h = run(compressed("hebbian_instability_ip.json"));
  print("with intrinsic plasticity", h);
  ASSERT_EQ(h.rate.size(), 60u);
  for (std::size_t b = 0; b + 10 <= h.rate.size(); b += 10) {
    const double window = std::accumulate(h.rate.begin() + static_cast<std::ptrdiff_t>(b), h.rate.begin() + static_cast<std::ptrdiff_t>(b + 10), 0.0) / 10.0;
    EXPECT_GT(window, 2.5) << "seconds " << b << "-" << b + 10;
    EXPECT_LT(window, 7.5) << "seconds " << b << "-" << b + 10;
  }
  EXPECT_GT(h.w_end, 1.1 * h.w_start) << "additive STDP keeps potentiating at the target rate";
}

}  // namespace
}  // namespace engram
