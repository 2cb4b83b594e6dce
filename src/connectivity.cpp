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
#include "models/connectivity_generators.hpp"
#include "models/sampling.hpp"
#include "resize_populated.hpp"
#include "synapse_table.hpp"

namespace engram {

namespace {

struct raw_synapse {
  std::uint32_t pre, post;
  float weight;
  std::uint16_t delay;
};

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
// Each row is sorted as keys (target << 32 | position in the row): distinct keys, so an
// unstable sort of plain integers gives the stable order, several times faster than a stable
// sort of positions compared through the target array (a quarter of the microcircuit's build).
void sort_rows_by_target(synapse_table& t) {
  const std::uint64_t rows = t.row_ptr.size() - 1;
#pragma omp parallel
  {
    std::vector<std::uint64_t> key;
    std::vector<float> weight;
    std::vector<std::uint16_t> delay;
#pragma omp for schedule(dynamic, 256)
    for (std::uint64_t i = 0; i < rows; ++i) {
      const std::uint64_t b = t.row_ptr[i], e = t.row_ptr[i + 1];
      if (std::is_sorted(t.target.begin() + static_cast<std::ptrdiff_t>(b), t.target.begin() + static_cast<std::ptrdiff_t>(e))) continue;
      const auto len = static_cast<std::uint32_t>(e - b);
      key.resize(len);
      for (std::uint32_t k = 0; k < len; ++k) key[k] = std::uint64_t{t.target[b + k]} << 32 | k;
      std::sort(key.begin(), key.end());
      weight.assign(t.weight.begin() + static_cast<std::ptrdiff_t>(b), t.weight.begin() + static_cast<std::ptrdiff_t>(e));
      delay.assign(t.delay.begin() + static_cast<std::ptrdiff_t>(b), t.delay.begin() + static_cast<std::ptrdiff_t>(e));
      for (std::uint32_t k = 0; k < len; ++k) {
        const auto from = static_cast<std::uint32_t>(key[k]);
        t.target[b + k] = static_cast<std::uint32_t>(key[k] >> 32);
        t.weight[b + k] = weight[from];
        t.delay[b + k] = delay[from];
      }
    }
  }
}

// The parallel counting sort of both CSR builds (rows by source in build_synapses, columns by
// target in build_columns): the items are split into `chunks` consecutive chunks, each with its
// own counter per bucket, and a chunk's items go after those of all earlier chunks within each
// bucket, so the layout is the sequential one whatever the number of chunks. count(ck, counter)
// adds chunk ck's items to counter[bucket]; allocate(total) sizes the output; place(ck, next)
// stores each item of chunk ck, in order, at next[bucket]++. Returns the bucket offsets.
template <class Count, class Allocate, class Place>
std::vector<std::uint64_t> chunked_counting_sort(std::uint64_t chunks, std::uint64_t buckets, Count&& count,
                                                 Allocate&& allocate, Place&& place) {
  std::vector<std::uint64_t> next(chunks * buckets, 0);  // [chunk][bucket]: counts, then positions
#pragma omp parallel for schedule(static)
  for (std::uint64_t ck = 0; ck < chunks; ++ck) count(ck, next.data() + ck * buckets);
  std::vector<std::uint64_t> ptr(buckets + 1, 0);
  for (std::uint64_t b = 0; b < buckets; ++b) {
    std::uint64_t pos = ptr[b];
    for (std::uint64_t ck = 0; ck < chunks; ++ck) {
      const std::uint64_t n = next[ck * buckets + b];
      next[ck * buckets + b] = pos;
      pos += n;
    }
    ptr[b + 1] = pos;
  }
  allocate(ptr[buckets]);
#pragma omp parallel for schedule(static)
  for (std::uint64_t ck = 0; ck < chunks; ++ck) place(ck, next.data() + ck * buckets);
  return ptr;
}

}  // namespace

std::optional<generator_rule> generator_rule_of(const network& net, std::size_t index) {
  const projection& pr = net.projections[index];
  const connector& c = pr.conn;
  using k = connector::kind;
  using g = generator_rule::kind;
  if (c.type == k::from_file || ((c.type == k::fixed_indegree || c.type == k::fixed_outdegree) && !c.multapses))
    return std::nullopt;  // host only: explicit lists, distinct sampling
  generator_rule r;
  const bool same = pr.source == pr.target;
  r.n_source = net.populations[static_cast<std::size_t>(net.population_index(pr.source))].size;
  r.n = c.n;
  r.skip_self = same && !c.autapses;
  row_rule& row = r.row;
  switch (c.type) {
    case k::all_to_all: row.type = row_rule::kind::all_to_all; break;
    case k::one_to_one: row.type = row_rule::kind::one_to_one; break;
    case k::fixed_probability: row.type = row_rule::kind::fixed_probability; break;
    case k::fixed_indegree: r.type = g::in_degree; break;
    case k::fixed_outdegree: r.type = g::out_degree; break;
    default: r.type = g::total_number; break;
  }
  row.projection = static_cast<std::uint32_t>(index);
  row.n_target = static_cast<std::uint32_t>(net.populations[static_cast<std::size_t>(net.population_index(pr.target))].size);
  row.skip_self = row.type != row_rule::kind::one_to_one && same && !c.autapses;
  row.seed = net.run.seed;
  row.p = c.p;
  row.log_1mp = c.p < 1.0 ? std::log1p(-c.p) : 0.0;
  row.segment = segment_width(row.type, row.p, row.n_target);
  row.dt = net.run.dt;
  row.weight = pr.weight;
  row.delay = pr.delay;
  return r;
}

synapse_table procedural_table(const network& net, std::size_t index) {
  synapse_table t;  // validated: a row connector with bounded delays
  t.procedural = generator_rule_of(net, index)->row;
  t.max_delay = delay_steps(net.projections[index].delay.max_value(), net.run.dt);
  return t;
}

synapse_table build_synapses(const network& net, std::size_t index, bool store) {
  const projection& pr = net.projections[index];
  const std::uint64_t ns = net.populations[static_cast<std::size_t>(net.population_index(pr.source))].size;
  const std::uint64_t nt = net.populations[static_cast<std::size_t>(net.population_index(pr.target))].size;
  const bool same = pr.source == pr.target;
  const connector& c = pr.conn;
  const double dt = net.run.dt;
  const std::uint64_t seed = net.run.seed;
  const auto proj_id = static_cast<std::uint32_t>(index);
  const std::optional<generator_rule> gen = generator_rule_of(net, index);
  using k = connector::kind;

  if (pr.procedural && !store) {
    synapse_table t = procedural_table(net, index);
    std::uint64_t count = 0;
#pragma omp parallel for schedule(dynamic, 64) reduction(+ : count)
    for (std::uint64_t g = 0; g < ns; ++g)
      generate_row(*t.procedural, static_cast<std::uint32_t>(g), [&](std::uint32_t, float, double) { ++count; });
    t.count = count;
    return t;
  }

  // Host-only connectors: a generator per file row, or per neuron drawing distinct partners.
  const std::uint64_t generators = gen                         ? generator_count(*gen)
                                   : c.type == k::from_file      ? c.pre.size()
                                   : c.type == k::fixed_indegree ? nt
                                                                 : ns;

  std::vector<std::vector<raw_synapse>> out(generators);
  bool any_too_long = false;
  double bad_delay = 0.0;

#pragma omp parallel for schedule(dynamic, 64)
  for (std::uint64_t g = 0; g < generators; ++g) {
    auto& v = out[g];
    auto push = [&](std::uint64_t pre, std::uint64_t post, float w, double d) {
      if (delay_too_long(d, dt)) {
#pragma omp critical
        {
          any_too_long = true;
          bad_delay = d;
        }
      }
      v.push_back({static_cast<std::uint32_t>(pre), static_cast<std::uint32_t>(post), w, delay_steps(d, dt)});
    };
    if (gen) {
      if (sizes_are_fixed(*gen)) v.reserve(fixed_generator_size(*gen, g));  // no regrowth: degrees and total numbers
      generate_synapses(*gen, g, push);
      continue;
    }
    // Distinct sampling and explicit lists, on the host only.
    rng::stream s(seed, rng::domain::connectivity, proj_id, static_cast<std::uint32_t>(g));
    auto add = [&](std::uint64_t pre, std::uint64_t post, std::size_t file_row = SIZE_MAX) {
      if (file_row != SIZE_MAX && !c.weights.empty()) {
        push(pre, post, static_cast<float>(c.weights[file_row]), c.delays[file_row]);
        return;
      }
      const double w = sample(pr.weight, s);
      push(pre, post, static_cast<float>(w), sample(pr.delay, s));
    };
    if (c.type == k::from_file) {
      add(c.pre[g], c.post[g], g);
      continue;
    }
    const bool skip_self = same && !c.autapses;  // degrees without multapses
    const std::uint64_t m = (c.type == k::fixed_indegree ? ns : nt) - (skip_self ? 1 : 0);
    distinct_sample(s, m, c.n, [&](std::uint64_t x) {
      const std::uint64_t partner = skip_self && x >= g ? x + 1 : x;
      if (c.type == k::fixed_indegree) add(partner, g);
      else add(g, partner);
    });
  }
  if (any_too_long)
    throw invalid_model(fmt::format("{}: projections[{}].delay: a drawn delay of {} ms exceeds 65535 steps; bound it with \"high\"",
                                    net.source_file, index, bad_delay));

  // Rows in generator order (chunked_counting_sort), each generator's synapses freed once placed.
  synapse_table t;
  const std::uint64_t chunks = std::clamp<std::uint64_t>(static_cast<std::uint64_t>(omp_get_max_threads()), 1,
                                                         std::max<std::uint64_t>(1, generators));
  auto chunk_begin = [&](std::uint64_t ck) { return generators * ck / chunks; };
  std::vector<std::uint16_t> chunk_max_delay(chunks, 1);
  t.row_ptr = chunked_counting_sort(
      chunks, ns,
      [&](std::uint64_t ck, std::uint64_t* count) {
        for (std::uint64_t g = chunk_begin(ck); g < chunk_begin(ck + 1); ++g)
          for (const auto& r : out[g]) ++count[r.pre];
      },
      [&](std::uint64_t total) {
        resize_populated(t.target, total);
        resize_populated(t.weight, total);
        resize_populated(t.delay, total);
      },
      [&](std::uint64_t ck, std::uint64_t* next) {
        std::uint16_t longest = 1;
        for (std::uint64_t g = chunk_begin(ck); g < chunk_begin(ck + 1); ++g) {
          for (const auto& r : out[g]) {
            const std::uint64_t pos = next[r.pre]++;
            t.target[pos] = r.post;
            t.weight[pos] = r.weight;
            t.delay[pos] = r.delay;
            longest = std::max(longest, r.delay);
          }
          std::vector<raw_synapse>().swap(out[g]);
        }
        chunk_max_delay[ck] = longest;
      });
  t.max_delay = *std::max_element(chunk_max_delay.begin(), chunk_max_delay.end());
  sort_rows_by_target(t);
  return t;
}

column_index build_columns(const synapse_table& t, std::uint64_t n_target) {
  column_index c;
  const std::uint64_t rows = t.row_ptr.empty() ? 0 : t.row_ptr.size() - 1;
  if (rows == 0) {
    c.col_ptr.assign(n_target + 1, 0);
    return c;
  }
  const std::uint64_t n = t.target.size();
  // Chunks of whole rows with about equal synapse counts, counted into chunks x n_target words:
  // at most 256 MiB of them.
  const std::uint64_t by_memory = std::max<std::uint64_t>(1, (std::uint64_t{1} << 28) / (8 * (n_target + 1)));
  const std::uint64_t by_work = std::max<std::uint64_t>(1, n / (1u << 16));
  const std::uint64_t chunks =
      std::min({static_cast<std::uint64_t>(std::max(1, omp_get_max_threads())), by_memory, by_work});
  std::vector<std::uint64_t> first_row(chunks + 1, rows);
  for (std::uint64_t k = 0; k < chunks; ++k)
    first_row[k] = static_cast<std::uint64_t>(std::lower_bound(t.row_ptr.begin(), t.row_ptr.end() - 1, n / chunks * k) -
                                              t.row_ptr.begin());
  c.col_ptr = chunked_counting_sort(
      chunks, n_target,
      [&](std::uint64_t k, std::uint64_t* count) {
        for (std::uint64_t s = t.row_ptr[first_row[k]]; s < t.row_ptr[first_row[k + 1]]; ++s) ++count[t.target[s]];
      },
      [&](std::uint64_t total) {
        resize_populated(c.synapse, total);
        resize_populated(c.source, total);
      },
      [&](std::uint64_t k, std::uint64_t* next) {
        for (std::uint64_t pre = first_row[k]; pre < first_row[k + 1]; ++pre)
          for (std::uint64_t s = t.row_ptr[pre]; s < t.row_ptr[pre + 1]; ++s) {
            const std::uint64_t where = next[t.target[s]]++;
            c.synapse[where] = s;
            c.source[where] = static_cast<std::uint32_t>(pre);
          }
      });
  return c;
}

}  // namespace engram
