// Spike streaming (output.hpp): spikes drained to part files during a run end up in the same
// .npy as when they are kept in memory, and resume_at() drops what was appended after a
// checkpoint's positions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <random>
#include <fstream>
#include <iterator>
#include <string>

#include "engram/model_file.hpp"
#include "engram/output.hpp"
#include "engram/simulation.hpp"
#include "recorder_setup.hpp"

namespace engram {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TEST(Output, StreamedSpikesEqualSpikesKeptInMemory) {
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/brunel2000_AI.json");
  net.run.duration = 100.0;
  const std::string base = testing::TempDir() + "/engram_stream_test";
  std::filesystem::remove_all(base);
  {
    auto sim = make_simulation(net, {backend_choice::cpu, 1});
    sim->advance(net.steps());
    write_output(base + "/memory", net, *sim, {});
  }
  auto sim = make_simulation(net, {backend_choice::cpu, 1});
  spike_streams streams(base + "/streamed", net, sim->results());
  std::vector<std::uint64_t> at_checkpoint;
  for (std::uint64_t done = 0; done < net.steps(); done += 100) {
    sim->advance(100);
    streams.drain(*sim);
    EXPECT_EQ(streams.buffered(*sim), 0u);
    if (done == 400) at_checkpoint = streams.positions(*sim);
  }
  // A resumed run truncates the part files to the checkpoint's positions.
  const auto end = streams.positions(*sim);
  ASSERT_GT(end[0], at_checkpoint[0]);
  streams.resume_at(at_checkpoint);
  EXPECT_EQ(std::filesystem::file_size(streams.part_path(0)), at_checkpoint[0]);
  // ... and a fresh drain after a restore would continue from there; here the full run again:
  spike_streams again(base + "/streamed", net, sim->results());
  auto rerun = make_simulation(net, {backend_choice::cpu, 1});
  for (std::uint64_t done = 0; done < net.steps(); done += 100) {
    rerun->advance(100);
    again.drain(*rerun);
  }
  write_output(base + "/streamed", net, *rerun, {}, &again);
  for (const char* f : {"spikes_E.npy", "spikes_I.npy"}) {
    const std::string a = slurp(base + "/memory/" + f), b = slurp(base + "/streamed/" + f);
    ASSERT_GT(a.size(), 1000u);
    EXPECT_EQ(a, b) << f;
  }
  EXPECT_FALSE(std::filesystem::exists(base + "/streamed/spikes_E.npy.part")) << "part files are removed";
}

// The CUDA backend's spike records: appended step after step, each step's neurons in the order
// warps got there. ordered_spike_keys gives the CPU's order, (step, neuron), whether the steps
// come grouped (sorted run by run, in parallel) or not (sorted whole).
TEST(Output, DeviceSpikeRecordsInTheCpuOrder) {
  std::mt19937 rng(5);
  std::vector<std::uint32_t> pairs;
  for (std::uint32_t step = 0; step < 400; step += 1 + step % 3) {  // some steps without spikes
    std::vector<std::uint32_t> neurons;
    for (std::uint32_t i = 0; i < 2000; ++i)
      if (rng() % 5 == 0) neurons.push_back(i);
    std::shuffle(neurons.begin(), neurons.end(), rng);
    for (auto i : neurons) pairs.insert(pairs.end(), {step, i});
  }
  const std::size_t n = pairs.size() / 2;
  ASSERT_GT(n, 100000u);  // large enough for the parallel path
  std::vector<std::uint64_t> expected(n);
  for (std::size_t k = 0; k < n; ++k) expected[k] = (static_cast<std::uint64_t>(pairs[2 * k]) << 32) | pairs[2 * k + 1];
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ordered_spike_keys(pairs.data(), n), expected);
  // Steps out of order (not what the kernel writes): still the CPU's order.
  std::swap(pairs[0], pairs[2 * n - 2]);
  std::swap(pairs[1], pairs[2 * n - 1]);
  EXPECT_EQ(ordered_spike_keys(pairs.data(), n), expected);
  EXPECT_TRUE(ordered_spike_keys(pairs.data(), 0).empty());
}

}  // namespace
}  // namespace engram
