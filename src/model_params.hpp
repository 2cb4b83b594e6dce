#pragma once
// Typed parameters of a model from the description's name -> value overrides.
#include <map>
#include <string>

namespace engram {

template <class M>
typename M::params make_params(const std::map<std::string, double>& overrides) {
  typename M::params p{};
  for (const auto& f : M::param_table) {
    auto it = overrides.find(f.name);
    if (it != overrides.end()) p.*(f.member) = it->second;
  }
  return p;
}

// A plasticity rule's parameters: its published set `set` (or the defaults if empty), then
// the overrides. Returns false if the set is unknown.
template <class R>
bool make_rule_params(const std::string& set, const std::map<std::string, double>& overrides, typename R::params& p) {
  p = typename R::params{};
  if (!set.empty() && !R::parameter_set(set, p)) return false;
  for (const auto& f : R::param_table) {
    auto it = overrides.find(f.name);
    if (it != overrides.end()) p.*(f.member) = it->second;
  }
  return true;
}

}  // namespace engram
