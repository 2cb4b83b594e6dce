#pragma once
// Run-time view of the registered neuron models (names, ports, parameters, state variables)
// for parsing, validation and `engram info`. The math lives in models/neurons/.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace engram {

struct model_field {
  std::string name;
  std::string unit;
  double default_value = 0.0;  // parameters only
};

struct neuron_model_info {
  std::string name;
  int index = -1;  // position in the registry (models/registry.hpp)
  std::vector<model_field> ports;   // receptor names and weight units
  std::vector<model_field> params;  // with defaults
  std::vector<model_field> state;   // state variables
  bool voltage_relative_to_rest = false;  // v is measured from rest (lif_delta), not absolute
};

inline constexpr const char* spike_source_array_model = "spike_source_array";
// Poisson spike trains (params: rate in Hz, start and stop in ms), generated at set-up from the
// seed into the same schedule as a spike_source_array, so every backend runs them unchanged.
inline constexpr const char* spike_source_poisson_model = "spike_source_poisson";
// A population of either spike source (no neuron model, no state, no ports).
inline bool is_spike_source(std::string_view model) {
  return model == spike_source_array_model || model == spike_source_poisson_model;
}

const std::vector<neuron_model_info>& neuron_models_info();
const neuron_model_info* find_neuron_model(std::string_view name);
// Names of every model a population may use, comma separated (for error messages).
std::string known_model_names();

// Checks parameter overrides against the model's constraints; returns (field, message) of
// the first violation, or empty strings.
std::pair<std::string, std::string> check_neuron_params(const neuron_model_info& m,
                                                        const std::map<std::string, double>& overrides);

struct plasticity_rule_info {
  std::string name;
  int index = -1;  // position in models/plasticity/registry.hpp
  std::vector<model_field> params;  // with defaults
  std::vector<model_field> state;   // per-synapse state variables
  std::string parameter_sets;       // names of published sets, comma separated ("" if none)
  bool reads_membrane_potential = false;  // needs the target's absolute membrane potential
  bool delay_defaults_to_synaptic = false;  // params.D < 0 means the projection's (constant) delay
  bool changes_weight = false;  // a weight rule (stdp, ...): no synapse state, changes the stored weight
  bool pairs_spikes = false;    // acts at postsynaptic spikes too (needs the column index)
};

const std::vector<plasticity_rule_info>& plasticity_rules_info();
const plasticity_rule_info* find_plasticity_rule(std::string_view name);
std::string known_rule_names();
// Checks a rule's parameter set name and overrides (dt in ms); returns (field, message) of the
// first violation, or empty strings. Field is "set" for an unknown parameter set.
std::pair<std::string, std::string> check_plasticity_params(const plasticity_rule_info& r, const std::string& set,
                                                            const std::map<std::string, double>& overrides, double dt);

}  // namespace engram
