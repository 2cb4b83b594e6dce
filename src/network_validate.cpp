// validate(): ranges and cross-references of a network description, with errors naming the
// JSON path of the field and its value.
#include <algorithm>
#include <cmath>
#include <regex>
#include <set>

#include <fmt/format.h>

#include "engram/errors.hpp"
#include "engram/models.hpp"
#include "engram/network.hpp"
#include "models/connectivity_rows.hpp"

namespace engram {

int network::population_index(const std::string& n) const {
  for (std::size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == n) return static_cast<int>(i);
  return -1;
}
int network::projection_index(const std::string& n) const {
  for (std::size_t i = 0; i < projections.size(); ++i)
    if (projections[i].name == n) return static_cast<int>(i);
  return -1;
}
std::uint64_t network::steps() const { return static_cast<std::uint64_t>(std::llround(run.duration / run.dt)); }

namespace {

struct checker {
  const network& net;
  [[noreturn]] void fail(const std::string& path, const std::string& msg) const {
    const std::string file = net.source_file.empty() ? "network" : net.source_file;
    throw invalid_model(fmt::format("{}: {}: {}", file, path, msg));
  }
  void require(bool ok, const std::string& path, const std::string& msg) const {
    if (!ok) fail(path, msg);
  }
  bool is_multiple_of_dt(double t) const {
    const double k = t / net.run.dt;
    return std::abs(k - std::round(k)) < 1e-6 * std::max(1.0, k);
  }
  int pop(const std::string& name, const std::string& path) const {
    const int i = net.population_index(name);
    if (i < 0) {
      std::string known;
      for (const auto& p : net.populations) known += (known.empty() ? "" : ", ") + p.name;
      fail(path, fmt::format("no population named \"{}\" (populations: {})", name, known));
    }
    return i;
  }
  void name_ok(const std::string& name, const std::string& path) const {
    static const std::regex ok("[A-Za-z0-9_.-]+");
    require(std::regex_match(name, ok), path,
            fmt::format("\"{}\" is not a valid name: use letters, digits, '_', '.', '-' (it names output files)", name));
  }
  void check_distribution(const distribution& d, const std::string& path) const {
    using k = distribution::kind;
    if (d.type == k::uniform) require(d.a <= d.b, path + ".low", fmt::format("low {} is above high {}", d.a, d.b));
    if (d.type == k::normal) require(d.b >= 0, path + ".std", fmt::format("must be >= 0, got {}", d.b));
    if (d.type == k::lognormal) require(d.b >= 0, path + ".sigma", fmt::format("must be >= 0, got {}", d.b));
    if (d.type == k::normal || d.type == k::lognormal) {
      require(d.low <= d.high, path + ".low", fmt::format("low {} is above high {}", d.low, d.high));
      if (d.bounds == distribution::bounds_mode::redraw) {
        // Probability mass inside the bounds must not be vanishing, or redrawing never ends.
        auto cdf = [&](double x) {
          if (d.type == k::lognormal) x = x > 0 ? std::log(x) : -INFINITY;
          const double z = d.b > 0 ? (x - d.a) / d.b : (x >= d.a ? INFINITY : -INFINITY);
          return 0.5 * std::erfc(-z / std::sqrt(2.0));
        };
        require(cdf(d.high) - cdf(d.low) >= 1e-3, path,
                fmt::format("less than 0.1% of the distribution lies in [{}, {}]: redrawing cannot work", d.low, d.high));
      }
    }
  }
  void check_neurons(const std::vector<std::uint32_t>& ids, std::uint64_t size, const std::string& path) const {
    std::set<std::uint32_t> seen;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      require(ids[i] < size, fmt::format("{}[{}]", path, i),
              fmt::format("neuron {} does not exist (population size {})", ids[i], size));
      require(seen.insert(ids[i]).second, fmt::format("{}[{}]", path, i), fmt::format("neuron {} is listed twice", ids[i]));
    }
  }
  const neuron_model_info* model_of(int pop_index) const {
    return find_neuron_model(net.populations[static_cast<std::size_t>(pop_index)].model);
  }
  std::string port_list(const neuron_model_info& m) const {
    std::string s;
    for (const auto& p : m.ports) s += (s.empty() ? "" : ", ") + p.name;
    return s;
  }
  const model_field& port(int pop_index, const std::string& receptor, const std::string& path) const {
    const neuron_model_info* m = model_of(pop_index);
    if (!m) fail(path, fmt::format("population \"{}\" is a spike source and receives no input",
                                   net.populations[static_cast<std::size_t>(pop_index)].name));
    for (const auto& p : m->ports)
      if (p.name == receptor) return p;
    fail(path, fmt::format("unknown receptor \"{}\" for model {} (its receptors: {})", receptor, m->name, port_list(*m)));
  }
};

// Every name in `given` must be one of `fields` (error at path.params.<name>, listing them).
void check_known_params(checker& c, const std::map<std::string, double>& given, const std::vector<model_field>& fields,
                        const std::string& path, const std::string& owner) {
  for (const auto& [k, v] : given) {
    bool known = false;
    std::string list;
    for (const auto& f : fields) {
      known = known || f.name == k;
      list += (list.empty() ? "" : ", ") + f.name;
    }
    c.require(known, fmt::format("{}.params.{}", path, k), fmt::format("unknown parameter \"{}\" of {} (known: {})", k, owner, list));
  }
}

void check_plasticity(checker& c, const plasticity_spec& pl, const std::string& path, double dt, const neuron_model_info* target,
                      const projection& pr, const std::string& proj_path) {
  const plasticity_rule_info* r = find_plasticity_rule(pl.rule);
  if (!r) c.fail(path + ".rule", fmt::format("unknown plasticity rule \"{}\" (known: {})", pl.rule, known_rule_names()));
  if (r->reads_membrane_potential && target && target->voltage_relative_to_rest)
    c.fail(path + ".rule", fmt::format("rule {} needs the absolute membrane potential of the target (NMDA calcium, Mg2+ block), "
                                       "but model {} measures V from rest; use a conductance-based model such as lif_cond_nmda",
                                       r->name, target->name));
  check_known_params(c, pl.params, r->params, path, "rule " + r->name);
  const auto d_it = pl.params.find("D");
  if (r->delay_defaults_to_synaptic && (d_it == pl.params.end() || d_it->second < 0))
    c.require(pr.delay.type == distribution::kind::constant && pr.conn.delays.empty(), path + ".params.D",
              fmt::format("rule {} needs one delay for the whole projection (it times spikes at the synapse); give the delay "
                          "as a number or set params.D (ms)", r->name));
  const auto [field, msg] = check_plasticity_params(*r, pl.parameter_set, pl.params, dt);
  if (!field.empty()) c.fail(fmt::format("{}.{}", path, field), msg);
  // Scaling multiplies weights toward a rate: on inhibitory (negative) weights it would act
  // backwards.
  if (r->name == "synaptic_scaling") {
    const auto& file = pr.conn.weights;
    const double lo = file.empty() ? pr.weight.min_value() : *std::min_element(file.begin(), file.end());
    c.require(lo >= 0, file.empty() ? proj_path + ".weight" : path + ".rule",
              fmt::format("rule synaptic_scaling scales excitatory weights, but this projection's weights reach {} "
                          "(bound the distribution with \"low\": 0)", lo));
  }
  // Bounded weight rules start from weights inside their bounds.
  for (const auto& f : r->params) {
    if (f.name != "W_max") continue;
    const auto w_it = pl.params.find("W_max");
    const double w_max = w_it == pl.params.end() ? f.default_value : w_it->second;
    const auto& file = pr.conn.weights;
    const double lo = file.empty() ? pr.weight.min_value() : *std::min_element(file.begin(), file.end());
    const double hi = file.empty() ? pr.weight.max_value() : *std::max_element(file.begin(), file.end());
    c.require(lo >= 0 && hi <= w_max, file.empty() ? proj_path + ".weight" : path + ".params.W_max",
              fmt::format("rule {} keeps weights in [0, W_max = {}], but the projection's weights reach [{}, {}] "
                          "(bound the distribution with \"low\"/\"high\" or raise W_max)",
                          r->name, w_max, lo, hi));
  }
}

// A projection's list of rules: each valid, no rule twice, at most one with synapse state.
void check_plasticity_list(checker& c, const projection& pr, const std::string& proj_path, double dt, const neuron_model_info* target) {
  const std::string path = proj_path + ".plasticity";
  int state_rules = 0;
  for (std::size_t k = 0; k < pr.plasticity.size(); ++k) {
    const std::string at = pr.plasticity.size() == 1 ? path : fmt::format("{}[{}]", path, k);
    check_plasticity(c, pr.plasticity[k], at, dt, target, pr, proj_path);
    for (std::size_t e = 0; e < k; ++e)
      c.require(pr.plasticity[e].rule != pr.plasticity[k].rule, at + ".rule",
                fmt::format("rule {} is already in this projection's list", pr.plasticity[k].rule));
    const auto* r = find_plasticity_rule(pr.plasticity[k].rule);
    state_rules += r->changes_weight ? 0 : 1;
    c.require(state_rules <= 1, at + ".rule",
              fmt::format("at most one rule with synapse state per projection, and {} is the second; weight rules "
                          "(stdp, stdp_triplet, synaptic_scaling) combine freely", r->name));
  }
}

}  // namespace

void validate(const network& net) {
  checker c{net};
  const double dt = net.run.dt;
  c.require(dt > 0, "run.dt", fmt::format("must be > 0 ms, got {}", dt));
  c.require(dt <= 10.0, "run.dt", fmt::format("{} ms is implausibly large (at most 10 ms)", dt));
  c.require(net.run.duration > 0, "run.duration", fmt::format("must be > 0 ms, got {}", net.run.duration));
  c.require(c.is_multiple_of_dt(net.run.duration), "run.duration",
            fmt::format("{} ms is not a whole number of steps of dt = {} ms", net.run.duration, dt));
  c.require(net.run.duration / dt < 4.0e9, "run.duration", "more than 4e9 steps; split the run");
  c.require(!net.populations.empty(), "populations", "at least one population is needed");

  std::set<std::string> names;
  for (std::size_t i = 0; i < net.populations.size(); ++i) {
    const auto& p = net.populations[i];
    const std::string path = fmt::format("populations[{}]", i);
    c.name_ok(p.name, path + ".name");
    c.require(names.insert(p.name).second, path + ".name", fmt::format("duplicate population name \"{}\"", p.name));
    c.require(p.size > 0, path + ".size", fmt::format("must be > 0, got {}", p.size));
    c.require(p.size < 0xffffffffULL, path + ".size", fmt::format("{} neurons exceed the 2^32-1 limit of one population", p.size));
    if (p.model == spike_source_poisson_model) {
      c.require(p.initial.empty(), path + ".initial", "a spike_source_poisson has no state");
      c.require(p.spike_times.empty(), path + ".spike_times", "only a spike_source_array has spike_times");
      for (const auto& [k, v] : p.params)
        c.require(k == "rate" || k == "start" || k == "stop", fmt::format("{}.params.{}", path, k),
                  fmt::format("unknown parameter \"{}\" of spike_source_poisson (known: rate, start, stop)", k));
      const auto get = [&](const char* k, double fallback) {
        const auto it = p.params.find(k);
        return it == p.params.end() ? fallback : it->second;
      };
      c.require(p.params.count("rate") == 1, path + ".params.rate", "a spike_source_poisson needs its rate (Hz)");
      const double rate = get("rate", 0.0), start = get("start", 0.0), stop = get("stop", net.run.duration);
      c.require(rate >= 0 && rate * dt * 1e-3 <= 0.5, path + ".params.rate",
                fmt::format("rate must be >= 0 Hz and at most 0.5 / dt (one spike a step at most), got {}", rate));
      c.require(start >= 0, path + ".params.start", fmt::format("must be >= 0 ms, got {}", start));
      c.require(stop >= start, path + ".params.stop", fmt::format("must be >= start ({} ms), got {}", start, stop));
      continue;
    }
    if (p.model == spike_source_array_model) {
      c.require(p.params.empty(), path + ".params", "a spike_source_array has no parameters");
      c.require(p.initial.empty(), path + ".initial", "a spike_source_array has no state");
      c.require(p.spike_times.size() == p.size, path + ".spike_times",
                fmt::format("needs one list of times per neuron: {} lists for size {}", p.spike_times.size(), p.size));
      for (std::size_t n = 0; n < p.spike_times.size(); ++n)
        for (std::size_t k = 0; k < p.spike_times[n].size(); ++k) {
          const double t = p.spike_times[n][k];
          const std::string tp = fmt::format("{}.spike_times[{}][{}]", path, n, k);
          c.require(t >= dt - 1e-9, tp, fmt::format("spike time {} ms is before the end of the first step (dt = {} ms)", t, dt));
          c.require(k == 0 || std::llround(t / dt) > std::llround(p.spike_times[n][k - 1] / dt), tp,
                    fmt::format("spike time {} ms is not at least one step (dt = {} ms) after the one before it", t, dt));
        }
      continue;
    }
    const neuron_model_info* m = find_neuron_model(p.model);
    if (!m) c.fail(path + ".model", fmt::format("unknown neuron model \"{}\" (known: {})", p.model, known_model_names()));
    c.require(p.spike_times.empty(), path + ".spike_times", "only a spike_source_array has spike_times");
    check_known_params(c, p.params, m->params, path, "model " + m->name);
    const auto [field, msg] = check_neuron_params(*m, p.params);
    if (!field.empty()) {
      auto it = p.params.find(field);
      const double value = it != p.params.end() ? it->second : 0.0;
      c.fail(fmt::format("{}.params.{}", path, field), fmt::format("{} {} (value {})", field, msg, value));
    }
    for (const auto& [k, d] : p.initial) {
      bool known = false;
      std::string list;
      for (const auto& f : m->state) {
        known = known || f.name == k;
        list += (list.empty() ? "" : ", ") + f.name;
      }
      c.require(known, fmt::format("{}.initial.{}", path, k), fmt::format("unknown state variable \"{}\" of model {} (known: {})", k, m->name, list));
      c.check_distribution(d, fmt::format("{}.initial.{}", path, k));
    }
  }

  std::set<std::string> proj_names;
  for (std::size_t i = 0; i < net.projections.size(); ++i) {
    const auto& pr = net.projections[i];
    const std::string path = fmt::format("projections[{}]", i);
    c.name_ok(pr.name, path + ".name");
    c.require(proj_names.insert(pr.name).second, path + ".name", fmt::format("duplicate projection name \"{}\"", pr.name));
    const int s = c.pop(pr.source, path + ".source");
    const int t = c.pop(pr.target, path + ".target");
    const model_field& port = c.port(t, pr.receptor, path + ".receptor");
    const std::uint64_t ns = net.populations[static_cast<std::size_t>(s)].size;
    const std::uint64_t nt = net.populations[static_cast<std::size_t>(t)].size;
    const auto& cn = pr.conn;
    const std::string cp = path + ".connector";
    using k = connector::kind;
    const bool same = s == t;
    switch (cn.type) {
      case k::fixed_probability:
        c.require(cn.p >= 0 && cn.p <= 1, cp + ".p", fmt::format("probability must be in [0, 1], got {}", cn.p));
        break;
      case k::one_to_one:
        c.require(ns == nt, cp + ".type", fmt::format("one_to_one needs equal sizes, got {} and {}", ns, nt));
        break;
      case k::fixed_indegree:
        c.require(cn.multapses || cn.n <= ns - (same && !cn.autapses ? 1 : 0), cp + ".indegree",
                  fmt::format("in-degree {} without multapses exceeds the {} available sources", cn.n, ns));
        c.require(ns > (same && !cn.autapses ? 1u : 0u) || cn.n == 0, cp + ".indegree", "no sources to draw from");
        break;
      case k::fixed_outdegree:
        c.require(cn.multapses || cn.n <= nt - (same && !cn.autapses ? 1 : 0), cp + ".outdegree",
                  fmt::format("out-degree {} without multapses exceeds the {} available targets", cn.n, nt));
        c.require(nt > (same && !cn.autapses ? 1u : 0u) || cn.n == 0, cp + ".outdegree", "no targets to draw from");
        break;
      case k::fixed_total_number:
        c.require(ns * nt > (same && !cn.autapses ? ns : 0u) || cn.n == 0, cp + ".n", "no possible pairs to draw from");
        break;
      case k::from_file:
        for (std::size_t r = 0; r < cn.pre.size(); ++r) {
          c.require(cn.pre[r] < ns, cp + ".file", fmt::format("{} row {}: pre index {} >= source size {}", cn.file, r, cn.pre[r], ns));
          c.require(cn.post[r] < nt, cp + ".file", fmt::format("{} row {}: post index {} >= target size {}", cn.file, r, cn.post[r], nt));
          if (!cn.delays.empty())
            c.require(cn.delays[r] >= dt - 1e-9, cp + ".file", fmt::format("{} row {}: delay {} ms is shorter than dt = {} ms", cn.file, r, cn.delays[r], dt));
          if (!cn.weights.empty() && port.unit == "nS")
            c.require(cn.weights[r] >= 0, cp + ".file", fmt::format("{} row {}: conductance weight {} nS is negative", cn.file, r, cn.weights[r]));
        }
        break;
      default:
        break;
    }
    if (cn.weights.empty()) {
      c.check_distribution(pr.weight, path + ".weight");
      c.check_distribution(pr.delay, path + ".delay");
      if (port.unit == "nS")
        c.require(pr.weight.min_value() >= 0, path + ".weight",
                  fmt::format("conductance weights (nS) must be >= 0; this distribution reaches {} (set \"low\": 0)", pr.weight.min_value()));
      c.require(pr.delay.min_value() >= dt - 1e-9, path + ".delay",
                fmt::format("delay {} ms is shorter than dt = {} ms (for normal/lognormal delays set \"low\" >= dt)",
                            pr.delay.min_value(), dt));
    }
    check_plasticity_list(c, pr, path, dt, c.model_of(net.population_index(pr.target)));
    if (pr.procedural) {
      static constexpr const char* connector_names[] = {"all_to_all",       "one_to_one",         "fixed_probability", "fixed_indegree",
                                                        "fixed_outdegree", "fixed_total_number", "from_file"};
      c.require(cn.type == k::all_to_all || cn.type == k::one_to_one || cn.type == k::fixed_probability, path + ".storage",
                fmt::format("\"procedural\" regenerates rows that each source neuron draws on its own: it needs an "
                            "all_to_all, one_to_one or fixed_probability connector, not {}",
                            connector_names[static_cast<int>(cn.type)]));
      c.require(pr.plasticity.empty(), path + ".storage",
                "a procedural projection stores no synapses, so it cannot be plastic (use \"storage\": \"table\")");
      const double dmax = pr.delay.max_value();
      c.require(std::isfinite(dmax) && !delay_too_long(dmax, dt), path + ".delay",
                fmt::format("a procedural projection needs delays bounded by 65535 steps (the ring buffers are sized "
                            "before any is drawn); the largest delay is {} ms (set \"high\")", dmax));
    }
  }

  for (std::size_t i = 0; i < net.stimuli.size(); ++i) {
    const auto& st = net.stimuli[i];
    const std::string path = fmt::format("stimuli[{}]", i);
    const int t = c.pop(st.target, path + ".target");
    const auto size = net.populations[static_cast<std::size_t>(t)].size;
    c.require(c.model_of(t) != nullptr, path + ".target", fmt::format("population \"{}\" is a spike source and takes no stimulus", st.target));
    c.check_neurons(st.neurons, size, path + ".neurons");
    if (st.type == stimulus::kind::poisson) {
      c.port(t, st.receptor, path + ".receptor");
      const std::size_t selected = st.neurons.empty() ? size : st.neurons.size();
      c.require(st.rates.size() == 1 || st.rates.size() == selected, path + ".rate",
                fmt::format("{} rates given for {} neurons: give one rate or one per neuron", st.rates.size(), selected));
      for (std::size_t k = 0; k < st.rates.size(); ++k)
        c.require(st.rates[k] >= 0, st.rates.size() == 1 ? path + ".rate" : fmt::format("{}.rate[{}]", path, k),
                  fmt::format("rate must be >= 0 Hz, got {}", st.rates[k]));
      c.require(st.sources >= 1, path + ".sources", "must be >= 1");
      const model_field& port = c.port(t, st.receptor, path + ".receptor");
      if (port.unit == "nS") c.require(st.weight >= 0, path + ".weight", fmt::format("conductance weight must be >= 0 nS, got {}", st.weight));
    }
    if (st.type != stimulus::kind::step_current) {
      c.require(st.start >= 0, path + ".start", fmt::format("must be >= 0 ms, got {}", st.start));
      c.require(st.stop < 0 || st.stop >= st.start, path + ".stop", fmt::format("stop {} ms is before start {} ms", st.stop, st.start));
    } else {
      c.require(st.times.size() == st.amplitudes.size(), path + ".amplitudes",
                fmt::format("{} amplitudes for {} times", st.amplitudes.size(), st.times.size()));
      for (std::size_t k = 0; k < st.times.size(); ++k)
        c.require(st.times[k] >= 0 && (k == 0 || st.times[k] > st.times[k - 1]), fmt::format("{}.times[{}]", path, k),
                  fmt::format("times must be >= 0 and increasing, got {}", st.times[k]));
    }
  }

  for (std::size_t i = 0; i < net.recorders.size(); ++i) {
    const auto& r = net.recorders[i];
    const std::string path = fmt::format("recorders[{}]", i);
    if (r.type == recorder::kind::weights) {
      const int j = net.projection_index(r.projection);
      c.require(j >= 0, path + ".projection", fmt::format("no projection named \"{}\"", r.projection));
      c.require(!net.projections[static_cast<std::size_t>(j)].procedural, path + ".projection",
                fmt::format("projection \"{}\" is procedural and stores no weights (they never change; "
                            "simulation::synapses() regenerates them)", r.projection));
      for (std::size_t e = 0; e < i; ++e) {  // their files would have the same names
        const auto& o = net.recorders[e];
        c.require(!(o.type == recorder::kind::weights && o.projection == r.projection && o.variable == r.variable),
                  path + ".variable", fmt::format("recorders[{}] already records {} of projection \"{}\" (merge their times)", e, r.variable, r.projection));
      }
      if (r.variable != "weight") {
        std::string known = "weight";
        bool found = false;
        for (const auto& spec : net.projections[static_cast<std::size_t>(j)].plasticity)
          if (const plasticity_rule_info* rule = find_plasticity_rule(spec.rule))
            for (const auto& f : rule->state) {
              known += ", " + f.name;
              found = found || f.name == r.variable;
            }
        c.require(found, path + ".variable", fmt::format("projection \"{}\" has no synapse variable \"{}\" (known: {})", r.projection, r.variable, known));
      }
      for (std::size_t k = 0; k < r.times.size(); ++k) {
        c.require(r.times[k] >= 0 && r.times[k] <= net.run.duration + 1e-9, fmt::format("{}.times[{}]", path, k),
                  fmt::format("time {} ms is outside the run [0, {}]", r.times[k], net.run.duration));
        c.require(c.is_multiple_of_dt(r.times[k]), fmt::format("{}.times[{}]", path, k), fmt::format("time {} ms is not a multiple of dt", r.times[k]));
      }
      continue;
    }
    const int p = c.pop(r.population, path + ".population");
    const auto size = net.populations[static_cast<std::size_t>(p)].size;
    c.check_neurons(r.neurons, size, path + ".neurons");
    for (std::size_t e = 0; e < i; ++e)  // their files would have the same names
      c.require(!(net.recorders[e].type == r.type && net.recorders[e].population == r.population), path + ".population",
                fmt::format("recorders[{}] is already a recorder of this kind on population \"{}\" (one per kind and "
                            "population: merge their neurons or variables)", e, r.population));
    if (r.type == recorder::kind::state) {
      const neuron_model_info* m = c.model_of(p);
      c.require(m != nullptr, path + ".population", "a spike source has no state to record");
      c.require(!r.neurons.empty(), path + ".neurons", "name the neurons to probe");
      c.require(!r.variables.empty(), path + ".variables", "name at least one state variable");
      for (std::size_t k = 0; k < r.variables.size(); ++k) {
        bool known = false;
        std::string list;
        for (const auto& f : m->state) {
          known = known || f.name == r.variables[k];
          list += (list.empty() ? "" : ", ") + f.name;
        }
        c.require(known, fmt::format("{}.variables[{}]", path, k),
                  fmt::format("unknown state variable \"{}\" of model {} (known: {})", r.variables[k], m->name, list));
      }
      c.require(r.interval > 0 && c.is_multiple_of_dt(r.interval), path + ".interval",
                fmt::format("must be a positive multiple of dt = {} ms, got {}", dt, r.interval));
    }
    if (r.type == recorder::kind::rate)
      c.require(r.bin > 0 && c.is_multiple_of_dt(r.bin), path + ".bin",
                fmt::format("must be a positive multiple of dt = {} ms, got {}", dt, r.bin));
  }
}

}  // namespace engram
