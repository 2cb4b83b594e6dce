// Model-file parsing at the API level: a complete file parses into the description with the
// right values and defaults; errors name the path (the CLI tests cover every bad-input case).
#include <gtest/gtest.h>

#include <filesystem>

#include "engram/errors.hpp"
#include "engram/model_file.hpp"
#include "engram/network.hpp"

using namespace engram;

namespace {
const char* good = R"({
  "name": "t", "run": {"dt": 0.1, "duration": 50, "seed": 3},
  "populations": [{"name": "E", "model": "lif_cond_exp", "size": 5, "params": {"g_L": 12},
                   "initial": {"v": {"dist": "uniform", "low": -60, "high": -55}}}],
  "projections": [{"source": "E", "target": "E", "receptor": "GABA_A",
                   "connector": {"type": "fixed_indegree", "indegree": 2, "multapses": false},
                   "weight": {"dist": "lognormal", "mu": 0, "sigma": 0.5, "high": 10, "bounds": "redraw"},
                   "delay": 2.0}],
  "stimuli": [{"type": "poisson", "target": "E", "rate": [1, 2, 3, 4, 5], "weight": 1, "receptor": "AMPA"}],
  "recorders": [{"type": "state", "population": "E", "variables": ["v", "g_AMPA"], "neurons": [0, 4]}]
})";

std::string error_of(const std::string& text) {
  try {
    parse_model_text(text, "m.json", ".");
  } catch (const invalid_model& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(ModelFile, ParsesEverySection) {
  const network n = parse_model_text(good, "m.json", ".");
  EXPECT_EQ(n.name, "t");
  EXPECT_EQ(n.run.seed, 3u);
  EXPECT_EQ(n.steps(), 500u);
  EXPECT_EQ(n.populations[0].params.at("g_L"), 12.0);
  EXPECT_EQ(n.populations[0].initial.at("v").type, distribution::kind::uniform);
  EXPECT_EQ(n.projections[0].name, "E_E_GABA_A");  // default name
  EXPECT_FALSE(n.projections[0].conn.multapses);
  EXPECT_TRUE(n.projections[0].conn.autapses);  // default
  EXPECT_EQ(n.projections[0].weight.bounds, distribution::bounds_mode::redraw);
  EXPECT_EQ(n.stimuli[0].rates.size(), 5u);
  EXPECT_EQ(n.stimuli[0].sources, 1u);
  EXPECT_DOUBLE_EQ(n.recorders[0].interval, 0.1);  // default: every step
}

TEST(ModelFile, ErrorsNameFileFieldAndValue) {
  std::string t = good;
  EXPECT_EQ(error_of(std::string(t).replace(t.find("\"seed\": 3"), 9, "\"seed\": -3")),
            "m.json: run.seed: expected a non-negative integer, got -3");
  EXPECT_EQ(error_of(std::string(t).replace(t.find("\"size\": 5"), 9, "\"size\": 5.5")),
            "m.json: populations[0].size: expected a non-negative integer, got 5.5");
  EXPECT_EQ(error_of(std::string(t).replace(t.find("[1, 2, 3, 4, 5]"), 15, "[1, 2]")),
            "m.json: stimuli[0].rate: 2 rates given for 5 neurons: give one rate or one per neuron");
  EXPECT_EQ(error_of(std::string(t).replace(t.find("\"g_AMPA\""), 8, "\"g_NMDA\"")),
            "m.json: recorders[0].variables[1]: unknown state variable \"g_NMDA\" of model lif_cond_exp (known: v, g_AMPA, g_GABA_A, refractory)");
  EXPECT_EQ(error_of(std::string(t).replace(t.find("[0, 4]"), 6, "[0, 5]")),
            "m.json: recorders[0].neurons[1]: neuron 5 does not exist (population size 5)");
  EXPECT_EQ(error_of(std::string(t).replace(t.find("\"indegree\": 2"), 13, "\"indegree\": 9")),
            "m.json: projections[0].connector.indegree: in-degree 9 without multapses exceeds the 5 available sources");
}

// Every model file the repository ships (networks and protocols) loads and validates: a change of
// the format or of validation cannot leave one of them broken unnoticed.
TEST(ModelFile, EveryShippedModelValidates) {
  int files = 0;
  for (const char* dir : {"models/networks", "models/protocols"})
    for (const auto& e : std::filesystem::directory_iterator(std::filesystem::path(ENGRAM_SOURCE_DIR) / dir)) {
      if (e.path().extension() != ".json") continue;
      ++files;
      EXPECT_NO_THROW(validate(load_model_file(e.path().string()))) << e.path();
    }
  EXPECT_GE(files, 20);
}
