// Connectivity generation (DESIGN.md §1 layer 2). Each "generating neuron" (the presynaptic
// neuron for most connectors, the postsynaptic one for fixed_indegree, a chunk of synapses for
// fixed_total_number, a row for from_file) draws from its own Philox stream keyed by (seed,
// projection, generator), split further into segments of targets for the connectors whose rows
// are written once for the host and for procedural projections (models/connectivity_rows.hpp);
// generators run in parallel and their synapses are placed into the CSR in generator order, so
// threads never change the result.
#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_set>

#include <fmt/format.h>
#include <omp.h>

#include "engram/errors.hpp"
#include "engram/network.hpp"
#include "models/sampling.hpp"
#include "synapse_table.hpp"

namespace engram {

namespace {

struct raw_synapse {
  std::uint32_t pre, post;
  float weight;
  std::uint16_t delay;
};

constexpr std::uint64_t total_number_chunk = 1u << 20;

// Draws k distinct values from [0, m) (Floyd's algorithm); order of insertion is kept.
template <class Emit>
void distinct_sample(rng::stream& s, std::uint64_t m, std::uint64_t k, Emit&& emit) {
  std::unordered_set<std::uint64_t> chosen;
  chosen.reserve(k * 2);
  for (std::uint64_t j = m - k; j < m; ++j) {
    const std::uint64_t t = s.below(j + 1);
    const std::uint64_t v = chosen.count(t) ? j : t;
    chosen.insert(v);
    emit(v);
  }
}

// Sorts every row by target neuron, keeping generation order among equal targets. Backends
// rely on it: the CPU splits each row between threads by target range, and sorted rows make
// the GPU's atomic adds land on nearby addresses. Most connectors already generate sorted
// rows, so the check comes first.
void sort_rows_by_target(synapse_table& t) {
  const std::uint64_t rows = t.row_ptr.size() - 1;
#pragma omp parallel
  {
    std::vector<std::uint32_t> order, target;
    std::vector<float> weight;
    std::vector<std::uint16_t> delay;
#pragma omp for schedule(dynamic, 256)
    for (std::uint64_t i = 0; i < rows; ++i) {
      const std::uint64_t b = t.row_ptr[i], e = t.row_ptr[i + 1];
      if (std::is_sorted(t.target.begin() + static_cast<std::ptrdiff_t>(b), t.target.begin() + static_cast<std::ptrdiff_t>(e))) continue;
      const auto len = static_cast<std::uint32_t>(e - b);
      order.resize(len);
      for (std::uint32_t k = 0; k < len; ++k) order[k] = k;
      std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) { return t.target[b + x] < t.target[b + y]; });
      target.assign(t.target.begin() + static_cast<std::ptrdiff_t>(b), t.target.begin() + static_cast<std::ptrdiff_t>(e));
      weight.assign(t.weight.begin() + static_cast<std::ptrdiff_t>(b), t.weight.begin() + static_cast<std::ptrdiff_t>(e));
      delay.assign(t.delay.begin() + static_cast<std::ptrdiff_t>(b), t.delay.begin() + static_cast<std::ptrdiff_t>(e));
      for (std::uint32_t k = 0; k < len; ++k) {
        t.target[b + k] = target[order[k]];
        t.weight[b + k] = weight[order[k]];
        t.delay[b + k] = delay[order[k]];
      }
    }
  }
}

// The rule of a connector whose rows each presynaptic neuron draws on its own.
std::optional<row_rule> row_rule_of(const network& net, std::size_t index) {
  const projection& pr = net.projections[index];
  using k = connector::kind;
  row_rule r;
  switch (pr.conn.type) {
    case k::all_to_all: r.type = row_rule::kind::all_to_all; break;
    case k::one_to_one: r.type = row_rule::kind::one_to_one; break;
    case k::fixed_probability: r.type = row_rule::kind::fixed_probability; break;
    default: return std::nullopt;
  }
  r.projection = static_cast<std::uint32_t>(index);
  r.n_target = static_cast<std::uint32_t>(net.populations[static_cast<std::size_t>(net.population_index(pr.target))].size);
  r.skip_self = r.type != row_rule::kind::one_to_one && pr.source == pr.target && !pr.conn.autapses;
  r.seed = net.run.seed;
  r.p = pr.conn.p;
  r.log_1mp = pr.conn.p < 1.0 ? std::log1p(-pr.conn.p) : 0.0;
  r.segment = segment_width(r.type, r.p, r.n_target);
  r.dt = net.run.dt;
  r.weight = pr.weight;
  r.delay = pr.delay;
  return r;
}

}  // namespace

synapse_table build_synapses(const network& net, std::size_t index, bool store) {
  const projection& pr = net.projections[index];
  const std::uint64_t ns = net.populations[static_cast<std::size_t>(net.population_index(pr.source))].size;
  const std::uint64_t nt = net.populations[static_cast<std::size_t>(net.population_index(pr.target))].size;
  const bool same = pr.source == pr.target;
  const connector& c = pr.conn;
  const double dt = net.run.dt;
  const std::uint64_t seed = net.run.seed;
  const auto proj_id = static_cast<std::uint32_t>(index);
  const std::optional<row_rule> rows = row_rule_of(net, index);
  using k = connector::kind;

  if (pr.procedural && !store) {  // validated: a row connector with bounded delays
    synapse_table t;
    t.procedural = rows;
    t.max_delay = delay_steps(pr.delay.max_value(), dt);
    std::uint64_t count = 0;
#pragma omp parallel for schedule(dynamic, 64) reduction(+ : count)
    for (std::uint64_t g = 0; g < ns; ++g)
      generate_row(*rows, static_cast<std::uint32_t>(g), [&](std::uint32_t, float, double) { ++count; });
    t.procedural_count = count;
    return t;
  }

  std::uint64_t generators = ns;
  if (c.type == k::fixed_indegree) generators = nt;
  if (c.type == k::fixed_total_number) generators = (c.n + total_number_chunk - 1) / total_number_chunk;
  if (c.type == k::from_file) generators = c.pre.size();

  std::vector<std::vector<raw_synapse>> out(generators);
  bool delay_too_long = false;
  double bad_delay = 0.0;

#pragma omp parallel for schedule(dynamic, 64)
  for (std::uint64_t g = 0; g < generators; ++g) {
    auto& v = out[g];
    auto push = [&](std::uint64_t pre, std::uint64_t post, float w, double d) {
      if (std::floor(d / dt + 0.5) > 65535.0) {
#pragma omp critical
        {
          delay_too_long = true;
          bad_delay = d;
        }
      }
      v.push_back({static_cast<std::uint32_t>(pre), static_cast<std::uint32_t>(post), w, delay_steps(d, dt)});
    };
    if (rows) {
      generate_row(*rows, static_cast<std::uint32_t>(g), [&](std::uint32_t j, float w, double d) { push(g, j, w, d); });
      continue;
    }
    rng::stream s(seed, rng::domain::connectivity, proj_id, static_cast<std::uint32_t>(g));
    auto add = [&](std::uint64_t pre, std::uint64_t post, std::size_t file_row = SIZE_MAX) {
      if (file_row != SIZE_MAX && !c.weights.empty()) {
        push(pre, post, static_cast<float>(c.weights[file_row]), c.delays[file_row]);
        return;
      }
      const double w = sample(pr.weight, s);
      push(pre, post, static_cast<float>(w), sample(pr.delay, s));
    };
    switch (c.type) {
      case k::all_to_all:
      case k::one_to_one:
      case k::fixed_probability:
        break;  // rows, above
      case k::fixed_outdegree:
      case k::fixed_indegree: {
        const bool skip_self = same && !c.autapses;
        const std::uint64_t m = (c.type == k::fixed_indegree ? ns : nt) - (skip_self ? 1 : 0);
        auto partner = [&](std::uint64_t x) { return skip_self && x >= g ? x + 1 : x; };
        auto emit = [&](std::uint64_t x) {
          if (c.type == k::fixed_indegree) add(partner(x), g);
          else add(g, partner(x));
        };
        if (c.multapses) {
          for (std::uint64_t n = 0; n < c.n; ++n) emit(s.below(m));
        } else {
          distinct_sample(s, m, c.n, emit);
        }
        break;
      }
      case k::fixed_total_number: {
        const std::uint64_t first = g * total_number_chunk;
        const std::uint64_t count = std::min(total_number_chunk, c.n - first);
        for (std::uint64_t n = 0; n < count;) {
          const std::uint64_t pre = s.below(ns), post = s.below(nt);
          if (!c.autapses && same && pre == post) continue;
          add(pre, post);
          ++n;
        }
        break;
      }
      case k::from_file:
        add(c.pre[g], c.post[g], g);
        break;
    }
  }
  if (delay_too_long)
    throw invalid_model(fmt::format("{}: projections[{}].delay: a drawn delay of {} ms exceeds 65535 steps; bound it with \"high\"",
                                    net.source_file, index, bad_delay));

  // Assemble CSR rows in generator order, in parallel: the generators are split into
  // contiguous chunks, each chunk counts its synapses per row, and a chunk's synapses go
  // after those of all earlier chunks within each row. The layout is the sequential one
  // whatever the number of chunks.
  synapse_table t;
  const std::uint64_t chunks = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(omp_get_max_threads()), 1,
                                                         std::max<std::uint64_t>(1, generators));
  auto chunk_begin = [&](std::uint64_t ck) { return generators * ck / chunks; };
  std::vector<std::uint64_t> counts(chunks * ns, 0);  // [chunk][row]
#pragma omp parallel for schedule(static)
  for (std::uint64_t ck = 0; ck < chunks; ++ck) {
    std::uint64_t* cnt = counts.data() + ck * ns;
    for (std::uint64_t g = chunk_begin(ck); g < chunk_begin(ck + 1); ++g)
      for (const auto& r : out[g]) ++cnt[r.pre];
  }
  t.row_ptr.assign(ns + 1, 0);
  for (std::uint64_t i = 0; i < ns; ++i) {
    std::uint64_t pos = t.row_ptr[i];
    for (std::uint64_t ck = 0; ck < chunks; ++ck) {  // counts become each chunk's start in row i
      const std::uint64_t n = counts[ck * ns + i];
      counts[ck * ns + i] = pos;
      pos += n;
    }
    t.row_ptr[i + 1] = pos;
  }
  const std::uint64_t total = t.row_ptr[ns];
  t.target.resize(total);
  t.weight.resize(total);
  t.delay.resize(total);
  std::uint16_t max_delay = 1;
#pragma omp parallel for schedule(static) reduction(max : max_delay)
  for (std::uint64_t ck = 0; ck < chunks; ++ck) {
    std::uint64_t* fill = counts.data() + ck * ns;
    for (std::uint64_t g = chunk_begin(ck); g < chunk_begin(ck + 1); ++g) {
      for (const auto& r : out[g]) {
        const std::uint64_t pos = fill[r.pre]++;
        t.target[pos] = r.post;
        t.weight[pos] = r.weight;
        t.delay[pos] = r.delay;
        max_delay = std::max(max_delay, r.delay);
      }
      std::vector<raw_synapse>().swap(out[g]);
    }
  }
  t.max_delay = max_delay;
  sort_rows_by_target(t);
  return t;
}

}  // namespace engram
