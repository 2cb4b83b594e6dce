// Checkpoints on the CUDA backend (issue 6: "on each backend"): a GPU run of T, a checkpoint, a
// restore into a fresh GPU simulation and a run of T gives the CPU's run of 2T, spike for spike
// and weight for weight; and a checkpoint written by the CPU backend resumes on the GPU with the
// same result (the two backends write the same blocks). Skipped without a device.
#include <gtest/gtest.h>

#include <cstring>

#include "engram/checkpoint.hpp"
#include "engram/model_file.hpp"
#include "engram/models.hpp"
#include "engram/simulation.hpp"
#include "kernels/math_probe.hpp"

using namespace engram;

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

// Runs half of `net` on `first`, checkpoints, restores on a fresh simulation of `second` and
// runs the rest; expects the CPU's uninterrupted run.
void expect_resumed_equals_whole(const network& net, backend_choice first, backend_choice second, const std::string& file) {
  auto whole = make(net, backend_choice::cpu);
  whole->advance(net.steps());
  const std::uint64_t half = net.steps() / 2 + 13;  // not at a flush or scaling boundary
  const std::string path = testing::TempDir() + "/" + file;
  {
    auto a = make(net, first);
    a->advance(half);
    save_checkpoint(*a, net, path);
  }
  auto b = make(net, second);
  restore_checkpoint(*b, net, path);
  ASSERT_EQ(b->steps_done(), half);
  b->advance(net.steps() - half);
  const recording& x = whole->results();
  const recording& y = b->results();
  std::uint64_t spikes = 0;
  for (auto c : x.spike_count) spikes += c;
  EXPECT_GT(spikes, 0u);
  EXPECT_EQ(x.spike_count, y.spike_count);
  for (std::size_t r = 0; r < x.spike_recorders.size(); ++r) {
    EXPECT_EQ(x.spike_recorders[r].step, y.spike_recorders[r].step) << "spike recorder " << r;
    EXPECT_EQ(x.spike_recorders[r].neuron, y.spike_recorders[r].neuron) << "spike recorder " << r;
  }
  for (std::size_t j = 0; j < net.projections.size(); ++j) {
    const auto wa = whole->weights(static_cast<int>(j)), wb = b->weights(static_cast<int>(j));
    ASSERT_EQ(wa.size(), wb.size());
    EXPECT_EQ(0, std::memcmp(wa.data(), wb.data(), wa.size() * sizeof(float))) << "projection " << j;
  }
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

TEST_P(GpuCheckpoint, GpuResumeEqualsCpuWhole) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  expect_resumed_equals_whole(load(), backend_choice::cuda, backend_choice::cuda, "engram_gpu_ckpt.bin");
}

TEST_P(GpuCheckpoint, CpuCheckpointResumesOnGpu) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  expect_resumed_equals_whole(load(), backend_choice::cpu, backend_choice::cuda, "engram_cpu_to_gpu_ckpt.bin");
}

INSTANTIATE_TEST_SUITE_P(Models, GpuCheckpoint,
                         testing::Values(checkpoint_case{"tests/cli/small_all_features.json", 200.0},
                                         checkpoint_case{"tests/gpu/data/coba_plastic_1000_80.json", 300.0},
                                         checkpoint_case{"tests/gpu/data/weight_rules_network.json", 600.0}),
                         [](const testing::TestParamInfo<checkpoint_case>& i) {
                           std::string n = i.param.file;
                           n = n.substr(n.rfind('/') + 1);
                           n = n.substr(0, n.find('.'));
                           return n;
                         });

}  // namespace
