// Backend conformance: one test body, run on every backend (CUDA instances are skipped, with
// the reason, where no device is usable). Tiny networks whose results can be checked by hand
// pin down the timing conventions: a spike emitted in step t is recorded at (t+1) dt, and with
// a delay of D steps it is added to the target in step t + D.
#include <gtest/gtest.h>

#include <cmath>

#include "engram/simulation.hpp"

using namespace engram;

namespace {

network source_to_neuron(std::vector<double> times, double weight) {
  network net;
  net.source_file = "conformance";
  net.run = {0.1, 10.0, 1};
  population src{"src", "spike_source_array", 1, {}, {}, {std::move(times)}};
  population n{"n", "lif_delta", 1, {}, {}, {}};
  n.params = {{"E_L", 0.0}, {"V_reset", 0.0}, {"V_th", 20.0}, {"tau_m", 20.0}, {"t_ref", 2.0}};
  n.initial["v"] = distribution::constant(0.0);
  net.populations = {src, n};
  projection pr;
  pr.name = "p";
  pr.source = "src";
  pr.target = "n";
  pr.receptor = "delta";
  pr.conn.type = connector::kind::one_to_one;
  pr.weight = distribution::constant(weight);
  pr.delay = distribution::constant(1.5);  // 15 steps
  net.projections = {pr};
  recorder spikes;
  spikes.type = recorder::kind::spikes;
  spikes.population = "n";
  recorder probe;
  probe.type = recorder::kind::state;
  probe.population = "n";
  probe.variables = {"v"};
  probe.neurons = {0};
  probe.interval = 0.1;
  net.recorders = {spikes, probe};
  return net;
}

class Conformance : public testing::TestWithParam<backend_choice> {
 protected:
  recording run(const network& net) {
    simulation_options o;
    o.backend = GetParam();
    auto sim = make_simulation(net, o);
    sim->advance(net.steps());
    return sim->results();
  }
  void SetUp() override {
    if (GetParam() == backend_choice::cuda) {
      const backend_status s = probe_backends();
      if (!s.cuda_usable) GTEST_SKIP() << "CUDA backend: " << s.cuda_reason;
    }
  }
};

}  // namespace

// A source spike at t = 1.0 ms is the end of step 9; with 15 steps of delay the 5 mV jump is
// added in step 24, so the probe sample at the end of step 24 (t = 2.5 ms) is the first
// non-zero one and equals exactly 5 mV; afterwards V decays with exp(-dt/tau).
TEST_P(Conformance, DelayedJumpArrivesInStepTPlusD) {
  const recording r = run(source_to_neuron({1.0}, 5.0));
  const auto& v = r.state_recorders.at(0).values.at(0);
  ASSERT_EQ(v.size(), 100u);
  for (int k = 0; k < 24; ++k) ASSERT_EQ(v[static_cast<std::size_t>(k)], 0.0f) << "step " << k;
  EXPECT_EQ(v[24], 5.0f);
  EXPECT_NEAR(v[25], 5.0 * std::exp(-0.1 / 20.0), 1e-6);
  EXPECT_DOUBLE_EQ(r.state_recorders[0].times[24], 2.5);
}

// Jumps of 6 mV at 1, 2, 3, 4, 5 ms (arriving 1.5 ms later): V = 6, 11.71, 17.14, 22.30 ->
// the fourth crosses 20 mV in step 39 + 15 = 54, recorded at 5.5 ms; the fifth arrives in
// step 64, inside the 2 ms (20-step) refractory period, and is discarded.
TEST_P(Conformance, ThresholdResetAndRefractoryPeriod) {
  const recording r = run(source_to_neuron({1.0, 2.0, 3.0, 4.0, 5.0}, 6.0));
  const auto& s = r.spike_recorders.at(0);
  ASSERT_EQ(s.step.size(), 1u);
  EXPECT_EQ(s.step[0], 54u);
  const auto& v = r.state_recorders.at(0).values.at(0);
  for (int k = 54; k <= 74; ++k) EXPECT_EQ(v[static_cast<std::size_t>(k)], 0.0f) << "clamped at V_reset, step " << k;
  EXPECT_EQ(r.spike_count.at(1), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, Conformance, testing::Values(backend_choice::cpu, backend_choice::cuda),
                         [](const testing::TestParamInfo<backend_choice>& i) {
                           return i.param == backend_choice::cpu ? std::string("cpu") : std::string("cuda");
                         });
