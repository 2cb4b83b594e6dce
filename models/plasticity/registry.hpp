#pragma once
// The one registration point of plasticity rules: adding a rule means writing its header and
// naming it here; the backends dispatch on the rule's index.
#include <tuple>
#include <type_traits>
#include <utility>

#include "models/plasticity/graupner_brunel.hpp"
#include "models/plasticity/shouval.hpp"
#include "models/plasticity/tagging_capture.hpp"
#include "models/registry.hpp"

namespace engram {

using plasticity_rules = type_list<plasticity::graupner_brunel, plasticity::shouval, plasticity::tagging_capture>;

// Calls f.template operator()<Rule>() for the rule with the given index in plasticity_rules.
template <class F, class... Rs>
decltype(auto) dispatch_rule_impl(int index, F&& f, type_list<Rs...>) {
  using first = std::tuple_element_t<0, std::tuple<Rs...>>;
  using result = decltype(f.template operator()<first>());
  if constexpr (std::is_void_v<result>) {
    int i = 0;
    ((i++ == index ? (f.template operator()<Rs>(), true) : false) || ...);
  } else {
    result r{};
    int i = 0;
    ((i++ == index ? (r = f.template operator()<Rs>(), true) : false) || ...);
    return r;
  }
}
template <class F>
decltype(auto) dispatch_rule(int index, F&& f) {
  return dispatch_rule_impl(index, std::forward<F>(f), plasticity_rules{});
}

}  // namespace engram
