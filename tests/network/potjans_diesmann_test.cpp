// P-NET-3: the Potjans & Diesmann (2014) microcircuit at full scale (77 169 neurons, 2.99e8
// synapses, DC background, dt 0.1 ms) on the CPU backend: per-population mean rates over
// 500-1500 ms within +-20% of the reference run's rates (science/protocols.md P-NET-3, from
// INM-6/microcircuit-PD14-model) and their ordering. The protocol asks for >= 5 s and >= 3
// seeds: that run is recorded in docs/potjans-diesmann.md (all populations within 6%); CI
// runs one seed for 1.5 s (about a minute and 3 GiB on 2 cores).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "engram/model_file.hpp"
#include "engram/simulation.hpp"
#include "support/analysis.hpp"

using namespace engram;

TEST(Protocol, P_NET_3_potjans_diesmann_rates_full_scale) {
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/potjans_diesmann_2014.json");
  ASSERT_EQ(net.populations.size(), 8u);
  ASSERT_DOUBLE_EQ(net.run.duration, 1500.0);
  auto sim = make_simulation(net);
  sim->advance(net.steps());
  const recording& rec = sim->results();
  const std::array<double, 8> reference = {0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829};  // Hz
  std::array<double, 8> rate{};
  const std::uint64_t from = 5000;  // 500 ms warm-up, as the reference
  for (const auto& r : rec.spike_recorders) {
    const auto p = static_cast<std::size_t>(r.population);
    std::uint64_t count = 0;
    for (auto s : r.step) count += s >= from;
    rate[p] = static_cast<double>(count) / (static_cast<double>(net.populations[p].size) * (net.steps() - from) * net.run.dt * 1e-3);
    std::printf("%-5s %.3f Hz (reference %.3f)\n", net.populations[p].name.c_str(), rate[p], reference[p]);
  }
  for (std::size_t p = 0; p < 8; ++p) EXPECT_NEAR(rate[p], reference[p], 0.2 * reference[p]) << net.populations[p].name;
  // Ordering L2/3E < L6E < L2/3I < L4E < L4I < {L5E, L6I} < L5I (L5E and L6I are 3% apart).
  enum { L23E, L23I, L4E, L4I, L5E, L5I, L6E, L6I };
  EXPECT_LT(rate[L23E], rate[L6E]);
  EXPECT_LT(rate[L6E], rate[L23I]);
  EXPECT_LT(rate[L23I], rate[L4E]);
  EXPECT_LT(rate[L4E], rate[L4I]);
  EXPECT_LT(rate[L4I], std::min(rate[L5E], rate[L6I]));
  EXPECT_LT(std::max(rate[L5E], rate[L6I]), rate[L5I]);
}

// The plastic microcircuit (issue 7; tools/make_potjans_diesmann.py --plastic: multiplicative
// STDP and synaptic scaling on every excitatory synapse), at 0.1 scale with Poisson background,
// 1.5 s: every population fires within 15% of the static network's rate over 500-1500 ms (NEST's
// multiplicative rule with W_max = 2 x the mean weight starts at its equilibrium, and scaling
// pulls toward the reference rates), and the E->E weights have moved but stay in [0, W_max].
TEST(Protocol, potjans_diesmann_plastic_variant_keeps_its_rates) {
  const auto rates = [](const std::string& file, std::vector<float>* weights) {
    network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/" + file);
    auto sim = make_simulation(net, {backend_choice::cpu, 0});
    const int j = net.projection_index("L4E_L23E");
    const std::vector<float> before = sim->weights(j);
    sim->advance(net.steps());
    if (weights) {
      *weights = sim->weights(j);
      weights->insert(weights->end(), before.begin(), before.end());  // after, then before
    }
    std::array<double, 8> rate{};
    for (const auto& r : sim->results().spike_recorders) {
      const auto p = static_cast<std::size_t>(r.population);
      const auto from = std::count_if(r.step.begin(), r.step.end(), [](std::uint64_t s) { return s >= 5000; });
      rate[p] = static_cast<double>(from) / (static_cast<double>(net.populations[p].size) * 1.0);
    }
    return rate;
  };
  std::vector<float> w;
  const auto fixed = rates("potjans_diesmann_2014_scaled_0.1_poisson.json", nullptr);
  const auto plastic = rates("potjans_diesmann_2014_scaled_0.1_poisson_plastic.json", &w);
  const char* names[] = {"L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"};
  for (std::size_t p = 0; p < 8; ++p) {
    std::printf("%-5s static %.3f Hz, plastic %.3f Hz\n", names[p], fixed[p], plastic[p]);
    EXPECT_NEAR(plastic[p], fixed[p], 0.15 * fixed[p]) << names[p];
  }
  const network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/potjans_diesmann_2014_scaled_0.1_poisson_plastic.json");
  const double w_max = net.projections[static_cast<std::size_t>(net.projection_index("L4E_L23E"))].plasticity.at(0).params.at("W_max");
  const std::size_t n = w.size() / 2;
  double changed = 0;
  for (std::size_t s = 0; s < n; ++s) {
    changed += w[s] != w[n + s];
    ASSERT_GE(w[s], 0.0f);
    ASSERT_LE(w[s], w_max) << "weights stay in [0, W_max]";
  }
  std::printf("L4E->L23E: %.1f%% of the weights changed (W_max %.1f pA)\n", 100.0 * changed / static_cast<double>(n), w_max);
  EXPECT_GT(changed, 0.5 * static_cast<double>(n)) << "STDP must act on the excitatory synapses";
}
