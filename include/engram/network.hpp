#pragma once
// The network description (DESIGN.md §1, layer 1): what to simulate. Built from C++ or parsed
// from a model file, validated once (validate()), then immutable: backends only read it.
// Units: ms, mV, nS, pA, pF, Hz.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engram/distribution.hpp"

namespace engram {

struct run_settings {
  double dt = 0.1;           // ms
  double duration = 1000.0;  // ms
  std::uint64_t seed = 1;
};

struct population {
  std::string name;
  std::string model;  // a neuron model name, or "spike_source_array"
  std::uint64_t size = 0;
  std::map<std::string, double> params;         // overrides of the model's defaults
  std::map<std::string, distribution> initial;  // initial values of state variables
  std::vector<std::vector<double>> spike_times;  // spike_source_array only: ms, per neuron
};

struct connector {
  enum class kind { all_to_all, one_to_one, fixed_probability, fixed_indegree, fixed_outdegree,
                    fixed_total_number, from_file };
  kind type = kind::all_to_all;
  double p = 0.0;           // fixed_probability
  std::uint64_t n = 0;      // in-degree, out-degree or total number
  bool autapses = true;     // allow i -> i when source == target
  bool multapses = true;    // allow repeated (i, j) pairs (degree-based connectors)
  std::string file;         // from_file: path as resolved against the model file
  // from_file: the explicit list (filled when the file is read during parsing)
  std::vector<std::uint32_t> pre, post;
  std::vector<double> weights, delays;  // empty unless the file holds them
};

struct plasticity_spec {
  std::string rule;           // a rule of models/plasticity/registry.hpp
  std::string parameter_set;  // a published set of the rule ("" = the rule's defaults)
  std::map<std::string, double> params;  // overrides, applied on top of the set
};

struct projection {
  std::string name;
  std::string source, target;
  std::string receptor;  // a port of the target's neuron model
  connector conn;
  distribution weight = distribution::constant(0.0);  // units of the port (mV, pA or nS)
  distribution delay = distribution::constant(1.0);   // ms
  // Rules applied in order (empty: a static projection): any number of weight rules and at most
  // one rule with synapse state (models/plasticity/rule_common.hpp).
  std::vector<plasticity_spec> plasticity;
  // Procedural storage: no synapse is stored; each spike's row is regenerated from the RNG,
  // giving the same synapses as stored ones. Static all_to_all, one_to_one and
  // fixed_probability projections with bounded delays only.
  bool procedural = false;
};

struct stimulus {
  enum class kind { poisson, dc, step_current };
  kind type = kind::poisson;
  std::string target;
  std::vector<std::uint32_t> neurons;  // empty: every neuron of the target
  // poisson
  std::vector<double> rates;  // Hz; one value (all neurons) or one per selected neuron
  std::uint64_t sources = 1;  // independent Poisson sources per neuron
  double weight = 0.0;
  std::string receptor;
  // poisson and dc: active in [start, stop)
  double start = 0.0;
  double stop = -1.0;  // < 0: until the end
  double amplitude = 0.0;  // dc, pA
  std::vector<double> times, amplitudes;  // step_current: ms, pA
};

struct recorder {
  enum class kind { spikes, state, rate, weights };
  kind type = kind::spikes;
  std::string population;  // spikes, state, rate
  std::string projection;  // weights
  std::vector<std::uint32_t> neurons;  // spikes: empty = all; state: required
  std::vector<std::string> variables;  // state
  double interval = 0.0;  // state, ms (0: every step)
  double bin = 1.0;       // rate, ms
  std::vector<double> times;  // weights, ms
  std::string variable = "weight";  // weights: "weight" or a synapse variable of the projection's rule
};

struct network {
  std::string name;
  std::string description;
  std::string source_file;  // model file it was read from, for messages
  run_settings run;
  std::vector<population> populations;
  std::vector<projection> projections;
  std::vector<stimulus> stimuli;
  std::vector<recorder> recorders;

  // Index of a population by name, or -1.
  int population_index(const std::string& n) const;
  int projection_index(const std::string& n) const;
  std::uint64_t steps() const;
};

// Checks every cross-reference and range; throws invalid_model naming the field path
// (e.g. "projections[2].delay") and the offending value. The JSON reader calls it; C++ users
// building a network by hand call it too (simulation construction calls it again).
void validate(const network& net);

}  // namespace engram
