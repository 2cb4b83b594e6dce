// CPU vs CUDA parity (issue 4): for the same model and seed, the CUDA backend gives exactly
// the CPU backend's spikes, and bit-identical state probes (the model math is shared, the
// input sums are fixed point, the random numbers counter-based). Skipped without a device.
#include <gtest/gtest.h>

#include "engram/model_file.hpp"
#include "engram/models.hpp"
#include "engram/simulation.hpp"
#include "identical_runs.hpp"
#include "kernels/math_probe.hpp"

using namespace engram;
using namespace engram::testing_support;

namespace {

struct parity_case {
  const char* file;
  double duration_ms;
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
  return collect(*sim, net);
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
  expect_identical(run_on(net, backend_choice::cpu), run_on(net, backend_choice::cuda), "CUDA vs CPU");
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
                                         parity_case{"tests/gpu/data/weight_rules_network.json", 1000.0},
                                         parity_case{"tests/gpu/data/plastic_device_built.json", 1000.0},
                                         parity_case{"tests/gpu/data/coba_procedural.json", 500.0}),
                         [](const testing::TestParamInfo<parity_case>& i) { return case_name(i.param.file); });

TEST(BackendChoice, AutoPicksCudaWhenUsable) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/coba.json");
  auto sim = make_simulation(net);
  EXPECT_EQ(sim->backend_name(), "cuda");
  EXPECT_NE(sim->backend_note.find("CUDA"), std::string::npos);
}

}  // namespace
