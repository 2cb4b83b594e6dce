// Checkpoints on the CUDA backend (issue 6: "on each backend"): a run of T, a checkpoint, a
// restore into a fresh simulation and a run of T equals the uninterrupted run of 2T on the
// backend that finishes it, bit for bit (identical_runs.hpp: spikes, probes, rate bins, weight
// snapshots, plastic state, weights); both backends write the same blocks, so the checkpoint may
// come from either: GPU -> GPU, CPU -> GPU and GPU -> CPU (and CPU -> CPU, which runs without
// a device). A failure here with BackendParity
// passing is a restore bug, not a parity one. Skipped without a device.
#include <gtest/gtest.h>

#include "engram/checkpoint.hpp"
#include "engram/model_file.hpp"
#include "engram/models.hpp"
#include "engram/simulation.hpp"
#include "identical_runs.hpp"
#include "kernels/math_probe.hpp"

using namespace engram;
using namespace engram::testing_support;

namespace {

struct checkpoint_case {
  const char* file;
  double duration_ms;
};

std::unique_ptr<simulation> make(const network& net, backend_choice b) {
  simulation_options o;
  o.backend = b;
  o.threads = 2;
  return make_simulation(net, o);
}

const char* name_of(backend_choice b) { return b == backend_choice::cuda ? "GPU" : "CPU"; }

// Runs part of `net` on `first`, checkpoints, restores into a fresh simulation on `second`, runs
// the rest there; expects `second`'s uninterrupted run.
void expect_resumed_equals_whole(const network& net, backend_choice first, backend_choice second) {
  auto whole = make(net, second);
  whole->advance(net.steps());
  const std::uint64_t part = net.steps() / 2 + 13;  // not at a flush, snapshot or scaling boundary
  const std::string path = testing::TempDir() + "/engram_gpu_checkpoint_test.bin";
  {
    auto a = make(net, first);
    a->advance(part);
    save_checkpoint(*a, net, path);
  }
  auto b = make(net, second);
  restore_checkpoint(*b, net, path);
  ASSERT_EQ(b->steps_done(), part);
  b->advance(net.steps() - part);
  expect_identical(collect(*whole, net), collect(*b, net),
                   std::string(name_of(first)) + " checkpoint resumed on the " + name_of(second));
}

class GpuCheckpoint : public testing::TestWithParam<checkpoint_case> {
 protected:
  network load() const {
    network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/" + GetParam().file);
    net.run.duration = GetParam().duration_ms;
    for (auto& r : net.recorders) std::erase_if(r.times, [&](double t) { return t > net.run.duration; });
    return net;
  }
};

// Runs without a device too: the harness and the cases, on the CPU alone.
TEST_P(GpuCheckpoint, CpuToCpu) { expect_resumed_equals_whole(load(), backend_choice::cpu, backend_choice::cpu); }

TEST_P(GpuCheckpoint, GpuToGpu) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  expect_resumed_equals_whole(load(), backend_choice::cuda, backend_choice::cuda);
}

TEST_P(GpuCheckpoint, CpuToGpu) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  expect_resumed_equals_whole(load(), backend_choice::cpu, backend_choice::cuda);
}

TEST_P(GpuCheckpoint, GpuToCpu) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  expect_resumed_equals_whole(load(), backend_choice::cuda, backend_choice::cpu);
}

// small_all_features: every stimulus type, probes every 0.5 ms; alpha_ip_poisson_network:
// Poisson sources spiking after the checkpoint (their cursors must be restored); the other two
// carry plastic state, weight rules and weight snapshots across it.
INSTANTIATE_TEST_SUITE_P(Models, GpuCheckpoint,
                         testing::Values(checkpoint_case{"tests/cli/small_all_features.json", 200.0},
                                         checkpoint_case{"tests/gpu/data/alpha_ip_poisson_network.json", 500.0},
                                         checkpoint_case{"tests/gpu/data/coba_plastic_1000_80.json", 300.0},
                                         checkpoint_case{"tests/gpu/data/weight_rules_network.json", 600.0},
                                         checkpoint_case{"tests/gpu/data/plastic_device_built.json", 600.0}),
                         [](const testing::TestParamInfo<checkpoint_case>& i) { return case_name(i.param.file); });

}  // namespace
