// Connectors: exact counts where the connector fixes them, in-degree mean and variance where
// it is random, autapse/multapse switches, weights and delays, and independence from the
// number of threads.
#include <gtest/gtest.h>

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "engram/errors.hpp"
#include "engram/network.hpp"
#include "support/two_populations.hpp"
#include "resize_populated.hpp"
#include "synapse_table.hpp"

using namespace engram;

namespace {
network two_pops(std::uint64_t ns, std::uint64_t nt, connector c, bool same = false) {
  return testing_support::two_populations(ns, nt, c, same);
}
std::vector<std::uint64_t> in_degrees(const synapse_table& t, std::uint64_t nt) {
  std::vector<std::uint64_t> d(nt, 0);
  for (auto x : t.target) ++d[x];
  return d;
}
std::vector<std::uint64_t> out_degrees(const synapse_table& t) {
  std::vector<std::uint64_t> r;
  for (std::size_t i = 0; i + 1 < t.row_ptr.size(); ++i) r.push_back(t.row_ptr[i + 1] - t.row_ptr[i]);
  return r;
}
std::pair<double, double> mean_var(const std::vector<std::uint64_t>& v) {
  double m = 0, m2 = 0;
  for (auto x : v) m += static_cast<double>(x);
  m /= static_cast<double>(v.size());
  for (auto x : v) m2 += (static_cast<double>(x) - m) * (static_cast<double>(x) - m);
  return {m, m2 / static_cast<double>(v.size() - 1)};
}
}  // namespace

TEST(Connectivity, FixedProbabilityInDegreeIsBinomial) {
  connector c;
  c.type = connector::kind::fixed_probability;
  c.p = 0.1;
  const auto net = two_pops(2000, 3000, c);
  const auto t = build_synapses(net, 0);
  const auto [m, v] = mean_var(in_degrees(t, 3000));
  // Binomial(2000, 0.1): mean 200, variance 180. SE of the mean over 3000 targets ~0.25.
  EXPECT_NEAR(m, 200.0, 1.5);
  EXPECT_NEAR(v, 180.0, 180.0 * 0.1);
  // Synapses per row: also Binomial(3000, 0.1).
  const auto [mr, vr] = mean_var(out_degrees(t));
  EXPECT_NEAR(mr, 300.0, 2.0);
  EXPECT_NEAR(vr, 270.0, 270.0 * 0.12);
}

// Rows are drawn in segments of 512 targets (at p = 0.1), each from its own stream: the targets at
// the edges of segments are connected as often as any other, and rows stay strictly ascending.
TEST(Connectivity, FixedProbabilityUniformAcrossSegmentEdges) {
  connector c;
  c.type = connector::kind::fixed_probability;
  c.p = 0.1;
  const auto t = build_synapses(two_pops(2000, 5 * row_segment_min + 100, c), 0);
  const auto d = in_degrees(t, 5 * row_segment_min + 100);
  double edge = 0;
  int n = 0;
  for (std::uint32_t k = 1; k <= 5; ++k) {
    edge += static_cast<double>(d[k * row_segment_min - 1] + d[k * row_segment_min]);
    n += 2;
  }
  // Binomial(2000, 0.1) in-degrees: mean 200, SD 13.4; the mean of 10 within 5 SD of 200.
  EXPECT_NEAR(edge / n, 200.0, 5 * 13.4 / std::sqrt(10.0));
  for (std::size_t i = 0; i + 1 < t.row_ptr.size(); ++i)
    for (auto s = t.row_ptr[i] + 1; s < t.row_ptr[i + 1]; ++s) ASSERT_LT(t.target[s - 1], t.target[s]);
}

// A procedural projection stores only its row rule; regenerating a row gives exactly the stored
// row (targets, weights, delays), for every row connector, across several segments.
TEST(Connectivity, ProceduralRowsEqualStoredRows) {
  distribution w = distribution::normal(1.0, 0.5);
  w.low = 0.0;
  w.high = 2.0;
  w.bounds = distribution::bounds_mode::redraw;
  for (auto type : {connector::kind::fixed_probability, connector::kind::all_to_all, connector::kind::one_to_one}) {
    connector c;
    c.type = type;
    c.p = 0.2;
    c.autapses = false;
    auto net = two_pops(1300, 1300, c, type != connector::kind::one_to_one);
    net.projections[0].weight = w;
    net.projections[0].delay = distribution::uniform(0.1, 3.0);
    const auto stored = build_synapses(net, 0);
    net.projections[0].procedural = true;
    const auto proc = build_synapses(net, 0);
    ASSERT_TRUE(proc.procedural);
    EXPECT_TRUE(proc.target.empty() && proc.row_ptr.empty());
    EXPECT_EQ(proc.size(), stored.size());
    EXPECT_GE(proc.max_delay, stored.max_delay);
    EXPECT_EQ(proc.max_delay, 30);
    for (std::uint32_t i = 0; i < 1300; ++i) {
      std::uint64_t s = stored.row_ptr[i];
      generate_row(*proc.procedural, i, [&](std::uint32_t j, float wj, double dj) {
        ASSERT_LT(s, stored.row_ptr[i + 1]);
        EXPECT_EQ(j, stored.target[s]);
        EXPECT_EQ(wj, stored.weight[s]);
        EXPECT_EQ(delay_steps(dj, 0.1), stored.delay[s]);
        ++s;
      });
      ASSERT_EQ(s, stored.row_ptr[i + 1]) << "row " << i;
    }
    const auto again = build_synapses(net, 0, true);  // stored on request: the same table
    EXPECT_EQ(again.target, stored.target);
    EXPECT_EQ(again.weight, stored.weight);
  }
}

// Sparse rows get wider segments (>= 32 expected synapses each), one_to_one rows one segment.
TEST(Connectivity, SegmentWidths) {
  using k = row_rule::kind;
  EXPECT_EQ(segment_width(k::fixed_probability, 0.1, 10000), 512u);
  EXPECT_EQ(segment_width(k::fixed_probability, 0.05, 10000), 1024u);  // 512 x 0.05 = 25.6 < 32
  EXPECT_EQ(segment_width(k::fixed_probability, 1000.0 / 6.4e6, 6400000), 262144u);
  EXPECT_EQ(segment_width(k::fixed_probability, 1e-12, 10), 1u << 31);
  EXPECT_EQ(segment_width(k::all_to_all, 0.0, 100), 512u);
  EXPECT_EQ(segment_width(k::one_to_one, 0.0, 7000), 7000u);
}

TEST(Connectivity, FixedProbabilityEdgeCases) {
  connector c;
  c.type = connector::kind::fixed_probability;
  c.p = 1.0;
  c.autapses = false;
  const auto t = build_synapses(two_pops(50, 50, c, true), 0);
  EXPECT_EQ(t.size(), 50u * 49u);
  for (std::uint64_t i = 0; i < 50; ++i)
    for (auto s = t.row_ptr[i]; s < t.row_ptr[i + 1]; ++s) EXPECT_NE(t.target[s], i);
  c.p = 0.0;
  EXPECT_EQ(build_synapses(two_pops(50, 50, c, true), 0).size(), 0u);
}

TEST(Connectivity, FixedIndegreeIsExactWithDistinctSourcesWithoutMultapses) {
  connector c;
  c.type = connector::kind::fixed_indegree;
  c.n = 100;
  c.multapses = false;
  c.autapses = false;
  const auto net = two_pops(300, 0, c, true);
  const auto t = build_synapses(net, 0);
  for (auto d : in_degrees(t, 300)) ASSERT_EQ(d, 100u);
  std::vector<std::set<std::uint64_t>> sources(300);
  for (std::uint64_t i = 0; i < 300; ++i)
    for (auto s = t.row_ptr[i]; s < t.row_ptr[i + 1]; ++s) {
      ASSERT_NE(t.target[s], i) << "autapse";
      ASSERT_TRUE(sources[t.target[s]].insert(i).second) << "multapse";
    }
  // Out-degrees are random: mean K * N_post / N_pre = 100.
  const auto [m, v] = mean_var(out_degrees(t));
  EXPECT_DOUBLE_EQ(m, 100.0);
  EXPECT_GT(v, 10.0);
}

TEST(Connectivity, FixedIndegreeWithMultapsesHasMultinomialSources) {
  connector c;
  c.type = connector::kind::fixed_indegree;
  c.n = 50;
  const auto t = build_synapses(two_pops(1000, 2000, c), 0);
  for (auto d : in_degrees(t, 2000)) ASSERT_EQ(d, 50u);
  // Each source is picked with probability 1/1000 per draw: out-degree ~ Binomial(1e5, 1e-3).
  const auto [m, v] = mean_var(out_degrees(t));
  EXPECT_DOUBLE_EQ(m, 100.0);
  EXPECT_NEAR(v, 99.9, 99.9 * 0.15);
}

TEST(Connectivity, FixedOutdegreeIsExact) {
  connector c;
  c.type = connector::kind::fixed_outdegree;
  c.n = 30;
  c.multapses = false;
  const auto t = build_synapses(two_pops(400, 500, c), 0);
  for (std::size_t i = 0; i + 1 < t.row_ptr.size(); ++i) {
    ASSERT_EQ(t.row_ptr[i + 1] - t.row_ptr[i], 30u);
    std::set<std::uint32_t> s(t.target.begin() + static_cast<long>(t.row_ptr[i]), t.target.begin() + static_cast<long>(t.row_ptr[i + 1]));
    ASSERT_EQ(s.size(), 30u);
  }
  const auto [m, v] = mean_var(in_degrees(t, 500));
  EXPECT_DOUBLE_EQ(m, 24.0);
  EXPECT_NEAR(v, 24.0 * (1 - 30.0 / 500), 24.0 * 0.2);
}

TEST(Connectivity, AllToAllOneToOneTotalNumber) {
  connector c;
  c.type = connector::kind::all_to_all;
  EXPECT_EQ(build_synapses(two_pops(30, 40, c), 0).size(), 1200u);
  c.autapses = false;
  EXPECT_EQ(build_synapses(two_pops(30, 30, c, true), 0).size(), 870u);
  c.type = connector::kind::one_to_one;
  const auto t = build_synapses(two_pops(25, 25, c), 0);
  ASSERT_EQ(t.size(), 25u);
  for (std::uint32_t i = 0; i < 25; ++i) EXPECT_EQ(t.target[t.row_ptr[i]], i);
  c.type = connector::kind::fixed_total_number;
  c.n = 12345;
  EXPECT_EQ(build_synapses(two_pops(100, 200, c), 0).size(), 12345u);
}

TEST(Connectivity, WeightAndDelayDistributions) {
  connector c;
  c.type = connector::kind::fixed_indegree;
  c.n = 100;
  auto net = two_pops(1000, 1000, c);
  net.projections[0].weight = distribution::uniform(1.0, 3.0);
  distribution d = distribution::normal(1.5, 0.75);
  d.low = 0.1;
  d.bounds = distribution::bounds_mode::redraw;
  net.projections[0].delay = d;
  const auto t = build_synapses(net, 0);
  double wm = 0;
  for (float w : t.weight) {
    ASSERT_GE(w, 1.0f);
    ASSERT_LE(w, 3.0f);
    wm += w;
  }
  EXPECT_NEAR(wm / static_cast<double>(t.size()), 2.0, 0.01);
  for (auto s : t.delay) ASSERT_GE(s, 1);
  double dm = 0;
  for (auto s : t.delay) dm += s * 0.1;
  // Normal(1.5, 0.75) truncated below at 0.1 ms: mean 1.5 + 0.75 phi(a)/(1 - Phi(a)), a = -1.867.
  const double a = (0.1 - 1.5) / 0.75;
  const double phi = std::exp(-a * a / 2) / std::sqrt(2 * M_PI), Phi = 0.5 * std::erfc(-a / std::sqrt(2.0));
  EXPECT_NEAR(dm / static_cast<double>(t.size()), 1.5 + 0.75 * phi / (1 - Phi), 0.01);
}

// The device build (kernels/device_connectivity.cu) writes every generator's synapses in
// generation order and sorts them stably by (source, target), except rows, which are in that
// order already; the same algorithm on the host gives build_synapses's table for every
// connector it covers. (The GPU test compares the device's
// own result; this checks the ordering argument where no GPU is.)
TEST(Connectivity, GenerationOrderSortedBySourceAndTargetIsTheTable) {
  using k = connector::kind;
  for (auto type : {k::fixed_indegree, k::fixed_outdegree, k::fixed_total_number, k::fixed_probability, k::all_to_all}) {
    connector c;
    c.type = type;
    c.n = type == k::fixed_total_number ? 1'500'000 : 40;
    c.p = 0.03;
    c.autapses = false;
    auto net = two_pops(900, 900, c, true);
    distribution w = distribution::normal(0.1, 0.05);
    w.low = 0.0;
    w.bounds = distribution::bounds_mode::redraw;
    net.projections[0].weight = w;
    net.projections[0].delay = distribution::uniform(0.1, 4.0);
    const auto rule = generator_rule_of(net, 0);
    ASSERT_TRUE(rule);
    std::vector<std::uint64_t> key;
    std::vector<float> weight;
    std::vector<std::uint16_t> delay;
    for (std::uint64_t g = 0; g < generator_count(*rule); ++g)
      generate_synapses(*rule, g, [&](std::uint64_t pre, std::uint64_t post, float wj, double dj) {
        key.push_back(pre << 32 | post);
        weight.push_back(wj);
        delay.push_back(delay_steps(dj, 0.1));
      });
    std::vector<std::uint64_t> order(key.size());
    for (std::uint64_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint64_t a, std::uint64_t b) { return key[a] < key[b]; });
    const auto t = build_synapses(net, 0);
    ASSERT_EQ(order.size(), t.size());
    if (type == k::fixed_probability || type == k::all_to_all)  // rows: the device writes them unsorted
      for (std::uint64_t i = 0; i < order.size(); ++i) ASSERT_EQ(order[i], i) << "rows come out in table order";
    for (std::uint64_t i = 0; i < order.size(); ++i) {
      ASSERT_EQ(static_cast<std::uint32_t>(key[order[i]]), t.target[i]) << static_cast<int>(type) << " at " << i;
      ASSERT_EQ(weight[order[i]], t.weight[i]);
      ASSERT_EQ(delay[order[i]], t.delay[i]);
      const std::uint64_t pre = key[order[i]] >> 32;
      ASSERT_TRUE(t.row_ptr[pre] <= i && i < t.row_ptr[pre + 1]);
      ASSERT_NE(pre, t.target[i]) << "autapses are off";
    }
  }
}

// The device build counts the synapses of degree and total-number generators without drawing
// them (fixed_generator_size): the count must be what the generator then draws, including the
// last, partial chunk of a total number and with autapses skipped by redrawing.
TEST(Connectivity, FixedGeneratorSizesAreWhatGeneratorsDraw) {
  using k = connector::kind;
  for (auto type : {k::fixed_indegree, k::fixed_outdegree, k::fixed_total_number}) {
    connector c;
    c.type = type;
    c.n = type == k::fixed_total_number ? 5 * total_number_chunk + 17 : 37;
    c.autapses = false;
    const auto net = two_pops(300, 300, c, true);
    const auto rule = generator_rule_of(net, 0);
    ASSERT_TRUE(rule);
    ASSERT_TRUE(sizes_are_fixed(*rule));
    std::uint64_t total = 0;
    for (std::uint64_t g = 0; g < generator_count(*rule); ++g) {
      std::uint64_t drawn = 0;
      generate_synapses(*rule, g, [&](std::uint64_t, std::uint64_t, float, double) { ++drawn; });
      ASSERT_EQ(fixed_generator_size(*rule, g), drawn) << static_cast<int>(type) << " generator " << g;
      total += drawn;
    }
    EXPECT_EQ(total, build_synapses(net, 0).size());
  }
  connector rows;
  rows.type = k::fixed_probability;
  rows.p = 0.1;
  EXPECT_FALSE(sizes_are_fixed(*generator_rule_of(two_pops(10, 10, rows), 0))) << "rows draw their counts";
}

// resize_populated is resize: new elements zero, old ones kept, whatever the size (the large
// ones take the parallel path that makes pages present first).
TEST(Connectivity, ResizePopulatedIsResize) {
  for (std::size_t n : {std::size_t{0}, std::size_t{1000}, std::size_t{3} << 20, (std::size_t{5} << 20) + 7}) {
    std::vector<std::uint32_t> v = {7, 8, 9};
    resize_populated(v, n);
    ASSERT_EQ(v.size(), n);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(v[i], i < 3 ? 7 + i : 0u) << n << " at " << i;
  }
}

TEST(Connectivity, IndependentOfThreadCount) {
  connector c;
  c.type = connector::kind::fixed_probability;
  c.p = 0.05;
  auto net = two_pops(3000, 3000, c);
  net.projections[0].weight = distribution::normal(1.0, 0.2);
  omp_set_num_threads(1);
  const auto a = build_synapses(net, 0);
  omp_set_num_threads(2);
  const auto b = build_synapses(net, 0);
  EXPECT_EQ(a.row_ptr, b.row_ptr);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.weight, b.weight);
  EXPECT_EQ(a.delay, b.delay);
  net.run.seed = 99;
  EXPECT_NE(build_synapses(net, 0).target, a.target);
}

// The column index (synapses by target, each column ascending) built in parallel equals one
// serial pass over the rows, for 1 to 4 threads and tables with empty rows, one row, no synapse.
TEST(Connectivity, ColumnIndexEqualsOneSerialPass) {
  const int threads_before = omp_get_max_threads();
  std::mt19937_64 rng(3);
  const auto serial = [](const synapse_table& t, std::uint64_t n_target) {
    column_index c;
    c.col_ptr.assign(n_target + 1, 0);
    for (auto i : t.target) ++c.col_ptr[i + 1];
    for (std::uint64_t i = 0; i < n_target; ++i) c.col_ptr[i + 1] += c.col_ptr[i];
    std::vector<std::uint64_t> next(c.col_ptr.begin(), c.col_ptr.end() - 1);
    c.synapse.resize(t.target.size());
    c.source.resize(t.target.size());
    for (std::uint64_t pre = 0; pre + 1 < t.row_ptr.size(); ++pre)
      for (std::uint64_t s = t.row_ptr[pre]; s < t.row_ptr[pre + 1]; ++s) {
        c.synapse[next[t.target[s]]] = s;
        c.source[next[t.target[s]]++] = static_cast<std::uint32_t>(pre);
      }
    return c;
  };
  struct shape {
    std::uint64_t rows, n_target, mean_row;
  };
  for (const shape sh : {shape{3000, 500, 60}, shape{1, 1000, 300000}, shape{50, 7, 0}, shape{0, 10, 0}, shape{4000, 20000, 40}}) {
    synapse_table t;
    t.row_ptr.push_back(0);
    for (std::uint64_t r = 0; r < sh.rows; ++r) {
      const std::uint64_t len = sh.mean_row == 0 ? 0 : rng() % (2 * sh.mean_row + 1);  // some rows empty
      for (std::uint64_t k = 0; k < len; ++k) t.target.push_back(static_cast<std::uint32_t>(rng() % sh.n_target));
      t.row_ptr.push_back(t.target.size());
    }
    const column_index expected = serial(t, sh.n_target);
    for (int threads : {1, 2, 3, 4}) {
      omp_set_num_threads(threads);
      const column_index c = build_columns(t, sh.n_target);
      EXPECT_EQ(c.col_ptr, expected.col_ptr) << sh.rows << " rows, " << threads << " threads";
      EXPECT_EQ(c.synapse, expected.synapse) << sh.rows << " rows, " << threads << " threads";
      EXPECT_EQ(c.source, expected.source) << sh.rows << " rows, " << threads << " threads";
    }
  }
  omp_set_num_threads(threads_before);
}
