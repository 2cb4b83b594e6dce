// Connectivity built on the device (kernels/device_connectivity.cu) equals the host build
// (src/connectivity.cpp) bit for bit, for every connector the device generates: row pointers,
// targets, weights, delays and the largest delay. Weights and delays are drawn from
// distributions so that every draw of the stream is compared. Skipped, with the reason, where
// no CUDA device is usable.
#include <gtest/gtest.h>

#include "engram/errors.hpp"
#include "engram/network.hpp"
#include "kernels/math_probe.hpp"
#include "support/two_populations.hpp"
#include "synapse_table.hpp"

using namespace engram;

namespace {
network with_connector(connector c, std::uint64_t ns, std::uint64_t nt, bool same) {
  network net = testing_support::two_populations(ns, nt, c, same, 4242);
  distribution w = distribution::normal(0.1, 0.05);
  w.low = 0.0;
  w.bounds = distribution::bounds_mode::redraw;
  net.projections[0].weight = w;
  distribution d = distribution::normal(1.5, 0.75);
  d.low = 0.1;
  d.high = 10.0;
  d.bounds = distribution::bounds_mode::redraw;
  net.projections[0].delay = d;
  validate(net);
  return net;
}
}  // namespace

TEST(DeviceConnectivity, EqualsTheHostBuild) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  using k = connector::kind;
  struct spec {
    const char* name;
    k type;
    double p;
    std::uint64_t n;
    bool autapses, same;
  };
  const spec specs[] = {
      {"fixed_indegree", k::fixed_indegree, 0, 300, true, false},
      {"fixed_indegree without autapses", k::fixed_indegree, 0, 300, false, true},
      {"fixed_outdegree without autapses", k::fixed_outdegree, 0, 250, false, true},
      {"fixed_total_number (611 chunks)", k::fixed_total_number, 0, 2'500'000, true, false},
      {"fixed_total_number without autapses", k::fixed_total_number, 0, 400'000, false, true},
      {"fixed_probability", k::fixed_probability, 0.05, 0, false, true},
      {"fixed_probability, sparse", k::fixed_probability, 0.002, 0, true, false},
      {"all_to_all", k::all_to_all, 0, 0, true, false},
      {"one_to_one", k::one_to_one, 0, 0, true, true},
      {"fixed_probability, no synapse", k::fixed_probability, 0.0, 0, true, false},
  };
  for (const spec& s : specs) {
    connector c;
    c.type = s.type;
    c.p = s.p;
    c.n = s.n;
    c.autapses = s.autapses;
    const std::uint64_t ns = s.type == k::all_to_all ? 700 : 3000, nt = s.same ? ns : 2600;
    const network net = with_connector(c, ns, s.type == k::one_to_one ? ns : nt, s.same);
    const synapse_table host = build_synapses(net, 0);
    const synapse_table dev = cuda_detail::device_built_table(net, 0);
    if (s.p > 0 || s.n > 0 || s.type == k::all_to_all || s.type == k::one_to_one) ASSERT_GT(host.size(), 0u) << s.name;
    EXPECT_EQ(dev.row_ptr, host.row_ptr) << s.name;
    EXPECT_EQ(dev.target, host.target) << s.name;
    EXPECT_EQ(dev.weight, host.weight) << s.name;
    EXPECT_EQ(dev.delay, host.delay) << s.name;
    EXPECT_EQ(dev.max_delay, host.max_delay) << s.name;
    EXPECT_EQ(cuda_detail::device_synapse_count(net, 0), host.size()) << s.name;  // as procedural ones are counted
    // The column index of pairing rules, built on the device from the same table.
    const std::uint64_t n_target = net.populations[static_cast<std::size_t>(net.population_index(net.projections[0].target))].size;
    const column_index hc = build_columns(host, n_target), dc = cuda_detail::device_built_columns(host, n_target);
    EXPECT_EQ(dc.col_ptr, hc.col_ptr) << s.name;
    EXPECT_EQ(dc.synapse, hc.synapse) << s.name;
    EXPECT_EQ(dc.source, hc.source) << s.name;
  }
}

// Column indexes of hand-made tables with empty rows, empty columns, repeated targets (multapses)
// and no synapses at all.
TEST(DeviceConnectivity, ColumnIndexOfEdgeCaseTables) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  synapse_table t;
  t.row_ptr = {0, 0, 3, 3, 6, 7, 7};  // rows 0, 2 and 5 empty
  t.target = {1, 1, 4, /**/ 0, 1, 4, /**/ 4};
  t.weight.assign(7, 1.0f);
  t.delay.assign(7, 1);
  const column_index want = build_columns(t, 6);  // columns 2, 3 and 5 empty
  ASSERT_EQ(want.col_ptr, (std::vector<std::uint64_t>{0, 1, 4, 4, 4, 7, 7}));
  const column_index got = cuda_detail::device_built_columns(t, 6);
  EXPECT_EQ(got.col_ptr, want.col_ptr);
  EXPECT_EQ(got.synapse, want.synapse);
  EXPECT_EQ(got.source, want.source);
  synapse_table none;
  none.row_ptr.assign(5, 0);
  const column_index empty = cuda_detail::device_built_columns(none, 3);
  EXPECT_EQ(empty.col_ptr, (std::vector<std::uint64_t>(4, 0)));
  EXPECT_TRUE(empty.synapse.empty());
  EXPECT_TRUE(empty.source.empty());
}

// One source neuron (the sort key's narrowest source field), and a delay beyond 65535 steps:
// the device reports it as the host does, naming the field.
TEST(DeviceConnectivity, OneSourceAndTooLongDelays) {
  std::string why;
  if (!cuda_detail::device_present(why)) GTEST_SKIP() << why;
  connector c;
  c.type = connector::kind::fixed_outdegree;
  c.n = 500;
  network net = with_connector(c, 1, 800, false);
  const synapse_table host = build_synapses(net, 0);
  const synapse_table dev = cuda_detail::device_built_table(net, 0);
  EXPECT_EQ(dev.row_ptr, host.row_ptr);
  EXPECT_EQ(dev.target, host.target);
  EXPECT_EQ(dev.weight, host.weight);
  net.projections[0].delay = distribution::uniform(0.1, 7000.0);  // > 65535 steps of 0.1 ms
  EXPECT_THROW(build_synapses(net, 0), invalid_model);
  try {
    cuda_detail::device_built_table(net, 0);
    ADD_FAILURE() << "no error for delays beyond 65535 steps";
  } catch (const invalid_model& e) {
    EXPECT_NE(std::string(e.what()).find("projections[0].delay"), std::string::npos) << e.what();
  }
}

