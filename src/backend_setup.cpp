#include "backend_setup.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "engram/errors.hpp"
#include "engram/models.hpp"
#include "model_params.hpp"
#include "models/poisson.hpp"
#include "models/registry.hpp"
#include "models/sampling.hpp"

namespace engram {

neuron_setup setup_neurons(const network& net, std::size_t p) {
  const population& desc = net.populations[p];
  neuron_setup s;
  s.model = find_neuron_model(desc.model)->index;
  dispatch_model(s.model, [&]<class M>() {
    const auto params = make_params<M>(desc.params);
    const typename M::derived d = M::derive(params, net.run.dt);
    s.derived.resize(sizeof d);
    std::memcpy(s.derived.data(), &d, sizeof d);
    s.n_ports = M::n_ports;
    s.n_vars = static_cast<int>(sizeof(typename M::state) / sizeof(real));
    const std::uint64_t n = desc.size;
    s.soa.assign(static_cast<std::uint64_t>(s.n_vars) * n, 0);
    const typename M::state s0 = M::initial(params);
    std::vector<std::pair<int, const distribution*>> draws;  // fields with a distribution
    for (int k = 0; k < s.n_vars; ++k) {
      auto it = desc.initial.find(M::state_table[k].name);
      if (it != desc.initial.end()) draws.emplace_back(k, &it->second);
    }
    real* soa = s.soa.data();
#pragma omp parallel for schedule(static)
    for (std::uint64_t i = 0; i < n; ++i) {
      typename M::state st = s0;
      rng::stream r(net.run.seed, rng::domain::initial_state, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(i));
      for (const auto& [k, dist] : draws) {
        const real v = static_cast<real>(sample(*dist, r));
        std::memcpy(reinterpret_cast<char*>(&st) + static_cast<std::size_t>(k) * sizeof(real), &v, sizeof v);
      }
      store_state(soa, n, i, st);
    }
  });
  return s;
}

void spike_source_schedule(const network& net, std::size_t p, std::vector<std::uint64_t>& ptr,
                           std::vector<std::uint64_t>& steps) {
  const population& desc = net.populations[p];
  ptr.assign(desc.size + 1, 0);
  steps.clear();
  if (desc.model == spike_source_poisson_model) {
    // At most one spike a step, with probability q = 1 - exp(-rate dt) in each step of
    // [start, stop): gaps between spikes are geometric, drawn per neuron from its own stream.
    const auto param = [&](const char* k, double fallback) {
      const auto it = desc.params.find(k);
      return it == desc.params.end() ? fallback : it->second;
    };
    const double dt = net.run.dt;
    const double q = -std::expm1(-param("rate", 0.0) * dt * 1e-3);
    const auto first = static_cast<std::uint64_t>(std::llround(param("start", 0.0) / dt));
    const auto end = std::min<std::uint64_t>(net.steps(), static_cast<std::uint64_t>(std::llround(param("stop", net.run.duration) / dt)));
    const double log_miss = std::log1p(-q);
    for (std::uint64_t i = 0; i < desc.size; ++i) {
      rng::stream r(net.run.seed, rng::domain::poisson_source, static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(i));
      for (double s = static_cast<double>(first); q > 0;) {
        if (q < 1) s += std::floor(std::log(1.0 - r.uniform()) / log_miss);  // steps without a spike
        if (s >= static_cast<double>(end)) break;
        steps.push_back(static_cast<std::uint64_t>(s));
        s += 1;
      }
      ptr[i + 1] = steps.size();
    }
    return;
  }
  for (std::uint64_t i = 0; i < desc.size; ++i) {
    for (double t : desc.spike_times[i]) steps.push_back(static_cast<std::uint64_t>(std::llround(t / net.run.dt)) - 1);
    ptr[i + 1] = steps.size();
  }
}

int port_index(const network& net, int population, const std::string& receptor) {
  const auto* m = find_neuron_model(net.populations[static_cast<std::size_t>(population)].model);
  for (std::size_t k = 0; m && k < m->ports.size(); ++k)
    if (m->ports[k].name == receptor) return static_cast<int>(k);
  throw internal_error(fmt::format("receptor {} not found after validation", receptor));
}

int state_index(const network& net, int population, const std::string& variable) {
  const auto* m = find_neuron_model(net.populations.at(static_cast<std::size_t>(population)).model);
  if (!m) throw invalid_model(fmt::format("population {} is a spike source and has no state", population));
  for (std::size_t k = 0; k < m->state.size(); ++k)
    if (m->state[k].name == variable) return static_cast<int>(k);
  throw invalid_model(fmt::format("model {} has no state variable {}", m->name, variable));
}

int synapse_state_index(const network& net, int projection, const std::string& variable) {
  const auto& pr = net.projections.at(static_cast<std::size_t>(projection));
  if (pr.plasticity.empty()) throw invalid_model(fmt::format("projection \"{}\" is not plastic and has no {}", pr.name, variable));
  for (const auto& spec : pr.plasticity) {  // only the one state rule has synapse variables
    const auto* r = find_plasticity_rule(spec.rule);
    for (std::size_t k = 0; k < r->state.size(); ++k)
      if (r->state[k].name == variable) return static_cast<int>(k);
  }
  throw invalid_model(fmt::format("the rules of projection \"{}\" have no synapse variable {}", pr.name, variable));
}

stimulus_plans plan_stimuli(const network& net) {
  stimulus_plans plans;
  const double dt = net.run.dt;
  auto to_step = [&](double ms) { return static_cast<std::uint64_t>(std::llround(ms / dt)); };
  for (std::size_t index = 0; index < net.stimuli.size(); ++index) {
    const stimulus& s = net.stimuli[index];
    const int p = net.population_index(s.target);
    if (s.type == stimulus::kind::poisson) {
      poisson_plan pp;
      pp.pop = p;
      pp.port = port_index(net, p, s.receptor);
      pp.id = static_cast<std::uint32_t>(index);
      pp.neurons = s.neurons;
      pp.weight = static_cast<float>(s.weight);
      pp.start = to_step(s.start);
      pp.stop = s.stop < 0 ? net.steps() : to_step(s.stop);
      for (double rate : s.rates) {
        const double lambda = rate * 1e-3 * dt * static_cast<double>(s.sources);
        const auto chunks = static_cast<std::uint32_t>(std::max(1.0, std::ceil(lambda / poisson_chunk_mean)));
        pp.chunks.push_back(chunks);
        pp.chunk_lambda.push_back(lambda / chunks);
        pp.exp_minus.push_back(std::exp(-lambda / chunks));
        pp.quiet_word.push_back(quiet_word_limit(pp.exp_minus.back()));
      }
      plans.poisson.push_back(std::move(pp));
      continue;
    }
    current_plan cp;
    cp.pop = p;
    cp.neurons = s.neurons;
    if (s.type == stimulus::kind::dc) {
      cp.change_steps = {to_step(s.start)};
      cp.amplitudes = {static_cast<real>(s.amplitude)};
      if (s.stop >= 0) {
        cp.change_steps.push_back(to_step(s.stop));
        cp.amplitudes.push_back(0);
      }
    } else {
      for (std::size_t k = 0; k < s.times.size(); ++k) {
        cp.change_steps.push_back(to_step(s.times[k]));
        cp.amplitudes.push_back(static_cast<real>(s.amplitudes[k]));
      }
    }
    plans.currents.push_back(std::move(cp));
  }
  return plans;
}

void snapshot_weights(const synapse_table& t, const std::vector<float>& weights, recording::weights& r) {
  if (r.pre.empty()) {
    r.pre.resize(t.size());
    r.post.resize(t.size());
    for (std::uint64_t i = 0; i + 1 < t.row_ptr.size(); ++i)
      for (std::uint64_t s = t.row_ptr[i]; s < t.row_ptr[i + 1]; ++s) {
        r.pre[s] = static_cast<std::int32_t>(i);
        r.post[s] = static_cast<std::int32_t>(t.target[s]);
      }
  }
  r.values.insert(r.values.end(), weights.begin(), weights.end());
}

}  // namespace engram
