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

}  // namespace engram
