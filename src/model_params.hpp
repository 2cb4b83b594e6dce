#pragma once
// Typed parameters of a model from the description's name -> value overrides.
#include <map>
#include <string>

namespace engram {

template <class Params, class Table>
void apply_overrides(Params& p, const Table& table, const std::map<std::string, double>& overrides) {
  for (const auto& f : table) {
    auto it = overrides.find(f.name);
    if (it != overrides.end()) p.*(f.member) = it->second;
  }
}

template <class M>
typename M::params make_params(const std::map<std::string, double>& overrides) {
  typename M::params p{};
  apply_overrides(p, M::param_table, overrides);
  return p;
}

// Whether a rule has published parameter sets (parameter_set(name, params&) and their names).
template <class R>
concept has_parameter_sets = requires(typename R::params& p) { R::parameter_set(std::string{}, p); };

// A plasticity rule's parameters: its published set `set` (or the defaults if empty), then
// the overrides. Returns false if the set is unknown (or the rule has none).
template <class R>
bool make_rule_params(const std::string& set, const std::map<std::string, double>& overrides, typename R::params& p) {
  p = typename R::params{};
  if (!set.empty()) {
    if constexpr (has_parameter_sets<R>) {
      if (!R::parameter_set(set, p)) return false;
    } else {
      return false;
    }
  }
  apply_overrides(p, R::param_table, overrides);
  return true;
}

}  // namespace engram
