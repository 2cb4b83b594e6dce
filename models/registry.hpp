#pragma once
// The one registration point of neuron models: adding a model means writing its header and
// naming it here; no backend or kernel changes.
#include <type_traits>
#include <utility>

#include "models/neurons/adex_cond_exp.hpp"
#include "models/neurons/adaptive_threshold.hpp"
#include "models/neurons/adex_cond_nmda.hpp"
#include "models/neurons/lif_cond_exp.hpp"
#include "models/neurons/lif_cond_nmda.hpp"
#include "models/neurons/lif_curr_alpha.hpp"
#include "models/neurons/lif_curr_exp.hpp"
#include "models/neurons/lif_delta.hpp"

namespace engram {

template <class... Ts>
struct type_list {
  static constexpr int size = sizeof...(Ts);
};

namespace neurons {
// LIF models with intrinsic plasticity (an adaptive threshold, adaptive_threshold.hpp).
struct lif_delta_ip : with_adaptive_threshold<lif_delta> {
  static constexpr const char* name = "lif_delta_ip";
};
struct lif_cond_exp_ip : with_adaptive_threshold<lif_cond_exp> {
  static constexpr const char* name = "lif_cond_exp_ip";
};
}  // namespace neurons

using neuron_models = type_list<neurons::lif_delta, neurons::lif_curr_exp, neurons::lif_cond_exp,
                                neurons::adex_cond_exp, neurons::lif_cond_nmda,
                                neurons::adex_cond_nmda, neurons::lif_delta_ip, neurons::lif_cond_exp_ip,
                                neurons::lif_curr_alpha>;

// Calls f.template operator()<T>() for the type with the given index in a type_list (and
// returns its result, or a value-initialised one for an index out of range).
template <class F, class First, class... Ts>
decltype(auto) dispatch_index(int index, F&& f, type_list<First, Ts...>) {
  using result = decltype(f.template operator()<First>());
  if constexpr (std::is_void_v<result>) {
    int i = 0;
    ((i++ == index ? (f.template operator()<First>(), true) : false) || ... ||
     (i++ == index ? (f.template operator()<Ts>(), true) : false));
  } else {
    result r{};
    int i = 0;
    ((i++ == index ? (r = f.template operator()<First>(), true) : false) || ... ||
     (i++ == index ? (r = f.template operator()<Ts>(), true) : false));
    return r;
  }
}

// Calls f.template operator()<Model>() for the model with the given index in neuron_models.
template <class F>
decltype(auto) dispatch_model(int index, F&& f) {
  return dispatch_index(index, std::forward<F>(f), neuron_models{});
}

}  // namespace engram
