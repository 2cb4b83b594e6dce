// CPU vs CUDA parity (issue 4): for the same model and seed, the CUDA backend gives exactly
// the CPU backend's spikes, and bit-identical state probes (the model math is shared, the
// input sums are fixed point, the random numbers counter-based). Skipped without a device.
#include <gtest/gtest.h>

#include <cstring>

#include "engram/model_file.hpp"
#include "engram/models.hpp"
#include "engram/simulation.hpp"
#include "kernels/math_probe.hpp"

using namespace engram;

namespace {

struct parity_case {
  const char* file;
  double duration_ms;
};

struct run_result {
  recording rec;
  std::vector<std::vector<float>> rule_state;  // every synapse variable of every plastic projection
  std::vector<std::vector<float>> weights;     // every projection's weights at the end
};

run_result run_on(const network& net, backend_choice b) {
  simulation_options o;
  o.backend = b;
  o.threads = 2;
  auto sim = make_simulation(net, o);
  EXPECT_EQ(sim->backend_name(), b == backend_choice::cuda ? "cuda" : "cpu");
  // Uneven chunks: flushes and graph launches must not change the result.
  std::uint64_t done = 0, chunk = 7;
  while (done < net.steps()) {
    const std::uint64_t k = std::min(chunk, net.steps() - done);
    sim->advance(k);
    done += k;
    chunk = chunk * 3 + 1;
  }
  run_result r{sim->results(), {}};
  for (std::size_t j = 0; j < net.projections.size(); ++j)
    for (const auto& spec : net.projections[j].plasticity)
      for (const auto& v : find_plasticity_rule(spec.rule)->state)
        r.rule_state.push_back(sim->synapse_variable(static_cast<int>(j), v.name));
  for (std::size_t j = 0; j < net.projections.size(); ++j) r.weights.push_back(sim->weights(static_cast<int>(j)));
  return r;
}

class BackendParity : public testing::TestWithParam<parity_case> {};

TEST_P(BackendParity, SpikesAndProbesIdentical) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  const parity_case c = GetParam();
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/" + c.file);
  net.run.duration = c.duration_ms;
  for (auto& r : net.recorders)  // snapshots after the shortened run would be refused
    std::erase_if(r.times, [&](double t) { return t > c.duration_ms; });
  const run_result cpu_run = run_on(net, backend_choice::cpu);
  const run_result gpu_run = run_on(net, backend_choice::cuda);
  const recording& cpu = cpu_run.rec;
  const recording& gpu = gpu_run.rec;
  ASSERT_EQ(cpu_run.rule_state.size(), gpu_run.rule_state.size());
  for (std::size_t j = 0; j < cpu_run.rule_state.size(); ++j) {
    const auto& a = cpu_run.rule_state[j];
    const auto& b = gpu_run.rule_state[j];
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << "plastic state differs (parity is bitwise)";
  }
  ASSERT_EQ(cpu_run.weights.size(), gpu_run.weights.size());
  for (std::size_t j = 0; j < cpu_run.weights.size(); ++j) {
    const auto& a = cpu_run.weights[j];
    const auto& b = gpu_run.weights[j];
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << "weights of projection " << j << " differ (parity is bitwise)";
  }
  std::uint64_t total = 0;
  for (auto s : cpu.spike_count) total += s;
  EXPECT_GT(total, 0u) << "the case must produce spikes";
  EXPECT_EQ(gpu.spike_count, cpu.spike_count);
  ASSERT_EQ(gpu.spike_recorders.size(), cpu.spike_recorders.size());
  for (std::size_t r = 0; r < cpu.spike_recorders.size(); ++r) {
    EXPECT_EQ(gpu.spike_recorders[r].step, cpu.spike_recorders[r].step) << "spike recorder " << r;
    EXPECT_EQ(gpu.spike_recorders[r].neuron, cpu.spike_recorders[r].neuron) << "spike recorder " << r;
  }
  for (std::size_t r = 0; r < cpu.rate_recorders.size(); ++r)
    EXPECT_EQ(gpu.rate_recorders[r].counts, cpu.rate_recorders[r].counts);
  for (std::size_t r = 0; r < cpu.state_recorders.size(); ++r) {
    EXPECT_EQ(gpu.state_recorders[r].times, cpu.state_recorders[r].times);
    for (std::size_t v = 0; v < cpu.state_recorders[r].values.size(); ++v) {
      const auto& a = cpu.state_recorders[r].values[v];
      const auto& b = gpu.state_recorders[r].values[v];
      ASSERT_EQ(a.size(), b.size());
      EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float)))
          << "probe " << cpu.state_recorders[r].variables[v] << " differs (parity is bitwise)";
    }
  }
  for (std::size_t r = 0; r < cpu.weight_recorders.size(); ++r) EXPECT_EQ(gpu.weight_recorders[r].values, cpu.weight_recorders[r].values);
}

INSTANTIATE_TEST_SUITE_P(Models, BackendParity,
                         testing::Values(parity_case{"models/networks/coba.json", 1000.0},
                                         parity_case{"models/networks/cuba.json", 1000.0},
                                         parity_case{"models/networks/brunel2000_AI.json", 300.0},
                                         parity_case{"models/networks/brunel2000_SR.json", 100.0},
                                         parity_case{"models/networks/brunel2000_SI_fast.json", 200.0},
                                         parity_case{"models/networks/brunel2000_SI_slow.json", 300.0},
                                         parity_case{"tests/gpu/data/adex_network.json", 500.0},
                                         parity_case{"tests/cli/small_all_features.json", 200.0},
                                         parity_case{"models/protocols/P-STDP-2_graupner_brunel_DP.json", 6000.0},
                                         parity_case{"tests/gpu/data/coba_plastic_1000_80.json", 500.0},
                                         parity_case{"tests/gpu/data/nmda_network.json", 500.0},
                                         parity_case{"tests/gpu/data/tagging_network.json", 2000.0},
                                         parity_case{"tests/gpu/data/alpha_ip_poisson_network.json", 500.0},
                                         parity_case{"tests/cli/hebbian_plastic_small.json", 2000.0},
                                         parity_case{"tests/gpu/data/weight_rules_network.json", 1000.0}),
                         [](const testing::TestParamInfo<parity_case>& i) {
                           std::string n = i.param.file;
                           n = n.substr(n.rfind('/') + 1);
                           n = n.substr(0, n.find('.'));
                           for (auto& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

TEST(BackendChoice, AutoPicksCudaWhenUsable) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/coba.json");
  auto sim = make_simulation(net);
  EXPECT_EQ(sim->backend_name(), "cuda");
  EXPECT_NE(sim->backend_note.find("CUDA"), std::string::npos);
}

}  // namespace
