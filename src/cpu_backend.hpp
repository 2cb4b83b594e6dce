#pragma once
#include <memory>

#include "engram/simulation.hpp"

namespace engram {
std::unique_ptr<simulation> make_cpu_simulation(const network& net, int threads);
}
