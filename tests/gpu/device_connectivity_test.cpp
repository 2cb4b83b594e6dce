// Connectivity built on the device (kernels/device_connectivity.cu) equals the host build
// (src/connectivity.cpp) bit for bit, for every connector the device generates: row pointers,
// targets, weights, delays and the largest delay. Weights and delays are drawn from
// distributions so that every draw of the stream is compared. Skipped, with the reason, where
// no CUDA device is usable.
#include <gtest/gtest.h>

#include "engram/errors.hpp"
#include "engram/network.hpp"
#include "kernels/math_probe.hpp"
#include "synapse_table.hpp"

using namespace engram;

namespace {
bool have_device() {
  std::string why;
  if (cuda_detail::device_present(why)) return true;
  std::printf("skipping: %s\n", why.c_str());
  return false;
}

network with_connector(connector c, std::uint64_t ns, std::uint64_t nt, bool same) {
  network net;
  net.source_file = "device_connectivity_test";
  net.run = {0.1, 10.0, 4242};
  net.populations.push_back({"A", "lif_delta", ns, {}, {}, {}});
  if (!same) net.populations.push_back({"B", "lif_delta", nt, {}, {}, {}});
  projection pr;
  pr.name = "p";
  pr.source = "A";
  pr.target = same ? "A" : "B";
  pr.receptor = "delta";
  pr.conn = c;
  distribution w = distribution::normal(0.1, 0.05);
  w.low = 0.0;
  w.bounds = distribution::bounds_mode::redraw;
  pr.weight = w;
  distribution d = distribution::normal(1.5, 0.75);
  d.low = 0.1;
  d.high = 10.0;
  d.bounds = distribution::bounds_mode::redraw;
  pr.delay = d;
  net.projections.push_back(pr);
  validate(net);
  return net;
}
}  // namespace

TEST(DeviceConnectivity, EqualsTheHostBuild) {
  if (!have_device()) GTEST_SKIP() << "no usable CUDA device";
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
  }
}

// One source neuron (the sort key's narrowest source field), and a delay beyond 65535 steps:
// the device reports it as the host does, naming the field.
TEST(DeviceConnectivity, OneSourceAndTooLongDelays) {
  if (!have_device()) GTEST_SKIP() << "no usable CUDA device";
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

