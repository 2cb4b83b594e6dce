#pragma once
// A network of one projection between two lif_delta populations (or within one), for the
// connectivity tests: weight 0.1 mV, delay 1.5 ms unless the test draws them, validated.
#include <cstdint>

#include "engram/network.hpp"

namespace engram::testing_support {

inline network two_populations(std::uint64_t ns, std::uint64_t nt, const connector& c, bool same = false,
                               std::uint64_t seed = 12345) {
  network net;
  net.source_file = "test";
  net.run = {0.1, 10.0, seed};
  net.populations.push_back({"A", "lif_delta", ns, {}, {}, {}});
  if (!same) net.populations.push_back({"B", "lif_delta", nt, {}, {}, {}});
  projection pr;
  pr.name = "p";
  pr.source = "A";
  pr.target = same ? "A" : "B";
  pr.receptor = "delta";
  pr.conn = c;
  pr.weight = distribution::constant(0.1);
  pr.delay = distribution::constant(1.5);
  net.projections.push_back(pr);
  validate(net);
  return net;
}

}  // namespace engram::testing_support
