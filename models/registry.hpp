#pragma once
// The one registration point of neuron models: adding a model means writing its header and
// naming it here; no backend or kernel changes.
#include <type_traits>
#include <utility>

#include "models/neurons/adex_cond_exp.hpp"
#include "models/neurons/lif_cond_exp.hpp"
#include "models/neurons/lif_cond_nmda.hpp"
#include "models/neurons/lif_curr_exp.hpp"
#include "models/neurons/lif_delta.hpp"

namespace engram {

template <class... Ts>
struct type_list {
  static constexpr int size = sizeof...(Ts);
};

using neuron_models = type_list<neurons::lif_delta, neurons::lif_curr_exp, neurons::lif_cond_exp,
                                neurons::adex_cond_exp, neurons::lif_cond_nmda>;

// Calls f.template operator()<Model>() for the model with the given index in neuron_models.
template <class F, class... Ms>
decltype(auto) dispatch_model_impl(int index, F&& f, type_list<Ms...>) {
  using result = decltype(f.template operator()<neurons::lif_delta>());
  if constexpr (std::is_void_v<result>) {
    int i = 0;
    ((i++ == index ? (f.template operator()<Ms>(), true) : false) || ...);
  } else {
    result r{};
    int i = 0;
    ((i++ == index ? (r = f.template operator()<Ms>(), true) : false) || ...);
    return r;
  }
}
template <class F>
decltype(auto) dispatch_model(int index, F&& f) {
  return dispatch_model_impl(index, std::forward<F>(f), neuron_models{});
}

}  // namespace engram
