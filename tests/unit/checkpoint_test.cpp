// Checkpoint/restore (DESIGN.md §1.3; issue 6): a run of 2T equals a run of T, a checkpoint,
// a restore into a freshly built simulation and a run of T, spike for spike and bit for bit;
// corrupt or mismatched checkpoints are refused.
#include <gtest/gtest.h>

#include <array>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "engram/checkpoint.hpp"
#include "engram/errors.hpp"
#include "engram/model_file.hpp"
#include "engram/models.hpp"

using namespace engram;

namespace {
network small_model() {
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/tests/cli/small_all_features.json");
  net.run.duration = 200.0;
  return net;
}
std::unique_ptr<simulation> make_cpu(const network& net) {
  simulation_options o;
  o.backend = backend_choice::cpu;
  return make_simulation(net, o);
}
}  // namespace

TEST(Checkpoint, RunOfTwoTEqualsTCheckpointRestoreT) {
  const network net = small_model();
  const std::uint64_t half = net.steps() / 2;
  auto whole = make_cpu(net);
  whole->advance(net.steps());
  const std::string path = testing::TempDir() + "/engram_ckpt.bin";
  {
    auto first = make_cpu(net);
    first->advance(half);
    save_checkpoint(*first, net, path);
  }  // the first simulation is gone: the restore starts from a fresh one
  auto second = make_cpu(net);
  restore_checkpoint(*second, net, path);
  EXPECT_EQ(second->steps_done(), half);
  second->advance(net.steps() - half);
  const recording& a = whole->results();
  const recording& b = second->results();
  EXPECT_EQ(a.spike_count, b.spike_count);
  for (std::size_t r = 0; r < a.spike_recorders.size(); ++r) {
    EXPECT_EQ(a.spike_recorders[r].step, b.spike_recorders[r].step);
    EXPECT_EQ(a.spike_recorders[r].neuron, b.spike_recorders[r].neuron);
  }
  for (std::size_t r = 0; r < a.state_recorders.size(); ++r)
    for (std::size_t v = 0; v < a.state_recorders[r].values.size(); ++v)
      EXPECT_EQ(a.state_recorders[r].values[v], b.state_recorders[r].values[v]);
  for (std::size_t r = 0; r < a.weight_recorders.size(); ++r) EXPECT_EQ(a.weight_recorders[r].values, b.weight_recorders[r].values);
  EXPECT_EQ(whole->state_variable(0, "v"), second->state_variable(0, "v"));
  std::uint64_t spikes = 0;
  for (auto c : a.spike_count) spikes += c;
  EXPECT_GT(spikes, 100u);
}

TEST(Checkpoint, CorruptOrForeignCheckpointsAreRefused) {
  network net = small_model();
  const std::string path = testing::TempDir() + "/engram_ckpt2.bin";
  auto sim = make_cpu(net);
  sim->advance(100);
  save_checkpoint(*sim, net, path);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  // Another seed: another model.
  network other = net;
  other.run.seed = 99;
  auto fresh = make_cpu(other);
  try {
    restore_checkpoint(*fresh, other, path);
    FAIL() << "a checkpoint of another model must be refused";
  } catch (const invalid_model& e) {
    EXPECT_NE(std::string(e.what()).find("another model"), std::string::npos) << e.what();
  }
  // One flipped byte in the payload.
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    char c;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x5a);
    f.seekp(200);
    f.write(&c, 1);
  }
  auto again = make_cpu(net);
  try {
    restore_checkpoint(*again, net, path);
    FAIL() << "a corrupt checkpoint must be refused";
  } catch (const invalid_model& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt"), std::string::npos) << e.what();
  }
  EXPECT_THROW(restore_checkpoint(*again, net, testing::TempDir() + "/nonexistent.bin"), io_error);
}

// Runs `net` whole, and as `half` steps + checkpoint + restore in a new simulation + the rest;
// expects the same spike counts, and returns read() of the whole run, of the restored run and
// of a fresh simulation (for "it must have changed" checks).
template <class Read>
std::array<std::vector<float>, 3> round_trip(const network& net, std::uint64_t half, const std::string& file, Read read) {
  auto whole = make_cpu(net);
  whole->advance(net.steps());
  const std::string path = testing::TempDir() + "/" + file;
  {
    auto first = make_cpu(net);
    first->advance(half);
    save_checkpoint(*first, net, path);
  }
  auto second = make_cpu(net);
  restore_checkpoint(*second, net, path);
  second->advance(net.steps() - half);
  EXPECT_EQ(whole->results().spike_count, second->results().spike_count);
  return {read(*whole), read(*second), read(*make_cpu(net))};
}

// Plastic state (rule state, traces, spike history) survives a checkpoint: the plastic COBA
// network's rho after 2T equals that after T + checkpoint + restore + T, bit for bit.
TEST(Checkpoint, PlasticStateRoundTrips) {
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/tests/gpu/data/coba_plastic_1000_80.json");
  net.run.duration = 200.0;
  const int j = net.projection_index("EE");
  const std::uint64_t half = net.steps() / 2 + 37;  // mid-way through the spike history and drift cycle
  const auto [a, b, start] = round_trip(net, half, "engram_ckpt_plastic.bin", [&](simulation& sim) { return sim.synapse_variable(j, "rho"); });
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float)));
  EXPECT_NE(0, std::memcmp(a.data(), start.data(), a.size() * sizeof(float))) << "rho must have changed";
}

// Weight rules (a list: stdp then synaptic_scaling) keep their traces, sensors and the weights
// they change across a checkpoint: E->E weights after 2T equal T + checkpoint + restore + T.
TEST(Checkpoint, WeightRulesRoundTrip) {
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/hebbian_instability_scaling.json");
  net.run.duration = 1000.0;
  net.recorders.clear();
  for (auto& spec : net.projections[static_cast<std::size_t>(net.projection_index("EE"))].plasticity) {
    if (spec.rule == "stdp") spec.params["lambda"] = 0.01;  // large enough to change weights in 1 s
    if (spec.rule == "synaptic_scaling") spec.params["beta"] = 1e-4, spec.params["tau_a"] = 200.0, spec.params["update_interval"] = 50.0;
  }
  const int j = net.projection_index("EE");
  const std::uint64_t half = net.steps() / 2 + 251;  // not at a scaling update
  const auto weights = [&](simulation& sim) { return sim.weights(j); };
  const auto [a, b, start] = round_trip(net, half, "engram_ckpt_weight_rules.bin", weights);
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float)));
  EXPECT_NE(0, std::memcmp(a.data(), start.data(), a.size() * sizeof(float))) << "the weights must have changed";
}

// A resumed run may be longer than the one that wrote the checkpoint (the duration is not in
// the fingerprint). Poisson spike trains then grow, so every source neuron's train starts later
// in the schedule: cursors are saved per neuron, and 100 ms + checkpoint + a 300 ms run gives
// the spikes and rate bins of an uninterrupted 300 ms run.
TEST(Checkpoint, LongerResumedRunKeepsPoissonSourcesInStep) {
  network net;
  net.run.dt = 0.1;
  net.run.seed = 5;
  population src;
  src.name = "P";
  src.model = spike_source_poisson_model;
  src.size = 20;
  src.params = {{"rate", 40.0}};
  net.populations.push_back(src);
  recorder spikes;
  spikes.population = "P";
  recorder rate;
  rate.type = recorder::kind::rate;
  rate.population = "P";
  rate.bin = 10.0;
  net.recorders = {spikes, rate};
  network whole_net = net, short_net = net;
  whole_net.run.duration = 300.0;
  short_net.run.duration = 100.0;
  auto whole = make_cpu(whole_net);
  whole->advance(whole_net.steps());
  const std::string path = testing::TempDir() + "/engram_ckpt_longer.bin";
  {
    auto first = make_cpu(short_net);
    first->advance(short_net.steps());
    save_checkpoint(*first, short_net, path);
  }
  auto resumed = make_cpu(whole_net);
  restore_checkpoint(*resumed, whole_net, path);
  resumed->advance(whole_net.steps() - short_net.steps());
  const auto& a = whole->results();
  const auto& b = resumed->results();
  ASSERT_GT(a.spike_recorders[0].step.size(), 100u);
  EXPECT_EQ(a.spike_recorders[0].step, b.spike_recorders[0].step);
  EXPECT_EQ(a.spike_recorders[0].neuron, b.spike_recorders[0].neuron);
  EXPECT_EQ(a.rate_recorders[0].counts, b.rate_recorders[0].counts);
}
