// Builds the run-time model table from the compile-time registry.
#include <fmt/format.h>

#include "engram/models.hpp"
#include "model_params.hpp"
#include "models/plasticity/registry.hpp"
#include "models/registry.hpp"

namespace engram {

namespace {
// A model's or rule's parameters (with their defaults) and state variables, for the tables.
template <class T>
std::vector<model_field> param_fields() {
  std::vector<model_field> v;
  const typename T::params defaults{};
  for (const auto& f : T::param_table) v.push_back({f.name, f.unit, defaults.*(f.member)});
  return v;
}
template <class T>
std::vector<model_field> state_fields() {
  std::vector<model_field> v;
  for (const auto& s : T::state_table) v.push_back({s.name, s.unit, 0.0});
  return v;
}

template <class... Ms>
std::vector<neuron_model_info> make_table(type_list<Ms...>) {
  std::vector<neuron_model_info> t;
  int index = 0;
  auto add = [&]<class M>() {
    neuron_model_info m;
    m.name = M::name;
    m.index = index++;
    for (const auto& p : M::ports) m.ports.push_back({p.name, p.unit, 0.0});
    m.params = param_fields<M>();
    m.state = state_fields<M>();
    if constexpr (requires { M::voltage_relative_to_rest; }) m.voltage_relative_to_rest = M::voltage_relative_to_rest;
    t.push_back(std::move(m));
  };
  (add.template operator()<Ms>(), ...);
  return t;
}
}  // namespace

const std::vector<neuron_model_info>& neuron_models_info() {
  static const std::vector<neuron_model_info> table = make_table(neuron_models{});
  return table;
}

const neuron_model_info* find_neuron_model(std::string_view name) {
  for (const auto& m : neuron_models_info())
    if (m.name == name) return &m;
  return nullptr;
}

std::string known_model_names() {
  std::string s;
  for (const auto& m : neuron_models_info()) s += m.name + ", ";
  return s + spike_source_array_model + ", " + spike_source_poisson_model;
}

std::pair<std::string, std::string> check_neuron_params(const neuron_model_info& m,
                                                        const std::map<std::string, double>& overrides) {
  return dispatch_model(m.index, [&]<class M>() {
    const auto p = make_params<M>(overrides);
    param_check c;
    M::check(p, c);
    return std::pair<std::string, std::string>{c.field, c.message};
  });
}

namespace {
template <class... Rs>
std::vector<plasticity_rule_info> make_rule_table(type_list<Rs...>) {
  std::vector<plasticity_rule_info> t;
  int index = 0;
  auto add = [&]<class R>() {
    plasticity_rule_info r;
    r.name = R::name;
    r.index = index++;
    r.params = param_fields<R>();
    r.state = state_fields<R>();
    if constexpr (has_parameter_sets<R>) r.parameter_sets = R::parameter_set_names;
    r.reads_membrane_potential = R::reads_membrane_potential;
    if constexpr (requires { R::D_defaults_to_synaptic_delay; }) r.delay_defaults_to_synaptic = R::D_defaults_to_synaptic_delay;
    r.changes_weight = plasticity::changes_weight<R>;
    r.pairs_spikes = plasticity::pairs_spikes<R>;
    t.push_back(std::move(r));
  };
  (add.template operator()<Rs>(), ...);
  return t;
}
}  // namespace

const std::vector<plasticity_rule_info>& plasticity_rules_info() {
  static const std::vector<plasticity_rule_info> table = make_rule_table(plasticity_rules{});
  return table;
}

const plasticity_rule_info* find_plasticity_rule(std::string_view name) {
  for (const auto& r : plasticity_rules_info())
    if (r.name == name) return &r;
  return nullptr;
}

std::string known_rule_names() {
  std::string s;
  for (const auto& r : plasticity_rules_info()) s += (s.empty() ? "" : ", ") + r.name;
  return s;
}

std::pair<std::string, std::string> check_plasticity_params(const plasticity_rule_info& r, const std::string& set,
                                                            const std::map<std::string, double>& overrides, double dt) {
  return dispatch_rule(r.index, [&]<class R>() {
    typename R::params p;
    if (!make_rule_params<R>(set, overrides, p))
      return std::pair<std::string, std::string>{
          "set", has_parameter_sets<R> ? fmt::format("unknown parameter set \"{}\" (known: {})", set, r.parameter_sets)
                                       : fmt::format("rule {} has no published parameter sets; give its params instead", r.name)};
    param_check c;
    R::check(p, dt, c);
    if (c.ok()) return std::pair<std::string, std::string>{};
    double value = 0.0;
    for (const auto& f : R::param_table)
      if (c.field == f.name) value = p.*(f.member);
    return std::pair<std::string, std::string>{"params." + c.field, fmt::format("{} {} (value {})", c.field, c.message, value)};
  });
}

}  // namespace engram
