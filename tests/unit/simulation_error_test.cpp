// A simulation that goes wrong stops with a clear simulation_error instead of producing NaN
// spikes silently (DESIGN.md §6). A NaN initial value can only come from C++ (the JSON reader
// rejects non-finite numbers), so the network is built by hand here.
#include <gtest/gtest.h>

#include <cmath>

#include "engram/errors.hpp"
#include "engram/simulation.hpp"

using namespace engram;

TEST(SimulationError, NanMembranePotentialStopsTheRun) {
  network net;
  net.source_file = "test";
  net.run = {0.1, 10.0, 1};
  population p{"E", "lif_delta", 20, {}, {}, {}};
  p.initial["v"] = distribution::constant(std::nan(""));
  net.populations.push_back(p);
  simulation_options o;
  o.backend = backend_choice::cpu;
  auto sim = make_simulation(net, o);
  try {
    sim->advance(5);
    FAIL() << "expected a simulation_error";
  } catch (const simulation_error& e) {
    EXPECT_NE(std::string(e.what()).find("NaN membrane potential"), std::string::npos) << e.what();
  }
}
