#include "plasticity_setup.hpp"

#include <algorithm>
#include <cstring>

#include "engram/models.hpp"
#include "model_params.hpp"
#include "models/neurons/neuron_common.hpp"
#include "models/plasticity/registry.hpp"
#include "resize_populated.hpp"

namespace engram {

namespace {
// A rule's parameters as the model file resolves them (published set, overrides, the
// projection's delay for rules whose D defaults to it); the description is validated.
template <class R>
typename R::params resolved_params(const projection& pr, const plasticity_spec& spec) {
  typename R::params p;
  make_rule_params<R>(spec.parameter_set, spec.params, p);
  if constexpr (requires { R::D_defaults_to_synaptic_delay; })
    if (p.D < 0) p.D = pr.delay.nominal();  // validated: a constant delay
  return p;
}
int rule_index(const plasticity_spec& spec) {
  const auto* info = find_plasticity_rule(spec.rule);
  return info ? info->index : -1;
}
}  // namespace

std::pair<std::uint32_t, std::uint32_t> rule_delay_steps(const network& net, std::size_t projection, std::size_t k) {
  const auto& pr = net.projections[projection];
  const int rule = rule_index(pr.plasticity.at(k));
  if (rule < 0) return {0, 0};
  return dispatch_rule(rule, [&]<class R>() {
    const typename R::derived d = R::derive(resolved_params<R>(pr, pr.plasticity[k]), net.run.dt);
    return std::pair<std::uint32_t, std::uint32_t>{R::delay_steps(d), R::post_delay_steps(d)};
  });
}

std::vector<plasticity_setup> setup_plasticity(const network& net, std::size_t projection, std::uint64_t synapses) {
  const auto& pr = net.projections[projection];
  std::vector<plasticity_setup> rules;
  for (std::size_t k = 0; k < pr.plasticity.size(); ++k) {
    plasticity_setup& ps = rules.emplace_back();
    ps.rule = rule_index(pr.plasticity[k]);
    dispatch_rule(ps.rule, [&]<class R>() {
      const typename R::params p = resolved_params<R>(pr, pr.plasticity[k]);
      const typename R::derived d = R::derive(p, net.run.dt);
      ps.derived.resize(sizeof d);
      std::memcpy(ps.derived.data(), &d, sizeof d);
      ps.delay_steps = R::delay_steps(d);
      ps.post_delay_steps = R::post_delay_steps(d);
      ps.changes_weight = plasticity::changes_weight<R>;
      ps.pairs_spikes = plasticity::pairs_spikes<R>;
      ps.n_state = static_cast<int>(sizeof(typename R::state) / sizeof(real));
      ps.n_pre = static_cast<int>(sizeof(typename R::pre_state) / sizeof(real));
      ps.n_post = static_cast<int>(sizeof(typename R::post_state) / sizeof(real));
      if (ps.n_state == 0) return;
      resize_populated(ps.state, static_cast<std::uint64_t>(ps.n_state) * synapses);  // large: pages made present by every thread
      const std::uint64_t seed = net.run.seed;
      // The first rule keeps the keys of a one-rule projection (earlier checkpoints and tests).
      const auto object = static_cast<std::uint32_t>(projection) | static_cast<std::uint32_t>(k << 24);
#pragma omp parallel for schedule(static)
      for (std::uint64_t s = 0; s < synapses; ++s) {
        double u0 = 0.0, u1 = 0.0;
        rng::uniform_pair(seed, rng::domain::plasticity_initial, object, static_cast<std::uint32_t>(s),
                          static_cast<std::uint32_t>(s >> 32), 0u, u0, u1);
        store_state(ps.state.data(), synapses, s, R::initial(p, u0));
      }
    });
  }
  return rules;
}

int state_rule(const std::vector<plasticity_setup>& rules) {
  for (std::size_t k = 0; k < rules.size(); ++k)
    if (!rules[k].changes_weight) return static_cast<int>(k);
  return -1;
}

std::vector<float> efficacies(const plasticity_setup& setup, const std::vector<float>& weights, const std::vector<real>& state) {
  if (setup.rule < 0 || setup.changes_weight) return weights;
  std::vector<float> w(weights.size());
  dispatch_rule(setup.rule, [&]<class R>() {
    typename R::derived d;
    std::memcpy(&d, setup.derived.data(), sizeof d);
    for (std::uint64_t s = 0; s < w.size(); ++s)
      w[s] = R::efficacy(weights[s], load_state<typename R::state>(state.data(), w.size(), s), d);
  });
  return w;
}

namespace {
template <class Counts>
std::vector<std::uint64_t> history_lengths(const network& net, const std::vector<std::vector<plasticity_setup>>& rules, Counts&& counts) {
  std::vector<std::uint64_t> len(net.populations.size(), 0);
  for (std::size_t j = 0; j < rules.size(); ++j)
    for (const auto& r : rules[j]) {
      if (!counts(r)) continue;
      const auto& pr = net.projections[j];
      auto& src = len[static_cast<std::size_t>(net.population_index(pr.source))];
      auto& tgt = len[static_cast<std::size_t>(net.population_index(pr.target))];
      src = std::max<std::uint64_t>(src, r.delay_steps + 1);
      tgt = std::max<std::uint64_t>(tgt, r.post_delay_steps + 1);
    }
  return len;
}
}  // namespace

std::vector<std::uint64_t> spike_history_lengths(const network& net, const std::vector<std::vector<plasticity_setup>>& rules) {
  return history_lengths(net, rules, [](const plasticity_setup&) { return true; });
}

std::vector<std::uint64_t> spike_list_lengths(const network& net, const std::vector<std::vector<plasticity_setup>>& rules) {
  return history_lengths(net, rules, [](const plasticity_setup& r) { return r.pairs_spikes; });
}

spike_lists spike_lists_from_flags(const std::vector<std::uint8_t>& flags, std::uint64_t n, std::uint64_t hist_len,
                                   std::uint64_t list_len, std::uint64_t step) {
  const std::uint64_t slots = spike_list_slots(list_len);
  spike_lists s;
  s.list.assign(slots * n, 0);
  s.count.assign(slots, 0);
  for (std::uint64_t ago = 1; ago < list_len && ago <= step; ++ago) {
    const std::uint64_t u = step - ago;
    const std::uint8_t* fired = flags.data() + (u % hist_len) * n;
    std::uint32_t* list = s.list.data() + (u % slots) * n;
    std::uint32_t& count = s.count[u % slots];
    for (std::uint64_t i = 0; i < n; ++i)
      if (fired[i]) list[count++] = static_cast<std::uint32_t>(i);
  }
  return s;
}

}  // namespace engram
