#pragma once
// The one registration point of plasticity rules: adding a rule means writing its header and
// naming it here; the backends dispatch on the rule's index.
#include <utility>

#include "models/plasticity/graupner_brunel.hpp"
#include "models/plasticity/shouval.hpp"
#include "models/plasticity/stdp.hpp"
#include "models/plasticity/stdp_power_law.hpp"
#include "models/plasticity/stdp_triplet.hpp"
#include "models/plasticity/synaptic_scaling.hpp"
#include "models/plasticity/tagging_capture.hpp"
#include "models/registry.hpp"

namespace engram {

using plasticity_rules = type_list<plasticity::graupner_brunel, plasticity::shouval, plasticity::tagging_capture,
                                   plasticity::stdp, plasticity::stdp_triplet, plasticity::synaptic_scaling,
                                   plasticity::stdp_power_law>;

// Calls f.template operator()<Rule>() for the rule with the given index in plasticity_rules.
template <class F>
decltype(auto) dispatch_rule(int index, F&& f) {
  return dispatch_index(index, std::forward<F>(f), plasticity_rules{});
}

}  // namespace engram
