// Same model + seed -> bit-identical spikes and state, run after run and for 1 or 2 threads.
// Brunel at full size (12 500 neurons) so that every phase really runs in parallel.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cpu_isa.hpp"
#include "engram/model_file.hpp"
#include "engram/simulation.hpp"

using namespace engram;

namespace {
struct snapshot {
  std::vector<std::uint64_t> steps;
  std::vector<std::uint32_t> neurons;
  std::vector<float> v;
};
snapshot run(const std::string& file, int threads, double duration, std::uint64_t seed = 0) {
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/" + file);
  net.run.duration = duration;
  if (seed) net.run.seed = seed;
  simulation_options o;
  o.backend = backend_choice::cpu;
  o.threads = threads;
  auto sim = make_simulation(net, o);
  EXPECT_EQ(sim->threads(), threads);
  sim->advance(net.steps());
  snapshot s;
  for (const auto& r : sim->results().spike_recorders) {
    s.steps.insert(s.steps.end(), r.step.begin(), r.step.end());
    s.neurons.insert(s.neurons.end(), r.neuron.begin(), r.neuron.end());
  }
  s.v = sim->state_variable(0, "v");
  return s;
}
}  // namespace

TEST(Determinism, BrunelIdenticalAcrossRunsAndThreadCounts) {
  const snapshot a = run("brunel2000_AI.json", 1, 200.0);
  const snapshot b = run("brunel2000_AI.json", 2, 200.0);
  const snapshot c = run("brunel2000_AI.json", 2, 200.0);
  ASSERT_GT(a.steps.size(), 10000u);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.neurons, b.neurons);
  EXPECT_EQ(a.v, b.v);  // bitwise
  EXPECT_EQ(b.steps, c.steps);
  EXPECT_EQ(b.neurons, c.neurons);
  // Another seed gives another run.
  const snapshot d = run("brunel2000_AI.json", 2, 200.0, 777);
  EXPECT_NE(d.neurons, a.neurons);
}

TEST(Determinism, CobaIdenticalAcrossThreadCounts) {
  const snapshot a = run("coba.json", 1, 300.0);
  const snapshot b = run("coba.json", 2, 300.0);
  ASSERT_GT(a.steps.size(), 1000u);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.neurons, b.neurons);
  EXPECT_EQ(a.v, b.v);
}

// Weight rules (stdp, synaptic_scaling) change weights in parallel rows and columns; the
// Hebbian network at 2000 E (160 000 E->E synapses, above the parallel threshold), with its
// slow time scales compressed, gives the same spikes and weights on 1 and 2 threads.
TEST(Determinism, WeightRulesIdenticalAcrossThreadCounts) {
  network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/models/networks/hebbian_instability_scaling.json");
  net.run.duration = 2000.0;
  net.populations[0].size = 2000;
  net.recorders = {};
  recorder spikes;
  spikes.population = "E";
  net.recorders.push_back(spikes);
  for (auto& spec : net.projections[static_cast<std::size_t>(net.projection_index("EE"))].plasticity) {
    if (spec.rule == "stdp") spec.params["lambda"] = 0.005;
    if (spec.rule == "synaptic_scaling") spec.params["beta"] = 1e-4, spec.params["tau_a"] = 200.0, spec.params["update_interval"] = 50.0;
  }
  const int j = net.projection_index("EE");
  std::vector<std::vector<float>> w(2);
  std::vector<std::vector<std::uint32_t>> neurons(2);
  for (int threads = 1; threads <= 2; ++threads) {
    auto sim = make_simulation(net, {backend_choice::cpu, threads});
    sim->advance(net.steps());
    w[static_cast<std::size_t>(threads - 1)] = sim->weights(j);
    neurons[static_cast<std::size_t>(threads - 1)] = sim->results().spike_recorders.at(0).neuron;
  }
  ASSERT_GT(neurons[0].size(), 5000u);
  EXPECT_EQ(neurons[0], neurons[1]);
  EXPECT_EQ(w[0], w[1]);  // bitwise
}

// A procedural projection regenerates each spike's row from the RNG instead of storing it
// (models/connectivity_rows.hpp): tests/gpu/data/coba_procedural.json (COBA with every
// projection procedural, weights and delays drawn, a dense fixed_probability drive and a
// one_to_one projection) gives exactly the spikes and voltages of the same network stored, on
// 1 and 2 threads (2 threads split the drive's rows between them at a segment edge), stores
// nothing per synapse, and regenerates the stored synapses on request.
TEST(Determinism, ProceduralProjectionsEqualStoredOnes) {
  network proc = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/tests/gpu/data/coba_procedural.json");
  proc.run.duration = 200.0;
  network net = proc;
  for (auto& pr : net.projections) pr.procedural = false;
  const auto spikes = [](simulation& sim) {  // (step, neuron) of every recorded spike
    std::vector<std::uint64_t> s;
    for (const auto& r : sim.results().spike_recorders)
      for (std::size_t k = 0; k < r.neuron.size(); ++k) s.push_back(r.step[k] << 32 | r.neuron[k]);
    return s;
  };
  auto stored = make_simulation(net, {backend_choice::cpu, 1});
  stored->advance(net.steps());
  const auto want = spikes(*stored);
  ASSERT_GT(want.size(), 10000u);
  for (int threads = 1; threads <= 2; ++threads) {
    auto sim = make_simulation(proc, {backend_choice::cpu, threads});
    EXPECT_EQ(sim->bytes_per_synapse(), 0u);
    EXPECT_EQ(sim->projection_sizes(), stored->projection_sizes());
    sim->advance(proc.steps());
    EXPECT_EQ(spikes(*sim), want) << threads << " threads";
    EXPECT_EQ(sim->state_variable(0, "v"), stored->state_variable(0, "v")) << threads << " threads";
  }
  auto sim = make_simulation(proc, {backend_choice::cpu, 2});
  for (int j = 0; j < static_cast<int>(net.projections.size()); ++j) {
    std::vector<std::uint64_t> rp[2];
    std::vector<std::uint32_t> tg[2];
    std::vector<float> w[2];
    std::vector<std::uint16_t> d[2];
    stored->synapses(j, rp[0], tg[0], w[0], d[0]);
    sim->synapses(j, rp[1], tg[1], w[1], d[1]);
    EXPECT_EQ(rp[0], rp[1]);
    EXPECT_EQ(tg[0], tg[1]);
    EXPECT_EQ(w[0], w[1]);
    EXPECT_EQ(d[0], d[1]);
  }
}

// Poisson input to a whole population draws one Philox block per four neurons in the CPU
// backend (models/poisson.hpp); a stimulus listing its neurons takes the per-neuron path. The
// two give the same voltages and spikes on 1 and 2 threads, with a population above the
// parallel threshold whose size is not a multiple of four, and a stimulus with a time window.
TEST(Determinism, PoissonFastPathEqualsPerNeuronPath) {
  const auto run = [](bool listed, int threads) {
    network net;
    net.source_file = "poisson_paths";
    net.run = {0.1, 200.0, 7};
    population p;
    p.name = "P";
    p.model = "lif_delta";
    p.size = 8195;
    p.initial["v"] = distribution::uniform(0.0, 15.0);
    net.populations.push_back(p);
    stimulus s;
    s.target = "P";
    s.rates = {50.0};
    s.sources = 40;
    s.weight = 0.6;
    s.receptor = "delta";
    s.start = 10.0;
    s.stop = 150.0;
    if (listed)
      for (std::uint32_t i = 0; i < 8195; ++i) s.neurons.push_back(i);
    net.stimuli.push_back(s);
    recorder r;
    r.population = "P";
    net.recorders.push_back(r);
    auto sim = make_simulation(net, {backend_choice::cpu, threads});
    sim->advance(net.steps());
    const auto& rec = sim->results().spike_recorders.at(0);
    return std::make_pair(sim->state_variable(0, "v"), std::vector<std::uint32_t>(rec.neuron.begin(), rec.neuron.end()));
  };
  const auto want = run(true, 1);
  ASSERT_GT(want.second.size(), 100u);
  for (int threads = 1; threads <= 2; ++threads) {
    const auto got = run(false, threads);
    EXPECT_EQ(got.first, want.first) << threads << " threads";
    EXPECT_EQ(got.second, want.second) << threads << " threads";
  }
}

// The CPU backend's neuron update is compiled for SSE2 and for AVX2 and picks the best the
// CPU has (src/cpu_isa.hpp). Every model's update must give the same bits in both: COBA
// (lif_cond_exp and its math::expf), NMDA, alpha-current and adaptive-threshold neurons, AdEx
// (its RK4 step, with four expf calls, vectorized at both levels).
TEST(Determinism, SameSpikesOnEveryInstructionSet) {
  if (std::getenv("ENGRAM_CPU_ISA")) GTEST_SKIP() << "ENGRAM_CPU_ISA is set by the caller";
  if (!cpu_supports(cpu_isa::avx2)) GTEST_SKIP() << "this CPU has no AVX2: only the baseline loop can run";
  for (const char* file : {"models/networks/coba.json", "tests/gpu/data/nmda_network.json",
                           "tests/gpu/data/alpha_ip_poisson_network.json", "tests/gpu/data/adex_network.json"}) {
    network net = load_model_file(std::string(ENGRAM_SOURCE_DIR) + "/" + file);
    net.run.duration = 300.0;
    std::vector<std::uint64_t> spikes[2];
    std::vector<float> v[2];
    int k = 0;
    for (const char* isa : {"baseline", "avx2"}) {
      setenv("ENGRAM_CPU_ISA", isa, 1);
      auto sim = make_simulation(net, {backend_choice::cpu, 2});
      unsetenv("ENGRAM_CPU_ISA");
      EXPECT_EQ(sim->instruction_set(), isa);
      sim->advance(net.steps());
      for (const auto& r : sim->results().spike_recorders)
        for (std::size_t i = 0; i < r.neuron.size(); ++i) spikes[k].push_back(r.step[i] << 32 | r.neuron[i]);
      for (int p = 0; p < static_cast<int>(net.populations.size()); ++p)
        if (net.populations[static_cast<std::size_t>(p)].model.rfind("spike_source", 0) != 0) {
          const auto vp = sim->state_variable(p, "v");
          v[k].insert(v[k].end(), vp.begin(), vp.end());
        }
      ++k;
    }
    EXPECT_GT(spikes[0].size(), 100u) << file;
    EXPECT_EQ(spikes[0], spikes[1]) << file;
    EXPECT_EQ(v[0], v[1]) << file;  // bitwise
  }
}
