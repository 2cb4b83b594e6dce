// Device discovery for the CUDA backend. Uses the static CUDA runtime only: without a driver
// or a device these calls fail cleanly and engram runs on the CPU.
#include <cuda_runtime.h>

#include <string>

#include "cuda_bridge.hpp"
#include "engram/errors.hpp"
#include "math_probe.hpp"

namespace engram::cuda {

bool compiled() { return true; }

bool usable(std::string& why) {
  if (!cuda_detail::device_present(why)) return false;
  why = "the CUDA backend is not implemented yet in this version (device 0: " + why + ")";
  return false;
}

std::unique_ptr<simulation> make_simulation(const network&) {
  throw backend_unavailable("the CUDA backend is not implemented yet in this version");
}

}  // namespace engram::cuda
