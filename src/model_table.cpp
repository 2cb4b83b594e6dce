// Builds the run-time model table from the compile-time registry.
#include <fmt/format.h>

#include "engram/models.hpp"
#include "model_params.hpp"
#include "models/registry.hpp"

namespace engram {

namespace {
template <class... Ms>
std::vector<neuron_model_info> make_table(type_list<Ms...>) {
  std::vector<neuron_model_info> t;
  int index = 0;
  auto add = [&]<class M>() {
    neuron_model_info m;
    m.name = M::name;
    m.index = index++;
    for (const auto& p : M::ports) m.ports.push_back({p.name, p.unit, 0.0});
    const typename M::params defaults{};
    for (const auto& f : M::param_table) m.params.push_back({f.name, f.unit, defaults.*(f.member)});
    for (const auto& s : M::state_table) m.state.push_back({s.name, s.unit, 0.0});
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
  return s + spike_source_array_model;
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

}  // namespace engram
