#pragma once
// What two runs of the same model must share to count as identical, bit for bit: every spike,
// spike counts, rate bins, state probes, weight snapshots, every synapse variable of every
// plastic rule and every projection's final weights. Used for CPU vs CUDA parity and for
// checkpoint restores (tests/gpu/*_test.cpp).
#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <string>
#include <vector>

#include "engram/models.hpp"
#include "engram/simulation.hpp"

namespace engram::testing_support {

struct run_result {
  recording rec;
  std::vector<std::vector<float>> rule_state;  // every synapse variable of every plastic projection
  std::vector<std::vector<float>> weights;     // every projection's weights at the end
};

// The results of a simulation that has run `net` to its end.
inline run_result collect(simulation& sim, const network& net) {
  run_result r{sim.results(), {}, {}};
  for (std::size_t j = 0; j < net.projections.size(); ++j)
    for (const auto& spec : net.projections[j].plasticity)
      for (const auto& v : find_plasticity_rule(spec.rule)->state)
        r.rule_state.push_back(sim.synapse_variable(static_cast<int>(j), v.name));
  for (std::size_t j = 0; j < net.projections.size(); ++j) r.weights.push_back(sim.weights(static_cast<int>(j)));
  return r;
}

// A gtest name for a test case made from a model file: its base name, letters and digits only.
inline std::string case_name(std::string file) {
  file = file.substr(file.rfind('/') + 1);
  file = file.substr(0, file.find('.'));
  for (auto& ch : file)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return file;
}

inline void expect_same_floats(const std::vector<float>& a, const std::vector<float>& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << what << " differs (bitwise)";
}

// `b` equals the reference `a`; `what` names the comparison in failure messages.
inline void expect_identical(const run_result& a, const run_result& b, const std::string& what) {
  std::uint64_t total = 0;
  for (auto s : a.rec.spike_count) total += s;
  EXPECT_GT(total, 0u) << what << ": the case must produce spikes";
  EXPECT_EQ(b.rec.spike_count, a.rec.spike_count) << what;
  ASSERT_EQ(b.rec.spike_recorders.size(), a.rec.spike_recorders.size());
  for (std::size_t r = 0; r < a.rec.spike_recorders.size(); ++r) {
    EXPECT_EQ(b.rec.spike_recorders[r].step, a.rec.spike_recorders[r].step) << what << ", spike recorder " << r;
    EXPECT_EQ(b.rec.spike_recorders[r].neuron, a.rec.spike_recorders[r].neuron) << what << ", spike recorder " << r;
  }
  for (std::size_t r = 0; r < a.rec.rate_recorders.size(); ++r)
    EXPECT_EQ(b.rec.rate_recorders[r].counts, a.rec.rate_recorders[r].counts) << what << ", rate recorder " << r;
  for (std::size_t r = 0; r < a.rec.state_recorders.size(); ++r) {
    EXPECT_EQ(b.rec.state_recorders[r].times, a.rec.state_recorders[r].times) << what;
    for (std::size_t v = 0; v < a.rec.state_recorders[r].values.size(); ++v)
      expect_same_floats(a.rec.state_recorders[r].values[v], b.rec.state_recorders[r].values[v],
                         what + ", probe " + a.rec.state_recorders[r].variables[v]);
  }
  for (std::size_t r = 0; r < a.rec.weight_recorders.size(); ++r)
    EXPECT_EQ(b.rec.weight_recorders[r].values, a.rec.weight_recorders[r].values) << what << ", weight snapshots " << r;
  ASSERT_EQ(a.rule_state.size(), b.rule_state.size());
  for (std::size_t k = 0; k < a.rule_state.size(); ++k) expect_same_floats(a.rule_state[k], b.rule_state[k], what + ", plastic state");
  ASSERT_EQ(a.weights.size(), b.weights.size());
  for (std::size_t j = 0; j < a.weights.size(); ++j)
    expect_same_floats(a.weights[j], b.weights[j], what + ", weights of projection " + std::to_string(j));
}

}  // namespace engram::testing_support
