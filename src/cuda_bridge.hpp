#pragma once
// The host side's only view of the CUDA backend: plain C++ declarations, implemented in
// kernels/ when CUDA is compiled in and by cuda_stub.cpp otherwise.
#include <memory>
#include <string>

#include "engram/simulation.hpp"

namespace engram::cuda {
bool compiled();
// True when a device can be used; otherwise `why` says why not (no driver, no device, ...).
bool usable(std::string& why_or_device);
std::unique_ptr<simulation> make_simulation(const network& net);
}  // namespace engram::cuda
