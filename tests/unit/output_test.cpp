// Spike streaming (output.hpp): spikes drained to part files during a run end up in the same
// .npy as when they are kept in memory, and resume_at() drops what was appended after a
// checkpoint's positions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "engram/model_file.hpp"
#include "engram/output.hpp"
#include "engram/simulation.hpp"

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

}  // namespace
}  // namespace engram
